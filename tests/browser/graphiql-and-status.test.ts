import assert from '../kit/assert.js';
import { afterAll, beforeAll, it } from '@jest/globals';
import type { BrowserContext, Page } from 'playwright-core';
import { artifact, chromiumSkipReason, launchBrowser } from '../kit/browser.js';
import { IDS, insertRecord } from '../kit/fixtures.js';
import { TestStack } from '../kit/stack.js';
import { suite } from '../kit/suite.js';

const skip = chromiumSkipReason();

/**
 * Opens a page that records every request that leaves the gateway's origin and every script
 * error or policy violation, so a test can assert the page works offline and cleanly.
 */
async function watchedPage(context: BrowserContext, origin: string): Promise<{ page: Page; external: string[]; problems: string[] }> {
  const page = await context.newPage();
  const external: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) external.push(r.url());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  return { page, external, problems };
}

suite('in a real browser (headless Chromium)', skip, () => {
  let stack: TestStack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let origin = '';

  beforeAll(async () => {
    stack = await TestStack.start({ withRegistry: true });
    origin = new URL(stack.gatewayUrl).origin;
    // The check-before-approval example's subject: a major tax violation bars it from procurement.
    await insertRecord(stack.db('tax'), { subjectId: IDS.blackEnterprise, category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('GraphiQL: the analyst enters the key, runs the check before approval and reads the verdict', async () => {
    const { page, external, problems } = await watchedPage(browser.context, origin);
    await page.goto(`${origin}/graphiql`);
    await page.screenshot({ path: artifact('graphiql-key.png') });

    await page.fill('#api-key', 'demo-analyst-key');
    await page.click('#key-form button[type=submit]');
    await page.waitForSelector('.graphiql-container');
    assert.equal(await page.innerText('#who'), 'demo-analyst · ANALYST');
    const tabs = await page.locator('.graphiql-tab-button').allInnerTexts();
    assert.deepEqual(tabs, ['SubjectView', 'CheckBeforeApproval', 'BatchCheck', 'Lists', 'Statistics']);

    await page.click('.graphiql-tab-button:text-is("CheckBeforeApproval")');
    await page.waitForSelector('.graphiql-editor-tool :text("91430100MA4L0L0000")');
    // Right after a tab switch GraphiQL 3 can still send the previous tab's operation name (the
    // server answers "Unknown operation named …"); an analyst presses run again, and so does the
    // test, at most three times.
    let answer: { data?: { subject?: { creditPreview?: { verdict?: string } } }; errors?: unknown } | undefined;
    let refusedRuns = 0;
    for (let attempt = 0; attempt < 3 && !answer?.data?.subject?.creditPreview; attempt++) {
      if (attempt > 0) {
        refusedRuns += 1;
        await page.waitForTimeout(500);
      }
      const response = page.waitForResponse((r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('CheckBeforeApproval'), { timeout: 15_000 });
      await page.click('.graphiql-execute-button');
      answer = await response.then((r) => r.json()).catch(() => undefined);
    }
    assert.equal(answer?.data?.subject?.creditPreview?.verdict, 'MANDATORY_RESTRICTION', JSON.stringify(answer ?? 'no answer to three runs').slice(0, 500));
    const verdict = page.locator('.graphiql-response .CodeMirror-line', { hasText: '"verdict"' });
    try {
      await verdict.waitFor({ timeout: 30_000 });
    } catch (err) {
      await page.screenshot({ path: artifact('graphiql-check-failed.png') });
      throw new Error(`no verdict in the result pane: ${await page.innerText('.graphiql-response').catch(() => '(no response pane)')}`, { cause: err });
    }
    assert.match(await verdict.innerText(), /"verdict": "MANDATORY_RESTRICTION"/);
    assert.match(await page.innerText('.graphiql-response'), /P_GOVERNMENT_PROCUREMENT_BAN/);
    await page.screenshot({ path: artifact('graphiql-check.png') });

    // The docs pane explains the domain from the schema's descriptions.
    await page.click('[aria-label="Show Documentation Explorer"]');
    await page.locator('.graphiql-doc-explorer-content a.graphiql-doc-explorer-type-name:text-is("Query")').first().click();
    await page.waitForSelector('.graphiql-doc-explorer-content :text("信用主体")');
    await page.screenshot({ path: artifact('graphiql-docs.png') });

    // The key is kept for this tab: a reload opens GraphiQL without asking again.
    await page.reload();
    await page.waitForSelector('.graphiql-container');
    assert.equal(await page.isVisible('#key-form'), false);

    assert.deepEqual(external, [], 'nothing is fetched from outside the gateway');
    // A refused first run shows in the console as a failed request; nothing else may.
    const unexpected = problems.filter((p, i) => !(i < refusedRuns && /Failed to load resource: the server responded with a status of 400/.test(p)));
    assert.deepEqual(unexpected, []);
    await page.close();
  });

  it('GraphiQL: an unknown key is refused on the page, and the key is asked for again', async () => {
    const { page } = await watchedPage(browser.context, origin);
    await page.goto(`${origin}/graphiql`);
    await page.fill('#api-key', 'not-a-key');
    await page.click('#key-form button[type=submit]');
    await page.waitForSelector('#key-message:has-text("not known")');
    assert.equal(await page.isVisible('.graphiql-container'), false);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'a refused key is not kept');
    await page.close();
  });

  it('the status page shows subgraphs, the supergraph version and recent errors by source', async () => {
    await stack.stopSubgraph('courts');
    try {
      await stack.query(`{ subject(id: "${IDS.blackEnterprise}") { courts { records { category } } } }`);
      const { page, external, problems } = await watchedPage(browser.context, origin);
      // The page is for analysts and the credit office: without a key the browser is asked for one
      // (HTTP Basic, the key as the password), which is what it then sends.
      const refused = await page.request.get(`${origin}/status`);
      assert.equal(refused.status(), 401);
      assert.match(refused.headers()['www-authenticate'] ?? '', /^Basic realm=/);
      await page.setExtraHTTPHeaders({ authorization: `Basic ${Buffer.from('analyst:demo-analyst-key').toString('base64')}` });
      await page.goto(`${origin}/status`);
      assert.equal(await page.innerText('#readiness'), 'not ready');
      assert.match(await page.innerText('#supergraph'), /1 \(registry\)/);
      assert.equal(await page.innerText('tr[data-subgraph="tax"] .badge'), 'up');
      assert.equal(await page.innerText('tr[data-subgraph="courts"] .badge'), 'down');
      assert.match(await page.innerText('#errors-by-source'), /courts/);
      assert.match(await page.innerText('#recent-errors'), /connection refused/);
      await page.screenshot({ path: artifact('status.png'), fullPage: true });
      assert.deepEqual(external, []);
      assert.deepEqual(problems, []);
      await page.close();
    } finally {
      await stack.restartSubgraph('courts');
    }
  });
});
