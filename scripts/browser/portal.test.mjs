// Browser tests of the public portal (issue 8): headless Debian chromium via playwright-core.
// Run through ./run.sh, which starts `liuhen demo` and sets BASE_URL and SCREENSHOT_DIR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const SHOTS = process.env.SCREENSHOT_DIR ?? 'target/browser-screenshots';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
mkdirSync(SHOTS, { recursive: true });

let context;
let profile;
const external = [];

before(async () => {
  profile = mkdtempSync(join(tmpdir(), 'liuhen-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
  });
  // The portal must make no external request (no CDN): record any that leaves BASE.
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(BASE) && !url.startsWith('data:')) external.push(url);
  });
});

after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  assert.deepEqual(external, [], 'no request leaves the portal');
});

async function open(path, shot) {
  const page = await context.newPage();
  const response = await page.goto(BASE + path);
  if (shot) await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true });
  return { page, response };
}

test('home shows the latest items and the signed checkpoint', async () => {
  const { page, response } = await open('/', 'home');
  assert.equal(response.status(), 200);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await page.getByRole('heading', { name: '签名检查点' }).waitFor();
  assert.ok(await page.locator('main').count() === 1);
  // A phone-sized viewport: no horizontal scrolling of the page body.
  await page.setViewportSize({ width: 375, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page scrolls sideways on a phone by ${overflow}px`);
  await page.screenshot({ path: join(SHOTS, 'home-phone.png'), fullPage: true });
  await page.close();
});

test('search for 行政处罚 and open an item with its verify section', async () => {
  const { page } = await open('/');
  await page.getByLabel('检索公示信息').fill('行政处罚');
  await page.getByRole('button', { name: '检索' }).click();
  await page.waitForURL(/\/search\?/);
  await page.screenshot({ path: join(SHOTS, 'search.png'), fullPage: true });
  const results = page.locator('main ul.items li a');
  assert.ok(await results.count() > 0, 'the demo has published decisions that 行政处罚 finds');
  await results.first().click();
  await page.waitForURL(/\/disclosure\//);
  await page.getByRole('heading', { name: '验证' }).waitFor();
  assert.match(await page.content(), /liuhen log verify-inclusion/);
  await page.screenshot({ path: join(SHOTS, 'item.png'), fullPage: true });
  // The inclusion proof link answers JSON.
  const proof = await page.locator('a[href^="/api/v1/log/proof"]').first().getAttribute('href');
  const reply = await page.request.get(BASE + proof);
  assert.equal(reply.status(), 200);
  await page.close();
});

test('check an officer credential from a body page, and an unknown one', async () => {
  const { page } = await open('/bodies', 'bodies');
  await page.locator('main ul.items li a').first().click();
  await page.waitForURL(/\/bodies\//);
  await page.screenshot({ path: join(SHOTS, 'body.png'), fullPage: true });
  const credential = page.locator('a[href^="/verify/officer/"]').first();
  const number = (await credential.textContent()).trim();
  await open('/verify/officer').then(async ({ page: form }) => {
    await form.getByLabel('执法证件号码').fill(number);
    await form.getByRole('button', { name: '查验' }).click();
    await form.waitForURL(/\/verify\/officer\//);
    assert.match(await form.locator('[role=status]').textContent(), /有效/);
    await form.screenshot({ path: join(SHOTS, 'credential.png'), fullPage: true });
    await form.close();
  });
  const { page: unknown, response } = await open('/verify/officer/NO-SUCH-CREDENTIAL', 'credential-unknown');
  assert.equal(response.status(), 404);
  assert.match(await unknown.content(), /未查到/);
  await unknown.close();
  await page.close();
});

test('submit a correction request and look up its status', async () => {
  const { page } = await open('/search');
  const first = page.locator('main ul.items li a').first();
  assert.ok(await first.count() > 0, 'the demo has a published item to correct');
  await first.click();
  await page.waitForURL(/\/disclosure\//);
  await page.getByRole('link', { name: /申请更正/ }).click();
  await page.getByLabel('申请人类型').selectOption('法人');
  await page.getByLabel('姓名或者名称').fill('枣庄市某某商贸有限公司');
  await page.getByLabel(/联系方式/).fill('0632-7654321');
  await page.getByLabel(/不准确的内容/).fill('决定日期有误');
  await page.getByLabel('建议更正为').fill('应为前一日');
  await page.getByLabel(/证据材料/).setInputFiles({ name: '证明.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 demo evidence') });
  await page.screenshot({ path: join(SHOTS, 'correction-form.png'), fullPage: true });
  await page.getByRole('button', { name: '提交更正申请' }).click();
  const tracking = (await page.locator('#tracking').textContent()).trim();
  assert.match(tracking, /^CR[A-Z2-7]{20}$/);
  await page.getByRole('link', { name: '查询办理情况' }).click();
  assert.equal((await page.locator('#status').textContent()).trim(), '处理中');
  await page.screenshot({ path: join(SHOTS, 'correction-status.png'), fullPage: true });
  await page.close();
});

test('annual data and open data pages render', async () => {
  for (const [path, shot] of [['/annual', 'annual'], ['/open-data', 'open-data'], ['/verify', 'verify']]) {
    const { page, response } = await open(path, shot);
    assert.equal(response.status(), 200);
    await page.close();
  }
});
