// Browser tests of the staff workbench: headless Debian chromium via playwright-core, driving
// only the UI as an officer would (the API is read only to check records against the log).
// Run through ./run.sh, which starts `liuhen demo` with a short idle timeout and sets BASE_URL,
// SCREENSHOT_DIR and LIUHEN_BIN.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const SHOTS = process.env.SCREENSHOT_DIR ?? 'target/browser-screenshots';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const BIN = process.env.LIUHEN_BIN ?? 'target/debug/liuhen';
const IDLE_SECONDS = Number(process.env.IDLE_SECONDS ?? '20');
const PASSWORD = 'liuhen-demo-2026';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };
mkdirSync(SHOTS, { recursive: true });

let browser;
let work;
const external = [];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'liuhen-wb-'));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  assert.deepEqual(external, [], 'no request leaves liuhen');
});

async function newPage(viewport) {
  const context = await browser.newContext({
    viewport, locale: 'zh-CN', isMobile: viewport.width < 500, hasTouch: viewport.width < 500,
  });
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(BASE) && !url.startsWith('data:') && !url.startsWith('blob:')) external.push(url);
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => assert.fail(`script error on ${page.url()}: ${err.message}`));
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `workbench-${name}.png`), fullPage: true });
}

/** The page must be Chinese for a user: no rule-set ids or English words in the visible text. */
async function assertNoCodes(page) {
  const text = await page.locator('body').innerText();
  const codes = text.match(/\b[a-z]+_[a-z0-9_]+\b|\b(OFFICER|UNIT_HEAD|AGENCY_HEAD|REVIEWER|undefined|null|NaN)\b/g);
  assert.equal(codes, null, `codes on ${page.url()}: ${codes}`);
}

async function signIn(page, username) {
  await page.goto(BASE + '/workbench');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('口令').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/workbench(\/|$|\?)/);
  // A head of a body that entrusts an organisation also acts for it (L2-c): several grants, so
  // the workbench asks which one; these tests act for the body itself.
  if (page.url().includes('/workbench/role')) {
    await page.locator('label.choice').filter({
      has: page.locator('.cred', { hasText: /^薛城区市场监督管理局$/ }),
    }).first().locator('input').check();
    await page.getByRole('button', { name: '以此身份进入' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/workbench/role'));
  }
}

async function signOut(page) {
  await page.getByRole('button', { name: '退出' }).click();
  await page.waitForURL(/\/workbench\/login/);
}

const field = (page, name) => page.locator(`[name="${name}"]`);

async function addRecord(page, name) {
  await page.locator('section.add').getByRole('link', { name, exact: true }).click();
  await page.waitForURL(/records\/new/);
}

async function save(page, stats) {
  for (let round = 0; round < 3; round += 1) {
    if (stats) await countSystem(page, stats);
    await page.getByRole('button', { name: '保存记录' }).click();
    await page.waitForLoadState();
    if (/saved=\d+/.test(page.url()) || !stats) break;
    // Refused: the errors are next to their fields; fill what they ask for and send again.
    const scan = join(work, 'signed-page.png');
    if (!(await fillRequired(page, stats, scan))) break;
  }
  const refused = await page.locator('.notice.bad').allInnerTexts();
  const errors = await page.locator('.error').allInnerTexts();
  assert.match(page.url(), /saved=\d+/, `not saved: ${refused.join(' ')} ${errors.join(' ')}`);
  if (stats) stats.records += 1;
  await page.locator('.notice.ok').waitFor();
}

/** A small PNG (solid colour), as a phone camera would hand over a photo. */
function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4); sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0); header.writeUInt32BE(height, 4);
  header[8] = 8; header[9] = 2;
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = y * (width * 3 + 1) + 1 + x * 3;
      rows[at] = 40 + (x % 200); rows[at + 1] = 90; rows[at + 2] = 140 + (y % 100);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Each record on the case page: its log index and hash, as the timeline shows them. */
async function timelineLeaves(page) {
  const texts = await page.locator('.rec-log').allInnerTexts();
  return texts.map((text) => {
    const index = Number(text.match(/日志序号 (\d+)/)[1]);
    const hash = text.match(/哈希 ([0-9a-f]{64})/)[1];
    return { index, hash };
  });
}

