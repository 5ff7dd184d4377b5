import assert from '../kit/assert.js';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, it } from '@jest/globals';
import type { BrowserContext, Page } from 'playwright-core';
import { fillDemoData } from '../../scripts/demo-data/fill.js';
import { SeedWriter } from '../../scripts/demo-data/writer.js';
import { today } from '../../subgraphs/kit/clock.js';
import { SERVICES } from '../../subgraphs/services.js';
import { artifact, chromiumSkipReason, launchBrowser } from '../kit/browser.js';
import { TestStack } from '../kit/stack.js';
import { suite } from '../kit/suite.js';
import { until } from '../kit/wait.js';

const PDFTOTEXT = '/usr/bin/pdftotext';
const chromiumSkip = chromiumSkipReason();
function pdftotextSkip(): string | false {
  if (chromiumSkip || existsSync(PDFTOTEXT)) return chromiumSkip;
  if (process.env.CI) throw new Error(`pdftotext is not installed at ${PDFTOTEXT}, and browser tests are mandatory in CI (.ci/run installs poppler-utils)`);
  return `pdftotext is not installed at ${PDFTOTEXT}: the page tests are skipped (apt-get install -y poppler-utils)`;
}
const skip = pdftotextSkip();

const BLACK_ENTERPRISE = '91430100MA4L0L0000';
const CHART_IDS = ['lists', 'late', 'checks', 'matters', 'incomplete', 'feedback', 'cases', 'availability'];

/**
 * A page on which every request that is not for the gateway (or a data: URL) is blocked and
 * recorded, with script errors and policy violations recorded too.
 */
async function offlinePage(context: BrowserContext, origin: string): Promise<{ page: Page; blocked: string[]; problems: string[] }> {
  const page = await context.newPage();
  const blocked: string[] = [];
  const problems: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  return { page, blocked, problems };
}

async function enterKey(page: Page, key: string): Promise<void> {
  await page.fill('#api-key', key);
  await page.click('#key-form button[type=submit]');
}

/** Non-white pixels of a chart's canvas: an empty chart has axes at most, a drawn one far more. */
async function inkOf(page: Page, chartId: string): Promise<number> {
  return page.$eval(`#chart-${chartId} canvas`, (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && (data[i]! < 235 || data[i + 1]! < 235 || data[i + 2]! < 235)) ink += 1;
    return ink;
  });
}

/** The values an ECharts chart was given: every series' data points that are numbers above 0. */
async function plotted(page: Page, chartId: string): Promise<number> {
  return page.$eval(`#chart-${chartId} .canvas`, (el) => {
    const option = (window as any).echarts.getInstanceByDom(el).getOption();
    return option.series.reduce((n: number, s: any) => n + s.data.filter((v: unknown) => typeof v === 'number' && v > 0).length, 0);
  });
}

async function loaded(page: Page): Promise<void> {
  await page.waitForFunction(() => /Updated|更新于|missing|不可用/.test(document.getElementById('status')?.textContent ?? '') && !document.body.classList.contains('loading'));
}

