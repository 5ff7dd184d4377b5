import assert from '../kit/assert.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { exampleTabs } from '../../gateway/graphiql-examples.js';
import { creditCodeCheckChar } from '../../subgraphs/kit/identifiers.js';
import { NpmStart } from '../kit/npm-start.js';
import { ROOT } from '../kit/processes.js';
import { postGraphQL, postToSubgraph } from '../kit/stack.js';
import { until } from '../kit/wait.js';

/**
 * The README is a test (issue 15, item 10): its walk-throughs run against a fresh `npm start` of
 * their own (its own data folder, so the demo data a reader has stays as the demo-subjects table
 * says), literally as written — the shell and GraphQL blocks are read from README.md, with only the
 * ports moved off 4000 and 4006 and the placeholders of a step (`<id>`, `psub-…`) filled from the
 * answer of the step before — and each answer shown is compared in shape with what comes back.
 */
const BASE = Number(process.env.TEST_PORT_BASE ?? 4800) + 150;
const GATEWAY = `http://127.0.0.1:${BASE}/graphql`;
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

interface Block {
  lang: string;
  text: string;
  /** The `##`/`###` heading the block is under. */
  section: string;
}

/** Every fenced block of the README with its section. */
function blocks(): Block[] {
  const out: Block[] = [];
  let section = '';
  const lines = README.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#{2,3} (.*)$/.exec(lines[i]!);
    if (heading) section = heading[1]!;
    const fence = /^\s*```(\w*)\s*$/.exec(lines[i]!);
    if (!fence) continue;
    const indent = lines[i]!.indexOf('`');
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) body.push(lines[i]!.slice(indent));
    out.push({ lang: fence[1]!, text: body.join('\n'), section });
  }
  return out;
}
const inSection = (section: string, lang?: string) => blocks().filter((b) => b.section.startsWith(section) && (lang === undefined || b.lang === lang));

/** The README's ports moved to this test's stack. */
const moved = (text: string) => text.replaceAll('127.0.0.1:4000', `127.0.0.1:${BASE}`).replaceAll('127.0.0.1:4006', `127.0.0.1:${BASE + 6}`).replaceAll('PORT=4006', `PORT=${BASE + 6}`);

/**
 * The shape of `actual` is that of `shown`: the same keys, the same kinds of value, and lists that
 * are empty or not as shown, their items each shaped like the first one shown.
 */
function assertShape(actual: unknown, shown: unknown, at = '$'): void {
  if (shown === null) return;
  if (Array.isArray(shown)) {
    assert.ok(Array.isArray(actual), `${at}: expected a list, got ${JSON.stringify(actual)?.slice(0, 200)}`);
    assert.equal((actual as unknown[]).length === 0, shown.length === 0, `${at}: the README shows ${shown.length ? 'items' : 'no item'}, the answer has ${(actual as unknown[]).length}`);
    for (const [i, item] of (actual as unknown[]).entries()) assertShape(item, shown[0], `${at}[${i}]`);
    return;
  }
  if (typeof shown === 'object') {
    assert.ok(actual !== null && typeof actual === 'object' && !Array.isArray(actual), `${at}: expected an object, got ${JSON.stringify(actual)?.slice(0, 200)}`);
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(shown).sort(), `${at}: keys`);
    for (const [k, v] of Object.entries(shown)) assertShape((actual as Record<string, unknown>)[k], v, `${at}.${k}`);
    return;
  }
  assert.equal(typeof actual, typeof shown, `${at}: expected a ${typeof shown} like ${JSON.stringify(shown)}, got ${JSON.stringify(actual)}`);
}

/** Runs shell text with bash from the project's folder; the blocks of one section share one shell. */
function bash(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string; pid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    // The ecology subgraph started with `&` keeps the pipes open: done when bash itself has exited
    // and everything it wrote has been read (each block ends with a marker line).
    child.on('exit', (code) => {
      const markers = script.split(`echo '${MARK}'`).length - 1;
      until('the output of bash read', () => code !== 0 || stdout.split(MARK).length - 1 >= markers).then(
        () => resolve({ code, stdout, stderr, pid: child.pid! }),
        reject,
      );
    });
  });
}