/** Checks every leaf offline with the liuhen binary against the signed checkpoint. */
async function verifyLeaves(leaves) {
  const checkpoint = await (await fetch(BASE + '/api/v1/log/checkpoint')).text();
  const keys = (await (await fetch(BASE + '/api/v1/log/verifier-keys')).text()).trim().split('\n');
  const size = Number(checkpoint.split('\n')[1]);
  const cpFile = join(work, 'checkpoint.txt');
  writeFileSync(cpFile, checkpoint);
  for (const leaf of leaves) {
    const proof = await (await fetch(`${BASE}/api/v1/log/proof?index=${leaf.index}&size=${size}`)).text();
    const proofFile = join(work, `proof-${leaf.index}.json`);
    writeFileSync(proofFile, proof);
    const leafFile = join(work, `leaf-${leaf.index}.bin`);
    writeFileSync(leafFile, Buffer.from(leaf.hash, 'hex'));
    const args = ['log', 'verify-inclusion', '--checkpoint', cpFile, '--proof', proofFile, '--leaf', leafFile];
    for (const key of keys) args.push('--key', key);
    execFileSync(BIN, args, { stdio: 'pipe' });
  }
}


// --- Measuring a walk: screens visited, fields the user typed, fields the system filled -----------

function newStats() {
  return { screens: 0, typed: 0, system: 0, records: 0, signInTyped: 0, touched: new Set() };
}

/** Counts every page the user sees (each committed navigation of the main frame). */
function track(page, stats) {
  page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) stats.screens += 1; });
}

async function typeIn(stats, locator, value) {
  stats.typed += 1;
  stats.touched.add(await locator.first().getAttribute('name'));
  await locator.first().fill(value);
}

async function pick(stats, locator, value) {
  stats.typed += 1;
  stats.touched.add(await locator.first().getAttribute('name'));
  await locator.first().selectOption(value);
}

async function tick(stats, locator) {
  stats.typed += 1;
  const input = locator.first();
  const name = await input.getAttribute('name');
  const type = await input.getAttribute('type');
  stats.touched.add(type === 'checkbox' ? `${name}=${await input.getAttribute('value')}` : name);
  await input.check();
}

async function attach(stats, locator, file) {
  stats.typed += 1;
  await locator.first().setInputFiles(file);
}

/** Before a form is sent: every filled control the user did not touch was filled by the system
 * (defaults, prefills from the case and the file, hashes of uploaded files), plus the document
 * numbers the system assigns on saving (R26-b). */
async function countSystem(page, stats) {
  const filled = await page.locator('form.record-form').evaluate((form) => {
    const skip = new Set(['csrf', 'record_type', 'supersedes', 'intent', 'procedure', 'intake', 'confidentiality']);
    const names = [];
    for (const el of form.elements) {
      if (!el.name || skip.has(el.name) || el.disabled) continue;
      if (el.type === 'checkbox') { if (el.checked) names.push(`${el.name}=${el.value}`); }
      else if (el.type === 'radio') { if (el.checked) names.push(el.name); }
      else if (el.type !== 'file' && el.value.trim() !== '') names.push(el.name);
    }
    const docs = [...form.querySelectorAll('.help')].filter((p) => p.textContent.includes('文号由系统')).length;
    return { names, docs };
  });
  for (const name of filled.names) if (!stats.touched.has(name)) stats.system += 1;
  stats.system += filled.docs;
  stats.touched = new Set();
}

function summary(name, stats) {
  const { touched, ...numbers } = stats;
  const line = { walk: name, ...numbers };
  console.log(`# WALK ${JSON.stringify(line)}`);
  writeFileSync(join(SHOTS, `workbench-walk-${name}.json`), `${JSON.stringify(line, null, 2)}\n`);
}

/** Fills every field the rule set requires that is still empty, as a user would, with plausible
 * values; returns how many it filled. */
