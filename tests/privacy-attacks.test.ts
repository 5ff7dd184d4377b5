/**
 * The adversary's view: an analyst (demo-analyst-key) and the public (no key) try, over HTTP
 * through the gateway, to recover a natural person's full identity number from what they can read —
 * record ids, an enumeration of candidate numbers, /metrics, /status, logs, error messages, free
 * text, the GraphiQL page. Each attack is one the platform was found open to; each must find nothing.
 */
import assert from './kit/assert.js';
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { IDS, insertRecord } from './kit/fixtures.js';
import { postGraphQL, TestStack, type GraphQLResult } from './kit/stack.js';
import { idNumberCheckChar, maskSubjectId } from '../subgraphs/kit/identifiers.js';
import { hideIdentityNumbersIn } from '../subgraphs/kit/identity-masking.js';
import { setLogDestination, setLogLevel } from '../subgraphs/kit/logger.js';
import { legacyRecordIdFor, resetRecordIdKeys } from '../subgraphs/kit/record-ids.js';

const ANALYST = 'demo-analyst-key';
const PERSON = IDS.debtorPerson; // 360426199101010071
const MASKED = maskSubjectId(PERSON);
const fullWidth = (s: string) => s.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
/** The person's number in every form it was seen written in. */
const FORMS = [PERSON, `ID${PERSON}`, `${PERSON}A`, '360426 19910101 0071', fullWidth(PERSON), '360426910101007'];
/** What must never be found in anything an analyst or the public reads: the full number, its birth date block, its full-width form. */
const TELLTALES = [PERSON, '19910101', fullWidth(PERSON), '360426910101007', '11010519491231002X'];

const DECISION = '(2026)湘0104执9001号';
const LEGACY_DECISION = '(2025)湘0104执0042号';
/** The demo secret is in the source code: an adversary tries it too. */
const DEMO_RECORD_ID_SECRET = 'demo-only record id secret: set RECORD_ID_SECRET in production';
const DEPLOYED_SECRET = 'a-record-id-secret-only-this-test-deployment-knows-0123';

/**
 * Every identity number that fits a mask like `3604**********0071`: any two digits after the
 * prefix, any birth date from 1930 to 2010, the three digits of sequence shown, and only those
 * whose check character is the one shown — about 270,000 numbers.
 */
function candidatesFor(masked: string): string[] {
  const prefix = masked.slice(0, 4);
  const sequence = masked.slice(14, 17);
  const check = masked[17]!;
  const out: string[] = [];
  for (let area = 0; area < 100; area++) {
    for (let day = Date.UTC(1930, 0, 1); day <= Date.UTC(2010, 11, 31); day += 86_400_000) {
      const birth = new Date(day).toISOString().slice(0, 10).replace(/-/g, '');
      const first17 = `${prefix}${String(area).padStart(2, '0')}${birth}${sequence}`;
      if (idNumberCheckChar(first17) === check) out.push(first17 + check);
    }
  }
  return out;
}

/** The ways an adversary who has read the source would try to recompute a record id from a candidate. */
const DEMO_KEY = createHmac('sha256', DEMO_RECORD_ID_SECRET).update('record ids v2').digest().subarray(0, 32);

function guesses(department: string, decisionNo: string, candidate: string): string[] {
  return [
    createHash('sha256').update(`${decisionNo}\u0000${candidate}`).digest('hex'),
    createHash('sha256').update(`${department}\u0000${decisionNo}\u0000${candidate}`).digest('hex'),
    createHash('sha256').update(`${candidate}\u0000${decisionNo}`).digest('hex'),
    createHmac('sha256', DEMO_KEY).update(`${department}\u0000${decisionNo}\u0000${candidate}`).digest('hex'),
  ];
}

/** Every candidate whose recomputed id is the id seen. */
function bruteForce(id: string, decisionNo: string, candidates: readonly string[]): string[] {
  const dash = id.indexOf('-');
  const department = id.slice(0, dash);
  const hex = id.slice(dash + 1);
  return candidates.filter((c) => guesses(department, decisionNo, c).some((h) => h.startsWith(hex)));
}

function assertNoIdentityNumber(text: string, where: string): void {
  for (const t of TELLTALES) assert.ok(!text.includes(t), `${where} contains ${t}`);
  assert.equal(hideIdentityNumbersIn(text), text, `${where} holds something shaped like an identity number`);
}