/** Splits the output of blocks run one after another with a marker line between them. */
const MARK = '@@README-BLOCK@@';
const joined = (texts: string[]) => texts.map((t) => `${t}\necho '${MARK}'`).join('\n');
const parts = (stdout: string) => stdout.split(`${MARK}\n`);

const gql = (query: string, key: string, variables?: Record<string, unknown>) => postGraphQL(GATEWAY, { query, variables }, { authorization: `Bearer ${key}` });

describe('the README, run as written against a fresh stack', () => {
  let dataDir = '';
  let stack: NpmStart;
  // GATEWAY_URL: where `npm run subgraph` goes instead of its default http://127.0.0.1:4000/graphql.
  const env = () => ({ DATA_DIR: dataDir, DATABASE_URL: '', EXPIRY_SWEEP_MS: '0', SUBGRAPH_TIMEOUT_MS: '10000', CREDIT_KEY: '', GATEWAY_URL: GATEWAY });
  const groups: number[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'credit-readme-'));
    // The quick start's `npm start`, on this test's ports.
    assert.match(inSection('Quick start', 'sh')[0]!.text, /npm start/);
    stack = new NpmStart(['--subjects', '300', '--port-base', String(BASE)], env());
    await stack.waitFor(/Credit platform is running/, 'the stack is up');
  }, 600_000);
  afterAll(async () => {
    for (const g of groups) {
      try {
        process.kill(-g, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await stack?.interrupt();
    stack?.killGroup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('quick start and the check: each curl answers the shape the README shows', async () => {
    for (const section of ['Quick start', 'The check an approval system sends']) {
      const curls = inSection(section, 'sh').filter((b) => b.text.startsWith('curl'));
      const shown = inSection(section, 'json').map((b) => JSON.parse(b.text));
      assert.equal(curls.length, shown.length, `${section}: one answer shown per curl`);
      const run = await bash(joined(curls.map((b) => moved(b.text))), env());
      assert.equal(run.code, 0, run.stderr);
      for (const [i, out] of parts(run.stdout).slice(0, curls.length).entries()) {
        const answer = JSON.parse(out);
        assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
        assertShape(answer, shown[i]);
      }
    }
    // The check's GraphQL block is the operation the curl sends.
    const [operation] = inSection('The check an approval system sends', 'graphql');
    const r = await gql(operation!.text, 'demo-approval-key', { id: '91430100MA4L0L0000' });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assertShape({ data: r.data }, JSON.parse(inSection('The check an approval system sends', 'json')[0]!.text));
    assert.equal(r.data!.subject.creditCheck.verdict, 'MANDATORY_RESTRICTION');
  });

  it('the demo-subjects table is true of the demo data (before any example changes it)', async () => {
    const table = README.slice(README.indexOf('Demo subjects worth trying'), README.indexOf('### Demo keys'));
    const rows = [...table.matchAll(/^\| `([0-9A-Z]{18})` \| [^|]+ \| ([^|]+) \|$/gm)].map((m) => ({ id: m[1]!, shows: m[2]!.trim() }));
    assert.equal(rows.length, 5, table);
    for (const { id, shows } of rows) {
      const r = await gql(`{ subject(id: "${id}") { tax { records { listType } } market { records { listType } } courts { records { listType } } finance { records { listType } } } }`, 'demo-approval-key');
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      const lists = new Set(['tax', 'market', 'courts', 'finance'].flatMap((d) => r.data!.subject[d].records.map((x: { listType: string }) => x.listType)));
      if (/black list|dishonest judgment debtor/.test(shows)) assert.ok(lists.has('BLACK'), `${id} (${shows}): ${[...lists]}`);
      if (/red list/.test(shows)) assert.ok(lists.has('RED') && !lists.has('BLACK'), `${id} (${shows}): ${[...lists]}`);
      if (/watch list/.test(shows)) assert.ok(lists.has('WATCH'), `${id} (${shows}): ${[...lists]}`);
      if (/^clean/.test(shows)) assert.equal(lists.size, 0, `${id} (${shows}): ${[...lists]}`);
    }
  });

  it('public lists: the curl answers a list', async () => {
    const [curl] = inSection('Public lists and reports', 'sh');
    const run = await bash(moved(curl!.text), env());
    const answer = JSON.parse(run.stdout);
    assert.equal(answer.errors, undefined, run.stdout);
    assert.ok(Array.isArray(answer.data.courts.publicList) && answer.data.courts.publicList.length > 0, run.stdout);
  });

  it("a record's life: each step as the README gives it, with the key it names", async () => {
    const section = README.slice(README.indexOf('## The life of one record'), README.indexOf('### Public lists and reports'));
    // The numbered steps, each with its code (the block of step 1, the inline code of the others) and the key it names.
    const steps = section.split(/\n(?=\d\. \*\*)/).filter((s) => /^\d\. \*\*/.test(s));
    assert.equal(steps.length, 6, 'six steps');
    let key = '';
    const codeOf = (step: string) => {
      const fenced = /```graphql\n([\s\S]*?)\n\s*```/.exec(step);
      const spans = [...step.matchAll(/`((?:\{|mutation)[^`]*)`/g)].map((m) => m[1]!);
      return fenced ? [fenced[1]!.replace(/^ {3}/gm, '')] : spans;
    };
    const keyOf = (step: string) => (key = /`(demo-[a-z]+-key)`/.exec(step)?.[1] ?? key);

    // 1. Published, with the court's key: the list type and period follow from the category.
    const [publish] = codeOf(steps[0]!);
    const published = await gql(publish!, keyOf(steps[0]!));
    assert.equal(key, 'demo-courts-key');
    assert.equal(published.errors, undefined, JSON.stringify(published.errors));
    const record = published.data!.courts.publishRecord;
    assert.deepEqual([record.version, record.listType, record.status], [1, 'BLACK', 'ACTIVE']);
    assert.equal((await gql(publish!, key)).data!.courts.publishRecord.id, record.id, 'the same decision again: the same record');
    assert.equal((await gql(publish!, 'demo-tax-key')).errors?.[0]?.extensions?.code, 'FORBIDDEN');

    // 2. Checked by the approval system.
    const [checkQuery] = codeOf(steps[1]!);
    const checked = await gql(checkQuery!, keyOf(steps[1]!));
    assert.equal(key, 'demo-approval-key');
    assert.equal(checked.data!.subject.creditCheck.verdict, 'MANDATORY_RESTRICTION');
    assert.ok(checked.data!.subject.creditCheck.measures.some((m: { code: string }) => m.code === 'P_GOVERNMENT_PROCUREMENT_BAN'));

    // 3. Objected, through the credit office.
    const [objection] = codeOf(steps[2]!);
    const filed = await gql(objection!.replace('<id>', record.id), keyOf(steps[2]!));
    assert.equal(key, 'demo-platform-key');
    assert.equal(filed.errors, undefined, JSON.stringify(filed.errors));
    assert.equal(filed.data!.courts.fileObjection.status, 'PENDING');

    // 4. Suspended: the same check answers CLEAR, the ban moved to suspendedMeasures.
    const suspended = await gql(checkQuery!.replace('checkId verdict', 'checkId verdict suspendedMeasures { code }'), 'demo-approval-key');
    assert.equal(suspended.data!.subject.creditCheck.verdict, 'CLEAR', JSON.stringify(suspended));
    assert.ok(suspended.data!.subject.creditCheck.suspendedMeasures.some((m: { code: string }) => m.code === 'P_GOVERNMENT_PROCUREMENT_BAN'));

    // 5. Resolved by the court: its pending objections, then UPHELD.
    const [pending, resolve] = codeOf(steps[4]!);
    const listed = await gql(pending!, keyOf(steps[4]!));
    assert.equal(key, 'demo-courts-key');
    const mine = listed.data!.courts.objections.find((o: { recordId: string }) => o.recordId === record.id);
    assert.ok(mine, JSON.stringify(listed));
    const resolved = await gql(resolve!.replace('<objection id>', mine.id), key);
    assert.equal(resolved.errors, undefined, JSON.stringify(resolved.errors));
    assert.equal((await gql(checkQuery!, 'demo-approval-key')).data!.subject.creditCheck.verdict, 'MANDATORY_RESTRICTION', 'UPHELD resumes the measures');

    // 6. Repair applied for; approval is refused before the minimum publicity period.
    const [repair] = codeOf(steps[5]!);
    const applied = await gql(repair!.replace('<id>', record.id), 'demo-courts-key');
    assert.equal(applied.errors, undefined, JSON.stringify(applied.errors));
    assert.match(applied.data!.courts.applyForRepair.earliestRepairOn, /^\d{4}-\d{2}-\d{2}$/);
  });

  it('registering a department: the credit office issues its key; it publishes its subgraph and a record with it, and may withdraw it', async () => {
    const sh = inSection('Registering a new department at runtime', 'sh');
    assert.equal(sh.length, 4, 'key, subgraph, first record, withdrawal');
    assert.match(sh[1]!.text, /until curl -sf http:\/\/127\.0\.0\.1:4006\/health\/ready/, 'the ecology block waits for the subgraph before check');
    // One shell for the section (the key exported by the first block is used by the others); between
    // the publication and the record, the test waits until the gateway serves ecology.
    const servesEcology = `until curl -s ${GATEWAY} -H 'Authorization: Bearer demo-analyst-key' -H 'Content-Type: application/json' -d '{"query":"{ __type(name: \\"EcologyView\\") { name } }"}' | grep -q EcologyView; do sleep 0.2; done`;
    const script = joined([moved(sh[0]!.text), moved(sh[1]!.text), servesEcology, moved(sh[2]!.text), moved(sh[3]!.text), 'npm run -s subgraph -- remove --name ecology']);
    const run = await bash(script, env());
    groups.push(run.pid);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const [keyOut, subgraphOut, , recordOut, dryRunOut, removeOut] = parts(run.stdout);
    assert.match(keyOut!, /client ecology (added|already defined so)/);
    assert.match(subgraphOut!, /check accepted/);
    assert.match(subgraphOut!, /change accepted: supergraph version \d+ \(PUBLISH ecology\)/);
    assert.match(subgraphOut!, /PUBLISH\s+ecology\s+by ecology/, 'published by the department itself');
    const answer = JSON.parse(recordOut!);
    assert.equal(answer.errors, undefined, recordOut);
    assertShape(answer, JSON.parse(inSection('Registering a new department at runtime', 'json')[0]!.text));
    assert.deepEqual([answer.data.ecology.publishRecord.listType, answer.data.ecology.publishRecord.status], ['BLACK', 'ACTIVE']);
    assert.match(dryRunOut!, /check accepted/);
    assert.match(removeOut!, /change accepted: supergraph version \d+ \(REMOVE ecology\)/);
    const history = await gql('{ registry { history(limit: 3) { action subgraph publishedBy } } }', 'demo-analyst-key');
    assert.deepEqual(history.data!.registry.history[0], { action: 'REMOVE', subgraph: 'ecology', publishedBy: 'ecology' });
  });

  it('information push: subscribe, pull and acknowledge as shown', async () => {
    const [subscribe, pull] = inSection('Information push', 'graphql');
    const sub = await gql(subscribe!.text, 'demo-approval-key');
    assert.equal(sub.errors, undefined, JSON.stringify(sub.errors));
    const { id, secret } = sub.data!.platform.subscribe;
    assert.match(id, /^psub-/);
    assert.equal(typeof secret, 'string');
    const [feedQuery, ackMutation] = pull!.text.split(/\n(?=mutation)/);
    // A courts record published now is for this subscription (BLACK, courts).
    await gql('mutation { courts { publishRecord(input: { subjectId: "91430100MA4L00003Q", category: "DISHONEST_JUDGMENT_DEBTOR", decisionNo: "(2026)湘0104执778号", decidedOn: "2026-11-21", summary: "README push" }) { id } } }', 'demo-courts-key');
    const page = await until('the relay brings the entry to the feed', async () => {
      const r = await gql(feedQuery!.replace('psub-…', id), 'demo-approval-key');
      return r.data?.platform?.feed?.entries?.length ? r.data.platform.feed : undefined;
    }, { timeoutMs: 120_000 });
    assert.equal(page.entries[0].record.decisionNo, '(2026)湘0104执778号');
    const acked = await gql(ackMutation!.replace('psub-…', id).replace('1234', String(page.cursor)), 'demo-approval-key');
    assert.equal(acked.errors, undefined, JSON.stringify(acked.errors));
    assert.equal(acked.data!.platform.acknowledge.ackedSeq, page.cursor);
  });

  it('after every README operation and every GraphiQL example tab, every department re-publishes its subgraph unchanged: accepted', async () => {
    // The tabs an analyst finds in GraphiQL, as GraphiQL sends them (Statistics has aliases and a fragment).
    for (const tab of exampleTabs(new Date().toISOString().slice(0, 10))) {
      const r = await postGraphQL(GATEWAY, { query: tab.query, variables: JSON.parse(tab.variables) }, { authorization: 'Bearer demo-analyst-key' });
      assert.equal(r.errors, undefined, `${tab.query.trim().split('\n')[0]}: ${JSON.stringify(r.errors)}`);
    }
    // The re-publishes below are checked against them only once the gateway has handed them to the registry.
    await until('the Statistics tab recorded for the operation check', async () => {
      const ops = await gql('{ registry { operations { clientId operationName } } }', 'demo-platform-key');
      return (ops.data?.registry.operations as { clientId: string; operationName: string | null }[] | undefined)?.some((o) => o.operationName === 'Statistics' && o.clientId === 'demo-analyst');
    }, { timeoutMs: 120_000 });
    const offsets = { tax: 1, market: 2, courts: 3, finance: 4 };
    const script = Object.entries(offsets).map(([name, offset]) => `npm run -s subgraph -- publish --name ${name} --url http://127.0.0.1:${BASE + offset}/graphql`);
    const run = await bash(joined(script), env());
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    for (const out of parts(run.stdout).slice(0, script.length)) assert.match(out, /change accepted/);
  });

  it('a new root field no access rule covers is refused at publish time, naming it (issue 15, item 5)', async () => {
    const served = await postToSubgraph<{ _service: { sdl: string } }>(`http://127.0.0.1:${BASE + 1}/graphql`, { query: '{ _service { sdl } }' });
    assert.equal(served.errors, undefined, JSON.stringify(served.errors));
    const file = path.join(dataDir, 'tax-extended.graphql');
    writeFileSync(file, `${served.data!._service.sdl}\nextend type Query {\n  taxHealth: String\n}\n`);
    const run = await bash(`npm run -s subgraph -- publish --name tax --url http://127.0.0.1:${BASE + 1}/graphql --sdl ${file} --key demo-tax-key`, env());
    assert.notEqual(run.code, 0, run.stdout);
    assert.match(run.stdout + run.stderr, /POLICY[\s\S]*Query\.taxHealth/);
  });

  it('a check on a well-formed code no department knows says so first (issue 15, item 9)', async () => {
    const first17 = '91430100MA4XQT7W1';
    const unknown = first17 + creditCodeCheckChar(first17)!;
    const r = await gql(`{ subject(id: "${unknown}") { creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: "README-UNKNOWN") { verdict subjectKnown explanation } } }`, 'demo-approval-key');
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const c = r.data!.subject.creditCheck;
    assert.equal(c.subjectKnown, false);
    assert.match(c.explanation, /^no department knows subject .*absent from the market registration/);
  });
});