async function fillRequired(page, stats, scan) {
  const form = page.locator('form.record-form');
  let filled = 0;
  for (const wrapper of await form.locator('[data-required="true"]').all()) {
    if (!(await wrapper.isVisible())) continue;
    const place = await wrapper.evaluate((el) => {
      const list = el.closest('fieldset.list');
      if (!list || list === el) return list === el ? 'list' : 'top';
      const row = el.closest('.row-item');
      return list.dataset.required === 'true' && row && row.dataset.row === '0' ? 'row' : 'skip';
    });
    if (place === 'skip' || place === 'list') continue;
    const tag = await wrapper.evaluate((el) => el.tagName);
    if (tag === 'FIELDSET') {
      const boxes = wrapper.locator(':scope > .choices input[type="checkbox"]');
      const radios = wrapper.locator(':scope > .choices input[type="radio"]');
      if (await boxes.count()) {
        const officers = (await wrapper.getAttribute('data-key')).endsWith('officers');
        const want = officers ? 2 : 1;
        let checked = await wrapper.locator(':scope > .choices input:checked').count();
        for (const label of await wrapper.locator(':scope > .choices label.choice:not(.invalid)').all()) {
          if (checked >= want) break;
          const box = label.locator('input');
          if (!(await box.isChecked())) { await tick(stats, box); checked += 1; filled += 1; }
        }
      } else if (await radios.count()) {
        if (!(await wrapper.locator(':scope > .choices input:checked').count())) {
          const yes = wrapper.locator(':scope > .choices input[value="true"]');
          await tick(stats, (await yes.count()) ? yes : radios);
          filled += 1;
        }
      }
      continue;
    }
    const file = wrapper.locator(':scope > input[type="file"]');
    if (await file.count()) {
      if (!(await wrapper.locator('p.uploaded').count())) {
        await attach(stats, file, scan);
        await wrapper.locator('p.uploaded').waitFor();
        filled += 1;
      }
      continue;
    }
    const control = wrapper.locator(':scope > select, :scope > textarea, :scope > input');
    if (!(await control.count())) continue;
    if ((await control.first().inputValue()).trim() !== '') continue;
    const kind = await control.first().evaluate((el) => el.tagName === 'SELECT' ? 'select'
      : el.tagName === 'TEXTAREA' ? 'textarea' : (el.dataset.check || el.type || 'text'));
    if (kind === 'select') await pick(stats, control, { index: 1 });
    else if (kind === 'textarea') await typeIn(stats, control, '经调查核实，当事人对上述事实无异议。');
    else if (kind === 'id') await typeIn(stats, control, '11010519491231002X');
    else if (kind === 'tel') await typeIn(stats, control, '13800000000');
    else if (kind === 'date') await typeIn(stats, control, new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10));
    else if ((await control.first().getAttribute('class')) === 'money') await typeIn(stats, control, '100');
    else if ((await control.first().getAttribute('inputmode')) === 'numeric') await typeIn(stats, control, '1');
    else await typeIn(stats, control, '薛城区临城街道永福路12号');
    filled += 1;
  }
  return filled;
}

