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

async function save(page) {
  await page.getByRole('button', { name: '保存记录' }).click();
  await page.waitForLoadState();
  const refused = await page.locator('.notice.bad').allInnerTexts();
  const errors = await page.locator('.error').allInnerTexts();
  assert.match(page.url(), /saved=\d+/, `not saved: ${refused.join(' ')} ${errors.join(' ')}`);
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

test('an officer on a phone records an on-the-spot penalty to closing, with a photo', async () => {
  const page = await newPage(PHONE);
  await page.goto(BASE + '/workbench');
  await page.waitForURL(/\/workbench\/login/);
  await shot(page, 'login-phone');
  await signIn(page, 'scjg-officer1');
  await shot(page, 'home-phone');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `home scrolls sideways on a phone by ${overflow}px`);

  await page.getByRole('navigation', { name: '工作台导航' }).getByRole('link', { name: '立案登记' }).click();
  await shot(page, 'new-case-phone');
  await page.getByRole('link', { name: '当场发现违法事实' }).click();
  await page.getByLabel('案件名称').fill('张某某销售过期食品案（当场处罚）');
  await page.getByLabel('权力事项').selectOption({ index: 1 });
  await field(page, 'f.place').fill('薛城区临城街道永福路12号');
  await page.locator('label.choice', { hasText: '孙晓晨' }).locator('input').check();
  await field(page, 'f.credentials_shown').first().check();
  await field(page, 'f.party.name').fill('张某某');
  await field(page, 'f.party.id_number').fill('11010519491231002X');
  await page.locator('.check.ok').first().waitFor();
  await field(page, 'f.party.address').fill('薛城区临城街道某小区1号楼');
  await field(page, 'f.party.phone').fill('13800000000');
  await field(page, 'f.facts').fill('当事人在店内销售已超过保质期的面包2袋，货值15元。');
  await shot(page, 'intake-form-phone');
  await page.getByRole('button', { name: '保存并立案' }).click();
  await page.waitForURL(/\/workbench\/cases\/[^/]+\?saved=/);
  const caseUrl = page.url().split('?')[0];
  await page.locator('.notice.ok').waitFor();
  await assertNoCodes(page);

  await addRecord(page, '当场行政处罚决定');
  await page.locator('label.choice', { hasText: '孙晓晨' }).locator('input').check();
  await field(page, 'f.form_serial').fill('3704001234');
  await field(page, 'f.place').fill('薛城区临城街道永福路12号');
  await field(page, 'f.violation').fill('销售超过保质期的食品');
  await field(page, 'f.penalty_kind').selectOption('罚款');
  await field(page, 'f.fine_fen').fill('200');
  await field(page, 'f.legal_basis').fill('《中华人民共和国食品安全法》第一百二十四条');
  await field(page, 'f.remedy').fill('六十日内向薛城区人民政府申请行政复议，或者六个月内向人民法院提起行政诉讼');
  await field(page, 'f.statement').selectOption('当事人放弃陈述申辩');
  await field(page, 'f.handover').selectOption('当场交付当事人');
  await field(page, 'f.collected_on_spot').nth(1).check();
  await shot(page, 'record-form-phone');
  await save(page);

  // The photo: chosen as from the camera; the script uploads it resumably and prefills R27 fields.
  await addRecord(page, '音像记录');
  const photo = join(work, 'scene.png');
  writeFileSync(photo, png(320, 240));
  await page.locator('input[type="file"][name="files"]').setInputFiles(photo);
  await page.locator('p.uploaded').waitFor();
  assert.equal(await field(page, 'f.media_type').inputValue(), '照片');
  await field(page, 'f.method').fill('执法记录仪现场拍摄');
  await field(page, 'f.proof_object').fill('店内货架上超过保质期的面包');
  await field(page, 'f.storage').selectOption('执法信息系统');
  await save(page);
  await page.locator('li.record ul.files img').first().waitFor();

  await addRecord(page, '当场处罚决定报所属行政机关备案');
  await field(page, 'f.filed_with').fill('薛城区市场监督管理局');
  await save(page);
  await addRecord(page, '罚款缴纳');
  await field(page, 'f.amount_fen').fill('200');
  await field(page, 'f.channel').selectOption('电子支付系统');
  await field(page, 'f.receipt_no').fill('PJ2026120801');
  await save(page);
  await addRecord(page, '行政执法决定执行情况');
  await field(page, 'f.status').selectOption('已履行');
  await save(page);
  await shot(page, 'case-phone');
  await signOut(page);

  // Closing is the unit head's (结案 by UNIT_HEAD or AGENCY_HEAD).
  await signIn(page, 'scjg-unithead');
  await page.goto(caseUrl);
  await addRecord(page, '结案');
  await field(page, 'f.reason').selectOption('执行完毕');
  await field(page, 'f.summary').fill('当事人已缴纳罚款200元，案件执行完毕。');
  await field(page, 'f.opinion').fill('同意结案。');
  await save(page);
  assert.match(await page.locator('.case-head').innerText(), /已结案/);
  const leaves = await timelineLeaves(page);
  assert.ok(leaves.length >= 8, `expected the case's records, got ${leaves.length}`);
  await verifyLeaves(leaves);
  // The workbench's own proof page checks the first record against the signed checkpoint.
  await page.getByRole('link', { name: '包含证明' }).first().click();
  await page.getByText('已验证').waitFor();
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
  await page.locator('label.choice', { hasText: '孙晓晨' }).locator('input').check();
  // Every top-level field of the generated form, whatever the rule set asks (list rows stay empty).
  for (const input of await page.locator('.record-form textarea[name^="f."]:not(fieldset.list textarea)').all()) {
    await input.fill('询问当事人关于销售过期食品的情况，当事人承认违法事实。');
  }
  for (const input of await page.locator('.record-form input[name^="f."]:not([type]):not(fieldset.list input)').all()) {
    if (!(await input.inputValue())) await input.fill('薛城区市场监督管理局询问室');
  }
  for (const select of await page.locator('.record-form select[name^="f."]:not(fieldset.list select)').all()) {
    if (!(await select.inputValue())) await select.selectOption({ index: 1 });
  }
  for (const name of await page.locator('.record-form fieldset input[type="radio"][value="true"]').all()) {
    await name.check();
  }
  const scan = join(work, 'statement.png');
  writeFileSync(scan, png(200, 280));
  for (const input of await page.locator('.record-form input[type="file"][name^="file."]').all()) {
    await input.setInputFiles(scan);
  }
  await page.locator('p.uploaded').first().waitFor();
  await save(page);
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
    await signIn(page, 'scjg-head');
    for (const [path, label] of [['/workbench', 'head-home'], ['/workbench/cases', 'head-cases'],
      ['/workbench/cases/new', 'head-new-case']]) {
      await page.goto(BASE + path);
      await assertNoCodes(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${path} scrolls sideways at ${viewport.width}px by ${overflow}px`);
      await shot(page, `${label}-${name}`);
    }
    await page.context().close();
  }
});