suite('pages for people, over the demo data, offline (headless Chromium)', skip, () => {
  let stack: TestStack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let origin = '';
  let check: { checkId: string; verdict: string; verificationCode: string };

  beforeAll(async () => {
    stack = await TestStack.start();
    origin = new URL(stack.gatewayUrl).origin;
    const writer = SeedWriter.over(new Map(SERVICES.map(({ name }) => [name, stack.db(name)])));
    await fillDemoData(writer, { seed: 2017, asOf: today(), subjects: 2000 });
    const r = await stack.query(`{ subject(id: "${BLACK_ENTERPRISE}") { creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: "ZFCG-2026-0815") { checkId verdict verificationCode } } }`, {}, 'demo-approval-key');
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    check = r.data!.subject.creditCheck;
    // A source that failed for a while, for the availability chart: courts down during one query.
    await stack.stopSubgraph('courts');
    await stack.query(`{ subject(id: "${BLACK_ENTERPRISE}") { courts { records { category } } } }`);
    await stack.restartSubgraph('courts');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('dashboard: an analyst sees every chart drawn from the demo data, with nothing fetched from elsewhere', async () => {
    const { page, blocked, problems } = await offlinePage(browser.context, origin);
    await page.goto(`${origin}/dashboard`);
    await enterKey(page, 'demo-analyst-key');
    await loaded(page);
    for (const id of CHART_IDS) {
      const rows = Number(await page.getAttribute(`#chart-${id}`, 'data-rows'));
      assert.ok(rows > 0, `chart ${id} has rows of data (${rows})`);
      assert.ok((await plotted(page, id)) > 0, `chart ${id} plots values above 0`);
      assert.ok((await inkOf(page, id)) > 2000, `chart ${id} is drawn, not an empty canvas`);
    }
    assert.equal(await page.innerText('#who'), 'demo-analyst · ANALYST');
    await page.screenshot({ path: artifact('dashboard.png'), fullPage: true });
    assert.deepEqual(blocked, [], 'nothing is fetched from outside the gateway');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('dashboard: the department filter and the date range change what every chart shows', async () => {
    const { page, problems } = await offlinePage(browser.context, origin);
    await page.goto(`${origin}/dashboard`);
    await enterKey(page, 'demo-platform-key');
    await loaded(page);
    const all = await page.$eval('#chart-late .canvas', (el) => (window as any).echarts.getInstanceByDom(el).getOption().xAxis[0].data);
    assert.ok(all.length >= 4, JSON.stringify(all));
    await page.selectOption('#department', 'courts');
    await page.click('#filters button[type=submit]');
    await page.waitForFunction(() => (window as any).echarts.getInstanceByDom(document.querySelector('#chart-late .canvas')).getOption().xAxis[0].data.length === 1);
    await loaded(page);
    assert.deepEqual(await page.$eval('#chart-late .canvas', (el) => (window as any).echarts.getInstanceByDom(el).getOption().xAxis[0].data), ['法院 Courts']);
    assert.deepEqual(await page.$eval('#chart-availability .canvas', (el) => (window as any).echarts.getInstanceByDom(el).getOption().series.map((s: any) => s.name)), ['法院 Courts']);
    const csv = await page.$eval('#chart-lists', (el) => el.getAttribute('data-rows'));
    assert.ok(Number(csv) > 0);
    await page.screenshot({ path: artifact('dashboard-courts.png'), fullPage: true });
    // A day before the demo activity: no checks, and the chart says so.
    await page.fill('#from', '2020-01-01');
    await page.fill('#to', '2020-01-31');
    await page.click('#filters button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#chart-checks')?.getAttribute('data-rows') === '0');
    assert.equal(await page.isVisible('#chart-checks .empty'), true);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('dashboard: each chart downloads as a PNG image and its data as CSV', async () => {
    const { page } = await offlinePage(browser.context, origin);
    await page.goto(`${origin}/dashboard`);
    await enterKey(page, 'demo-analyst-key');
    await loaded(page);
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('#chart-checks button.png')]);
    const pngPath = artifact('dashboard-checks-download.png');
    await png.saveAs(pngPath);
    assert.match(png.suggestedFilename(), /^checks_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.png$/);
    assert.deepEqual([...readFileSync(pngPath).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(readFileSync(pngPath).length > 10_000, 'a drawn chart, not a blank image');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#chart-checks button.csv')]);
    const csvPath = artifact('dashboard-checks.csv');
    await csv.saveAs(csvPath);
    const lines = readFileSync(csvPath, 'utf8').replace(/^\ufeff/, '').trim().split('\r\n');
    assert.equal(lines[0], 'week,matter,verdict,checks');
    assert.equal(lines.length - 1, Number(await page.getAttribute('#chart-checks', 'data-rows')));
    const stored = await stack.db('platform')('checks').count({ n: '*' }).first();
    const counted = lines.slice(1).reduce((n, l) => n + Number(l.split(',')[3]), 0);
    assert.ok(counted > 0 && counted <= Number(stored!.n), `${counted} checks in the CSV, ${stored!.n} stored`);
    await page.close();
  });

  it('dashboard: keys of other roles are refused on the page', async () => {
    const { page } = await offlinePage(browser.context, origin);
    await page.goto(`${origin}/dashboard`);
    await enterKey(page, 'demo-approval-key');
    await page.waitForSelector('#key-message:has-text("credit office and analysts")');
    assert.equal(await page.isVisible('#charts'), false);
    const refused = await page.request.get(`${origin}/dashboard/availability.json`, { headers: { authorization: 'Bearer demo-approval-key' } });
    assert.equal(refused.status(), 403);
    await page.close();
  });

  it('certificate: the client that made the check prints it on A4; the PDF holds the verdict, the check id and the code', async () => {
    const { page, blocked, problems } = await offlinePage(browser.context, origin);
    await page.goto(`${origin}/checks/${check.checkId}`);
    await enterKey(page, 'demo-approval-key');
    await page.waitForSelector('#verification-code');
    assert.equal(await page.innerText('#verification-code'), check.verificationCode);
    assert.match(await page.innerText('#verdict'), /MANDATORY_RESTRICTION/);
    assert.match(await page.innerText('#certificate'), /P_GOVERNMENT_PROCUREMENT_BAN/);
    assert.match(await page.innerText('#subject'), /长沙市恒通达建材贸易有限公司/);
    await page.screenshot({ path: artifact('certificate.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('#verify'), false, 'the verification form is not printed');
    const pdf = artifact('certificate.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
    const text = execFileSync(PDFTOTEXT, ['-layout', pdf, '-'], { encoding: 'utf8' });
    const flat = text.replace(/\s+/g, '');
    assert.match(text, /MANDATORY_RESTRICTION/);
    assert.ok(flat.includes(check.checkId), 'the check id is in the PDF');
    assert.ok(flat.includes(check.verificationCode), 'the verification code is in the PDF');
    assert.match(text, /审批前信用核查证明/);
    const pages = execFileSync('/usr/bin/pdfinfo', [pdf], { encoding: 'utf8' });
    assert.match(pages, /Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
    assert.deepEqual(blocked, []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('certificate: the form confirms a genuine code and refuses an altered one, without a key', async () => {
    const { page, blocked } = await offlinePage(browser.context, origin);
    await page.goto(`${origin}/checks/verify`);
    await page.fill('#code', check.verificationCode);
    await page.click('#verify-form button');
    await page.waitForSelector('#verify-result.verified');
    assert.match(await page.innerText('#verify-result'), new RegExp(check.checkId));
    assert.match(await page.innerText('#verify-result'), /MANDATORY_RESTRICTION/);
    await page.screenshot({ path: artifact('certificate-verified.png'), fullPage: true });
    const last = check.verificationCode.at(-1)!;
    await page.fill('#code', check.verificationCode.slice(0, -1) + (last === 'A' ? 'B' : 'A'));
    await page.click('#verify-form button');
    await page.waitForSelector('#verify-result.refused');
    assert.match(await page.innerText('#verify-result'), /not genuine or was altered/);
    assert.deepEqual(blocked, []);
    await page.close();
  });

  it('certificate: an analyst\'s key is refused, and another approval system cannot read the check', async () => {
    const { page } = await offlinePage(browser.context, origin);
    await page.goto(`${origin}/checks/${check.checkId}`);
    await enterKey(page, 'demo-analyst-key');
    await page.waitForSelector('#key-message:has-text("client that made the check and the credit office")');
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await enterKey(page, 'demo-procurement-key');
    await page.waitForSelector('#certificate:has-text("Cannot show this certificate")');
    assert.equal(await page.isVisible('#verification-code'), false);
    await page.close();
  });

  it('public lists: without a key, pages through a list with its total, masks identity numbers, searches by name and code', async () => {
    const { page, blocked, problems } = await offlinePage(browser.context, origin);
    await page.goto(`${origin}/public`);
    await page.selectOption('#department', 'courts');
    await page.waitForFunction(() => /共 \d+ 条/.test(document.getElementById('summary')?.textContent ?? ''));
    const total = Number(/共 (\d+) 条/.exec(await page.innerText('#summary'))![1]);
    assert.ok(total > 20, `courts' black list has more than a page (${total})`);
    assert.equal(await page.locator('#entries > li').count(), 20);
    const firstPage = await page.locator('#entries .decision').allInnerTexts();
    const masked = await page.locator('#entries .subject').allInnerTexts();
    assert.ok(masked.some((s) => /^\d{4}\*{10}\d{3}[\dX]$/.test(s)), 'persons are listed masked');
    assert.ok(!masked.some((s) => /^\d{17}[\dX]$/.test(s)), 'no full identity number');
    await page.screenshot({ path: artifact('public.png'), fullPage: true });
    await page.click('#next');
    await page.waitForFunction(() => /第 21–/.test(document.getElementById('summary')?.textContent ?? ''));
    const secondPage = await page.locator('#entries .decision').allInnerTexts();
    assert.equal(secondPage.filter((d) => firstPage.includes(d)).length, 0, 'the second page repeats nothing');
    assert.match(await page.innerText('#page'), new RegExp(`第 2 / ${Math.ceil(total / 20)} 页`));

    await page.selectOption('#department', 'tax');
    await page.fill('#q', '恒通达');
    await page.click('#search button[type=submit]');
    await page.waitForSelector('#entries h3:has-text("长沙市恒通达建材贸易有限公司")');
    assert.match(await page.innerText('#entries'), /MAJOR_TAX_VIOLATION|重大税收违法/);
    await page.fill('#q', BLACK_ENTERPRISE);
    await page.click('#search button[type=submit]');
    await page.waitForFunction((code) => document.getElementById('summary')?.textContent?.includes('共 ') && [...document.querySelectorAll('#entries .subject')].every((e) => e.textContent === code), BLACK_ENTERPRISE);
    await page.fill('#q', '360426199101010071');
    await page.click('#search button[type=submit]');
    await page.waitForSelector('#summary:has-text("identity number")');
    assert.equal(await page.locator('#entries > li').count(), 0);
    assert.deepEqual(blocked, []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('public lists: usable on a phone-sized screen, with no sideways scrolling', async () => {
    const phone = await browser.context.browser()?.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }) ?? null;
    const page = phone ? await phone.newPage() : await browser.context.newPage();
    if (!phone) await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${origin}/public`);
    await page.waitForFunction(() => /共 \d+ 条/.test(document.getElementById('summary')?.textContent ?? ''));
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(widths.scroll <= widths.client, JSON.stringify(widths));
    const box = await page.locator('#search button[type=submit]').boundingBox();
    assert.ok(box && box.width > 300, 'the search button spans the phone screen');
    await page.screenshot({ path: artifact('public-phone.png'), fullPage: false });
    await page.close();
    await phone?.close();
  });

  it('public lists: the page is rate-limited with the public endpoint', async () => {
    const limited = await TestStack.start({ publicRatePerMinute: 2 });
    try {
      const url = new URL(limited.gatewayUrl).origin;
      const statuses: number[] = [];
      await until('the public page refused', async () => {
        const res = await fetch(`${url}/public`);
        statuses.push(res.status);
        return res.status === 429 ? res : null;
      }, { timeoutMs: 10_000 });
      assert.ok(statuses.filter((s) => s === 200).length <= 2, JSON.stringify(statuses));
      const api = await fetch(`${url}/public/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ courts { publicListPage(listType: BLACK) { total } } }"}' });
      assert.equal(api.status, 429, 'the page and the endpoint share one allowance');
    } finally {
      await limited.close();
    }
  });
});