test('an officer on a phone records an on-the-spot penalty to closing, with a photo', async () => {
  const page = await newPage(PHONE);
  const stats = newStats();
  track(page, stats);
  await page.goto(BASE + '/workbench');
  await page.waitForURL(/\/workbench\/login/);
  await shot(page, 'login-phone');
  await signIn(page, 'scjg-officer1');
  stats.signInTyped += 2;
  await shot(page, 'home-phone');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `home scrolls sideways on a phone by ${overflow}px`);

  await page.getByRole('navigation', { name: '工作台导航' }).getByRole('link', { name: '立案登记' }).click();
  await shot(page, 'new-case-phone');
  await page.getByRole('link', { name: '当场发现违法事实' }).click();
  await typeIn(stats, page.getByLabel('案件名称'), '张某某销售过期食品案（当场处罚）');
  await pick(stats, page.getByLabel('权力事项'), { index: 1 });
  await typeIn(stats, field(page, 'f.place'), '薛城区临城街道永福路12号');
  await tick(stats, page.locator('label.choice', { hasText: '孙晓晨' }).locator('input'));
  await tick(stats, field(page, 'f.credentials_shown'));
  await typeIn(stats, field(page, 'f.party.name'), '张某某');
  await typeIn(stats, field(page, 'f.party.id_number'), '11010519491231002X');
  await page.locator('.check.ok').first().waitFor();
  await typeIn(stats, field(page, 'f.party.address'), '薛城区临城街道某小区1号楼');
  await typeIn(stats, field(page, 'f.party.phone'), '13800000000');
  await typeIn(stats, field(page, 'f.facts'), '当事人在店内销售已超过保质期的面包2袋，货值15元。');
  await shot(page, 'intake-form-phone');
  await countSystem(page, stats);
  await page.getByRole('button', { name: '保存并立案' }).click();
  await page.waitForURL(/\/workbench\/cases\/[^/]+\?saved=/);
  stats.records += 1;
  const caseUrl = page.url().split('?')[0];
  await page.locator('.notice.ok').waitFor();
  await assertNoCodes(page);

  await addRecord(page, '当场行政处罚决定');
  await tick(stats, page.locator('label.choice', { hasText: '孙晓晨' }).locator('input'));
  await typeIn(stats, field(page, 'f.form_serial'), '3704001234');
  await typeIn(stats, field(page, 'f.place'), '薛城区临城街道永福路12号');
  await typeIn(stats, field(page, 'f.violation'), '销售超过保质期的食品');
  await pick(stats, field(page, 'f.penalty_kind'), '罚款');
  await typeIn(stats, field(page, 'f.fine_fen'), '200');
  await typeIn(stats, field(page, 'f.legal_basis'), '《中华人民共和国食品安全法》第一百二十四条');
  await typeIn(stats, field(page, 'f.remedy'), '六十日内向薛城区人民政府申请行政复议，或者六个月内向人民法院提起行政诉讼');
  await pick(stats, field(page, 'f.statement'), '当事人放弃陈述申辩');
  await pick(stats, field(page, 'f.handover'), '当场交付当事人');
  await tick(stats, field(page, 'f.collected_on_spot').nth(1));
  await shot(page, 'record-form-phone');
  await save(page, stats);

  // The photo: chosen as from the camera; the script uploads it resumably (the first chunk's
  // connection drops and the upload resumes from the server's offset) and prefills R27 fields.
  await addRecord(page, '音像记录');
  let dropped = 0;
  await page.route('**/evidence/uploads/*', async (route) => {
    if (route.request().method() === 'PATCH' && dropped === 0) {
      dropped += 1;
      await route.abort('connectionreset');
    } else {
      await route.continue();
    }
  });
  const photo = join(work, 'scene.png');
  writeFileSync(photo, png(640, 480));
  await attach(stats, page.locator('input[type="file"][name="files"]'), photo);
  await page.locator('p.uploaded').waitFor({ timeout: 20000 });
  assert.equal(dropped, 1, 'the first upload attempt was cut off');
  assert.equal(await field(page, 'f.media_type').inputValue(), '照片');
  await page.unroute('**/evidence/uploads/*');
  await typeIn(stats, field(page, 'f.method'), '执法记录仪现场拍摄');
  await typeIn(stats, field(page, 'f.proof_object'), '店内货架上超过保质期的面包');
  await pick(stats, field(page, 'f.storage'), '执法信息系统');
  await save(page, stats);
  await page.locator('li.record ul.files img').first().waitFor();

  await addRecord(page, '当场处罚决定报所属行政机关备案');
  await typeIn(stats, field(page, 'f.filed_with'), '薛城区市场监督管理局');
  await save(page, stats);
  await addRecord(page, '罚款缴纳');
  await typeIn(stats, field(page, 'f.amount_fen'), '200');
  await pick(stats, field(page, 'f.channel'), '电子支付系统');
  await typeIn(stats, field(page, 'f.receipt_no'), 'PJ2026120801');
  await save(page, stats);
  await addRecord(page, '行政执法决定执行情况');
  await pick(stats, field(page, 'f.status'), '已履行');
  await save(page, stats);
  await shot(page, 'case-phone');
  await signOut(page);

  // Closing is the unit head's (结案 by UNIT_HEAD or AGENCY_HEAD).
  await signIn(page, 'scjg-unithead');
  stats.signInTyped += 2;
  await page.goto(caseUrl);
  await addRecord(page, '结案');
  await pick(stats, field(page, 'f.reason'), '执行完毕');
  await typeIn(stats, field(page, 'f.summary'), '当事人已缴纳罚款200元，案件执行完毕。');
  await typeIn(stats, field(page, 'f.opinion'), '同意结案。');
  await save(page, stats);
  assert.match(await page.locator('.case-head').innerText(), /已结案/);
  summary('on-the-spot-penalty', stats);
  const leaves = await timelineLeaves(page);
  assert.ok(leaves.length >= 8, `expected the case's records, got ${leaves.length}`);
  await verifyLeaves(leaves);
  // The workbench's own proof page checks the first record against the signed checkpoint.
  await page.getByRole('link', { name: '包含证明' }).first().click();
  await page.getByText('已验证').waitFor();
  await page.context().close();
});