describe('privacy attacks: what an analyst and the public can recover about a natural person', () => {
  let stack: TestStack;
  const saved = process.env.RECORD_ID_SECRET;
  const lines: string[] = [];
  let candidates: string[] = [];
  const origin = () => new URL(stack.gatewayUrl).origin;
  const publicQuery = (query: string, variables: Record<string, unknown> = {}) => postGraphQL(`${origin()}/public/graphql`, { query, variables });

  beforeAll(async () => {
    process.env.RECORD_ID_SECRET = DEPLOYED_SECRET;
    resetRecordIdKeys();
    stack = await TestStack.start({ publicRatePerMinute: 1_000_000 });
    setLogDestination({ write: (line: string) => void lines.push(line) });
    setLogLevel('debug');
    candidates = candidatesFor(MASKED);
    // A record published before record ids were keyed: stored under its first-scheme id.
    await insertRecord(stack.db('courts'), { id: legacyRecordIdFor('courts', LEGACY_DECISION, PERSON), subjectId: PERSON, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
    await stack.db('courts')('credit_records').where({ id: legacyRecordIdFor('courts', LEGACY_DECISION, PERSON) }).update({ decision_no: LEGACY_DECISION });
    const published = await stack.query(
      `mutation($input: PublishRecordInput!) { courts { publishRecord(input: $input) { id } } }`,
      { input: { subjectId: PERSON, category: 'DISHONEST_JUDGMENT_DEBTOR', decisionNo: DECISION, decidedOn: '2026-11-20', summary: `被执行人 ${FORMS.join('；')} 拒不履行` } },
      'demo-courts-key',
    );
    assert.equal(published.errors, undefined, JSON.stringify(published.errors));
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    setLogDestination();
    setLogLevel('error');
    if (saved === undefined) delete process.env.RECORD_ID_SECRET;
    else process.env.RECORD_ID_SECRET = saved;
    resetRecordIdKeys();
  });

  it('the brute force works against the first scheme of record ids (the attack is real)', () => {
    assert.ok(candidates.length > 200_000, `${candidates.length} candidates`);
    assert.ok(candidates.includes(PERSON));
    assert.deepEqual(bruteForce(legacyRecordIdFor('courts', DECISION, PERSON), DECISION, candidates), [PERSON]);
  });

  it('brute-forcing every record id an analyst reads against the masked space finds nothing; old records are still read and republished', async () => {
    const r = await stack.query(`{ courts { records(listType: BLACK, limit: 1000) { id subjectId decisionNo summary } } }`, {}, ANALYST);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const mine = r.data!.courts.records.filter((x: { decisionNo: string }) => x.decisionNo === DECISION || x.decisionNo === LEGACY_DECISION);
    assert.equal(mine.length, 2, JSON.stringify(r.data));
    for (const record of mine) {
      assert.equal(record.subjectId, MASKED, 'the analyst sees the subject masked, as the attack assumes');
      assert.match(record.id, /^courts-[0-9a-f]{24,32}$/);
      assert.deepEqual(bruteForce(record.id, record.decisionNo, candidates), [], `id ${record.id} gives the person away`);
    }
    const old = mine.find((x: { decisionNo: string }) => x.decisionNo === LEGACY_DECISION)!;
    assert.notEqual(old.id, legacyRecordIdFor('courts', LEGACY_DECISION, PERSON), 'the first-scheme id is shown only by its alias');
    // The alias finds the record; its history too.
    const byAlias = await stack.query(`query($id: ID!) { courts { record(id: $id) { decisionNo subjectId } recordHistory(id: $id) { version } } }`, { id: old.id }, ANALYST);
    assert.deepEqual(byAlias.data!.courts, { record: { decisionNo: LEGACY_DECISION, subjectId: MASKED }, recordHistory: [{ version: 1 }] });
    // Computing first-scheme ids for candidate numbers and asking for them learns nothing.
    const guessed = await stack.query(`query($id: ID!) { courts { record(id: $id) { id } recordHistory(id: $id) { version } } }`, { id: legacyRecordIdFor('courts', LEGACY_DECISION, PERSON) }, ANALYST);
    assert.deepEqual(guessed.data!.courts, { record: null, recordHistory: [] });
    // The department still sees the stored id, and publishing that decision again finds the record.
    const court = await stack.query(`query($id: ID!) { courts { record(id: $id) { id } } }`, { id: legacyRecordIdFor('courts', LEGACY_DECISION, PERSON) }, 'demo-courts-key');
    assert.equal(court.data!.courts.record.id, legacyRecordIdFor('courts', LEGACY_DECISION, PERSON));
    const stored = await stack.db('courts')('credit_records').where({ id: legacyRecordIdFor('courts', LEGACY_DECISION, PERSON) }).first();
    const again = await stack.query(
      `mutation($input: PublishRecordInput!) { courts { publishRecord(input: $input) { id } } }`,
      { input: { subjectId: PERSON, category: stored.category, decisionNo: LEGACY_DECISION, decidedOn: stored.decided_on, validUntil: stored.valid_until, summary: stored.summary } },
      'demo-courts-key',
    );
    assert.equal(again.errors, undefined, JSON.stringify(again.errors));
    assert.equal(again.data!.courts.publishRecord.id, legacyRecordIdFor('courts', LEGACY_DECISION, PERSON));
  }, 180_000);

  it('the enumeration of candidate numbers is refused, with one answer whether the real number is among them or not', async () => {
    const others = candidates.filter((c) => c !== PERSON).slice(0, 999);
    const answers: GraphQLResult[] = [];
    for (const ids of [[...others.slice(0, 500), PERSON, ...others.slice(500)], [...others, candidates.find((c) => c !== PERSON && !others.includes(c))!]]) {
      answers.push(await stack.query(`query($ids: [ID!]!) { subjects(ids: $ids) { id courts { known } } }`, { ids }, ANALYST));
    }
    for (const single of [PERSON, others[0]!]) answers.push(await stack.query(`query($id: ID!) { subject(id: $id) { id courts { known } } }`, { id: single }, ANALYST));
    for (const a of answers) {
      assert.equal(a.status, 403);
      assert.equal(a.data ?? null, null);
      assert.equal(a.errors![0]!.extensions!.rule, 'subject-view.natural-persons');
    }
    assert.deepEqual(answers[0], answers[1], 'the batch with the real number is answered as the batch without');
    assert.deepEqual(answers[2], answers[3], 'the real number is answered as any other');
    // The public has no subject lookup at all, nor a search by a person's number.
    const pub = await publicQuery(`query($ids: [ID!]!) { subjects(ids: $ids) { id } }`, { ids: [PERSON] });
    assert.equal(pub.status, 403);
    const search = await Promise.all([PERSON, others[0]!].map((id) => publicQuery(`query($ids: [ID!]) { courts { publicListPage(listType: BLACK, subjectIds: $ids) { total } } }`, { ids: [id] })));
    assert.equal(search[0]!.errors![0]!.message, search[1]!.errors![0]!.message);
  }, 120_000);

  it('a person looked up by a role that may is recorded with who, when and why; the record is the credit office\'s alone', async () => {
    const check = await stack.query(
      `query($id: ID!) { subject(id: $id) { creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: "ZFCG-PRIV-1") { checkId verdict } } }`,
      { id: PERSON },
      'demo-approval-key',
    );
    assert.equal(check.errors, undefined, JSON.stringify(check.errors));
    // The check rests on the record stored under its first-scheme id: it replays as it was made…
    const checkId = check.data!.subject.creditCheck.checkId as string;
    const replay = await stack.query(
      `query($c: ID!) { platform { replayCheck(checkId: $c) { original { verdict } subject { reevaluation(checkId: $c) { matchesOriginal } } } } }`,
      { c: checkId },
      'demo-approval-key',
    );
    assert.equal(replay.data!.platform.replayCheck.subject.reevaluation.matchesOriginal, true, JSON.stringify(replay));
    // …and an analyst reading the stored check sees the person masked and no first-scheme id.
    const stored = await stack.query(`query($c: ID!) { platform { check(checkId: $c) { subjectId measures { evidence { record { id decisionNo } } } } } }`, { c: checkId }, ANALYST);
    assert.equal(stored.errors, undefined, JSON.stringify(stored.errors));
    const text = JSON.stringify(stored.data);
    assert.ok(text.includes(LEGACY_DECISION), `the evidence cites the old record: ${text}`);
    assert.ok(!text.includes(legacyRecordIdFor('courts', LEGACY_DECISION, PERSON)), text);
    assertNoIdentityNumber(text, 'a stored check an analyst reads');
    const log = await stack.query(`query($id: ID) { platform { personLookups(subjectId: $id, limit: 10) { at clientId role subjectId purpose requestId } } }`, { id: PERSON }, 'demo-platform-key');
    assert.equal(log.errors, undefined, JSON.stringify(log.errors));
    const entry = log.data!.platform.personLookups.find((l: { purpose: string }) => l.purpose.includes('ZFCG-PRIV-1'));
    assert.ok(entry, JSON.stringify(log.data));
    assert.equal(entry.clientId, 'demo-approval');
    assert.equal(entry.role, 'APPROVAL_SYSTEM');
    assert.equal(entry.subjectId, PERSON);
    assert.match(entry.purpose, /creditCheck GOVERNMENT_PROCUREMENT for case ZFCG-PRIV-1/);
    assert.ok(Date.now() - Date.parse(entry.at) < 3_600_000);
    assert.match(entry.requestId, /^[0-9a-f-]{36}$/);
    const analyst = await stack.query(`{ platform { personLookups { subjectId } } }`, {}, ANALYST);
    assert.equal(analyst.status, 403);
  });

  it('every form of the number in a record summary reaches the analyst and the public masked', async () => {
    const r = await stack.query(`{ courts { records(listType: BLACK, limit: 1000) { decisionNo summary } } }`, {}, ANALYST);
    const summary = r.data!.courts.records.find((x: { decisionNo: string }) => x.decisionNo === DECISION)!.summary as string;
    assertNoIdentityNumber(summary, 'the summary an analyst reads');
    assert.equal(summary.split(MASKED).length - 1, 5, `five 18-digit forms masked: ${summary}`);
    assert.ok(summary.includes('3604********007'), `the 15-digit form masked: ${summary}`);
    const pub = await publicQuery(`{ courts { publicListPage(listType: BLACK, limit: 100) { entries { subjectId decisionNo } } } }`);
    assert.equal(pub.errors, undefined, JSON.stringify(pub.errors));
    assertNoIdentityNumber(JSON.stringify(pub.data), 'the public list');
    assert.ok(pub.data!.courts.publicListPage.entries.some((e: { subjectId: string }) => e.subjectId === MASKED));
  });

  it('error messages carry no number, whatever form the client wrote it in', async () => {
    for (const form of FORMS) {
      const r = await stack.query(`query($m: Matter!) { subject(id: "${IDS.blackEnterprise}") { creditPreview(matter: $m) { verdict } } }`, { m: form }, ANALYST);
      assert.ok(r.errors?.length, form);
      assertNoIdentityNumber(JSON.stringify(r.errors), `the error for ${form}`);
      const inline = await stack.query(`{ subject(id: "${IDS.blackEnterprise}") { creditPreview(matter: ${JSON.stringify(form)}) { verdict } } }`, {}, ANALYST);
      assertNoIdentityNumber(JSON.stringify(inline.errors), `the error for ${form} written in the query`);
    }
    const pub = await publicQuery(`{ courts { publicList(listType: ${JSON.stringify(PERSON)}) { subjectId } } }`);
    assertNoIdentityNumber(JSON.stringify(pub), 'a public error');
  });

  it('5,000 operation names carrying identity numbers leave /metrics bounded and free of them; /status and the logs too', async () => {
    const before = await (await fetch(`${origin()}/metrics`, { headers: { authorization: `Bearer ${ANALYST}` } })).text();
    const seriesOf = (text: string) => text.split('\n').filter((l) => l.startsWith('credit_gateway_graphql_requests_total{')).length;
    const names = Array.from({ length: 5000 }, (_, i) => `Check_${candidates[i]}_${i}`);
    names[0] = `Check_${PERSON}`;
    for (let i = 0; i < names.length; i += 25) {
      await Promise.all(names.slice(i, i + 25).map((name) => stack.query(`query ${name} { __typename }`, {}, ANALYST)));
    }
    const after = await (await fetch(`${origin()}/metrics`, { headers: { authorization: `Bearer ${ANALYST}` } })).text();
    assertNoIdentityNumber(after, '/metrics');
    assert.ok(!/Check_\d/.test(after), 'no client-chosen operation name is a label');
    assert.ok(seriesOf(after) - seriesOf(before) <= 2, `series grew from ${seriesOf(before)} to ${seriesOf(after)}`);
    assert.match(after, /credit_gateway_graphql_requests_total\{operation="other",client="demo-analyst",outcome="ok"\} (\d+)/);
    for (const path of ['/status', '/status.json']) {
      const res = await fetch(`${origin()}${path}`, { headers: { authorization: `Bearer ${ANALYST}` } });
      assert.equal(res.status, 200);
      assertNoIdentityNumber(await res.text(), path);
    }
    // The registry's record of operations clients ran, as an analyst reads it.
    await stack.query(`query Check_${PERSON} { viewer { clientId } }`, {}, ANALYST);
    const ops = await stack.query(`{ registry { operations { operationName signature } } }`, {}, ANALYST);
    assertNoIdentityNumber(JSON.stringify(ops), 'the operations an analyst reads');
    const logged = lines.join('\n');
    assert.ok(logged.includes(`Check_${MASKED}`), 'the request was logged, its operation name masked');
    assertNoIdentityNumber(logged.replace(/"(?:time|pid)":\d+/g, ''), 'the logs');
  }, 600_000);

  it('the GraphiQL page, served without a key, shows no person\'s number in its examples', async () => {
    const page = await fetch(`${origin()}/graphiql`);
    assert.equal(page.status, 200);
    const html = await page.text();
    const examples = JSON.parse(/<script id="examples" type="application\/json">([\s\S]*?)<\/script>/.exec(html)![1]!) as { query: string; variables: string }[];
    assert.deepEqual(examples.map((t) => /query (\w+)/.exec(t.query)?.[1]), ['SubjectView', 'CheckBeforeApproval', 'BatchCheck', 'Lists', 'Statistics']);
    assertNoIdentityNumber(html, 'the GraphiQL page');
    for (const src of [...html.matchAll(/src="(\/graphiql\/assets\/app\.js)"/g)].map((m) => m[1]!)) {
      assertNoIdentityNumber(await (await fetch(`${origin()}${src}`)).text(), src);
    }
  });
});