test('an ordinary penalty case from intake to the decision request, across three roles', async () => {
  const page = await newPage(PHONE);
  const stats = newStats();
  track(page, stats);
  const scan = join(work, 'signed-page.png');
  writeFileSync(scan, png(240, 320));
  await signIn(page, 'scjg-officer2');
  stats.signInTyped += 2;
  await page.getByRole('navigation', { name: '工作台导航' }).getByRole('link', { name: '立案登记' }).click();
  await page.locator('section.panel', { has: page.getByRole('heading', { name: '行政处罚普通程序' }) })
    .getByRole('link', { name: '立案审批（承办人意见）' }).click();
  await typeIn(stats, page.getByLabel('案件名称'), '某某便利店销售过期饮料案');
  await pick(stats, page.getByLabel('权力事项'), { index: 1 });
  await fillRequired(page, stats, scan);
  await countSystem(page, stats);
  await page.getByRole('button', { name: '保存并立案' }).click();
  await page.waitForURL(/\/workbench\/cases\/[^/]+\?saved=/);
  stats.records += 1;
  const caseUrl = page.url().split('?')[0];
  await signOut(page);

  const steps = [
    ['scjg-unithead', ['立案审批（承办机构意见）']],
    ['scjg-head', ['立案审批（行政执法机关负责人意见）']],
    ['scjg-officer2', ['询问当事人', '调查（检查、审查）终结报告', '案件审理']],
  ];
  for (const [user, types] of steps) {
    await signIn(page, user);
    stats.signInTyped += 2;
    await page.goto(caseUrl);
    for (const type of types) {
      await addRecord(page, type);
      await fillRequired(page, stats, scan);
      await save(page, stats);
    }
    await signOut(page);
  }
  summary('ordinary-penalty-to-decision-request', stats);
  await page.context().close();
});

test('an ordinary penalty case: investigation recorded, a gated record type shown disabled with its rule', async () => {
  const page = await newPage(DESKTOP);
  await signIn(page, 'scjg-officer1');
  await shot(page, 'home-desktop');
  await page.goto(BASE + '/workbench/cases?procedure=penalty_ordinary&stage=investigation');
  await shot(page, 'cases-desktop');
  await assertNoCodes(page);
  await page.locator('table.list a').first().click();
  await page.waitForURL(/\/workbench\/cases\/[^/?]+$/);
  await shot(page, 'case-desktop');
  // Before anyone types: the decision is disabled, with the rule ID and the article.
  const blocked = page.locator('li.blocked').filter({
    has: page.getByText('行政处罚决定', { exact: true }),
  }).first();
  // Later stages are folded; the officer opens the group to read why.
  const group = page.locator('details.group').filter({ has: blocked });
  if (!(await group.getAttribute('open'))) await group.locator('summary').click();
  await blocked.waitFor();
  const why = await blocked.locator('.why').innerText();
  assert.match(why, /[RL]\d+-[a-z]/, `no rule ID in: ${why}`);
  assert.match(why, /《.+》/, `no article in: ${why}`);
  assert.equal(await blocked.locator('a').count(), 0, 'a blocked type has no link');

  await addRecord(page, '询问当事人');
  await shot(page, 'record-form-desktop');
  const before = await page.locator('input[name="event_time"]').inputValue();
  assert.ok(before.length >= 16, 'event time defaults to now');
  // Every field the rule set requires, whatever it asks; the attachment field takes a scan.
  const scan = join(work, 'signed-page.png');
  writeFileSync(scan, png(200, 280));
  const stats = newStats();
  assert.ok(await fillRequired(page, stats, scan) > 3);
  await save(page, stats);
  assert.match(await page.locator('.timeline').innerText(), /见附件/);
  await page.context().close();
});

test('a form with one wrong field comes back with the error there and every value kept', async () => {
  const page = await newPage(DESKTOP);
  await signIn(page, 'scjg-officer2');
  await page.goto(BASE + '/workbench/cases?procedure=penalty_summary&status=open');
  await page.getByRole('navigation', { name: '工作台导航' }).getByRole('link', { name: '立案登记' }).click();
  await page.getByRole('link', { name: '当场发现违法事实' }).click();
  await page.getByLabel('案件名称').fill('李某某未明码标价案');
  await field(page, 'f.place').fill('薛城区常庄街道');
  await field(page, 'f.party.name').fill('李某某');
  // One wrong field: the ID number's check digit.
  await field(page, 'f.party.id_number').fill('110105194912310021');
  await field(page, 'f.facts').fill('未按规定明码标价。');
  await page.getByRole('button', { name: '保存并立案' }).click();
  await page.waitForLoadState();
  await shot(page, 'form-error-desktop');
  const error = page.locator('[data-key="f.party.id_number"] .error');
  await error.waitFor();
  assert.match(await error.innerText(), /校验码/);
  assert.equal(await page.getByLabel('案件名称').inputValue(), '李某某未明码标价案');
  assert.equal(await field(page, 'f.place').inputValue(), '薛城区常庄街道');
  assert.equal(await field(page, 'f.party.name').inputValue(), '李某某');
  assert.equal(await field(page, 'f.facts').inputValue(), '未按规定明码标价。');
  assert.equal(await field(page, 'f.party.id_number').inputValue(), '110105194912310021');
  await page.context().close();
});

test('a session that expires mid-form resumes after sign-in with the values kept', async () => {
  const page = await newPage(PHONE);
  await signIn(page, 'scjg-officer1');
  await page.goto(BASE + '/workbench/cases?procedure=penalty_ordinary&stage=investigation');
  await page.locator('table.list a').first().click();
  await addRecord(page, '询问当事人');
  const url = page.url();
  const text = '当事人称不知道面包已过期。';
  const first = page.locator('.record-form textarea[name^="f."]').first();
  const name = await first.getAttribute('name');
  await first.fill(text);
  await page.waitForTimeout((IDLE_SECONDS + 2) * 1000);
  await page.getByRole('button', { name: '保存记录' }).click();
  await page.waitForLoadState();
  await shot(page, 'login-resume-phone');
  assert.match(await page.locator('.notice').first().innerText(), /已保存/);
  await page.getByLabel('用户名').fill('scjg-officer1');
  await page.getByLabel('口令').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/records\/new\?draft=/);
  assert.equal(page.url().split('?')[0], url.split('?')[0]);
  assert.equal(await field(page, name).inputValue(), text);
  await page.locator('.notice', { hasText: '已恢复' }).waitFor();
  await page.context().close();
});

test("another body's officer gets the workbench's own 404 page, never JSON", async () => {
  const page = await newPage(DESKTOP);
  await signIn(page, 'scjg-officer1');
  await page.goto(BASE + '/workbench/cases');
  const caseUrl = await page.locator('table.list a').first().getAttribute('href');
  await signOut(page);
  await signIn(page, 'zhzf-officer1');
  const response = await page.goto(BASE + caseUrl);
  assert.equal(response.status(), 404);
  assert.match(response.headers()['content-type'], /text\/html/);
  await page.getByRole('heading', { name: '未找到' }).waitFor();
  await shot(page, 'not-found-desktop');
  await assertNoCodes(page);
  await page.context().close();
});

test('main pages at 1366 px and 390 px', async () => {
  for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    const page = await newPage(viewport);
    await page.goto(BASE + '/workbench/login');
    await shot(page, `login-${name}`);
    await signIn(page, 'scjg-head');
    for (const [path, label] of [['/workbench', 'head-home'], ['/workbench/cases', 'head-cases'],
      ['/workbench/cases/new', 'head-new-case']]) {
      await page.goto(BASE + path);
      await assertNoCodes(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${path} scrolls sideways at ${viewport.width}px by ${overflow}px`);
      await shot(page, `${label}-${name}`);
    }
    // A case page and a record form, as the agency head sees them.
    await page.goto(BASE + '/workbench/cases?procedure=penalty_ordinary&stage=decision');
    await page.locator('table.list a').first().click();
    await page.waitForURL(/\/workbench\/cases\/[^/?]+$/);
    await assertNoCodes(page);
    await shot(page, `head-case-${name}`);
    await page.locator('section.add a.button').first().click();
    await page.waitForURL(/records\/new/);
    await assertNoCodes(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the record form scrolls sideways at ${viewport.width}px by ${overflow}px`);
    await shot(page, `head-record-form-${name}`);
    await page.context().close();
  }
});
