import assert from './kit/assert.js';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { legalPersonId, naturalPersonId } from '../scripts/demo-data/identities.js';
import { addDays, addYears, today } from '../subgraphs/kit/clock.js';
import { insertRecord, insertRepresentation } from './kit/fixtures.js';
import { TestStack } from './kit/stack.js';
import { sourcesOf } from '../subgraphs/platform/check/sources.js';

const CHECK = `query Check($id: ID!, $matter: Matter!, $caseRef: String!) {
  subject(id: $id) {
    creditCheck(matter: $matter, caseRef: $caseRef) {
      checkId checkedAt matter caseRef subjectId subjectKnown verdict missingSources explanation
      measures { code version name kind mandatory legalBasis implementingDepartments reason
        evidence { record { id version department category listType status decisionNo } viaEnterprise viaRole } }
      suspendedMeasures { code mandatory evidence { record { id status } } }
    }
  }
}`;

let stack: TestStack;
let next = 100;
/** A fresh enterprise id for each scenario, so scenarios never see each other's records. */
const enterprise = () => legalPersonId(next++);
const person = () => naturalPersonId(next++);

async function check(id: string, matter: string, caseRef = 'CASE-2026-001') {
  const r = await stack.query(CHECK, { id, matter, caseRef }, 'demo-approval-key');
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data!.subject.creditCheck;
}
const codes = (c: any) => c.measures.map((m: any) => m.code).sort();

beforeAll(async () => {
  stack = await TestStack.start();
});
afterAll(async () => stack?.close());

describe('verdicts', () => {
  it('MANDATORY_RESTRICTION: an active black-list record bars government procurement, with evidence and legal basis', async () => {
    const id = enterprise();
    const rec = await insertRecord(stack.db('finance'), { subjectId: id, category: 'PROCUREMENT_SERIOUS_VIOLATION', listType: 'BLACK' });
    const c = await check(id, 'GOVERNMENT_PROCUREMENT');
    assert.equal(c.verdict, 'MANDATORY_RESTRICTION');
    const ban = c.measures.find((m: any) => m.code === 'P_GOVERNMENT_PROCUREMENT_BAN');
    assert.equal(ban.mandatory, true);
    assert.equal(ban.kind, 'PUNISHMENT');
    assert.match(ban.legalBasis, /政府采购法》第二十二条/);
    assert.deepEqual(ban.evidence, [{ record: { id: rec.id, version: 1, department: 'finance', category: 'PROCUREMENT_SERIOUS_VIOLATION', listType: 'BLACK', status: 'ACTIVE', decisionNo: rec.decision_no }, viaEnterprise: null, viaRole: null }]);
    assert.ok(ban.implementingDepartments.length > 0);
    assert.equal(c.subjectKnown, true);
    assert.deepEqual(c.missingSources, []);
    assert.equal(c.caseRef, 'CASE-2026-001');
    assert.equal(c.matter, 'GOVERNMENT_PROCUREMENT');
  });

  it('MANDATORY_RESTRICTION: every black-list category of every department bars public resource trading', async () => {
    const black: [string, string][] = [
      ['courts', 'DISHONEST_JUDGMENT_DEBTOR'], ['tax', 'MAJOR_TAX_VIOLATION'], ['market', 'SERIOUS_ILLEGAL_UNTRUSTWORTHY'],
      ['finance', 'FISCAL_FUND_FRAUD'], ['finance', 'MALICIOUS_DEBT_EVASION'], ['finance', 'ILLEGAL_FUNDRAISING'],
    ];
    for (const [department, category] of black) {
      const id = enterprise();
      await insertRecord(stack.db(department as any), { subjectId: id, category, listType: 'BLACK' });
      const c = await check(id, 'PUBLIC_RESOURCE_TRADING');
      assert.equal(c.verdict, 'MANDATORY_RESTRICTION', `${department} ${category}`);
      assert.ok(codes(c).includes('P_PUBLIC_RESOURCE_TRADING_BAN'), `${department} ${category}`);
    }
  });

  it('RECOMMENDED_RESTRICTION: a watch-list record calls for prudent review in procurement', async () => {
    const id = enterprise();
    await insertRecord(stack.db('market'), { subjectId: id, category: 'ABNORMAL_OPERATION', listType: 'WATCH', validUntil: null });
    const c = await check(id, 'GOVERNMENT_PROCUREMENT');
    assert.equal(c.verdict, 'RECOMMENDED_RESTRICTION');
    assert.deepEqual(codes(c), ['P_WATCH_PROCUREMENT_REVIEW']);
    assert.equal(c.measures[0].mandatory, false);
  });

  it('INCENTIVE: an A-grade taxpayer gets priority in fiscal funds', async () => {
    const id = enterprise();
    const red = await insertRecord(stack.db('tax'), { subjectId: id, category: 'TAX_CREDIT_A', listType: 'RED' });
    const c = await check(id, 'FISCAL_FUNDS');
    assert.equal(c.verdict, 'INCENTIVE');
    assert.deepEqual(codes(c), ['I_FISCAL_FUNDS_PRIORITY']);
    assert.equal(c.measures[0].evidence[0].record.id, red.id);
  });

  it('CLEAR: a subject no department knows, for a matter whose measures need records; the explanation says first that nobody knows it', async () => {
    const id = enterprise();
    const c = await check(id, 'GOVERNMENT_PROCUREMENT');
    assert.equal(c.verdict, 'CLEAR');
    assert.equal(c.subjectKnown, false);
    assert.deepEqual(c.measures, []);
    assert.doesNotMatch(c.explanation, /every source answered/);
    assert.equal(c.explanation, `no department knows subject ${id}: it is absent from the market registration and no department holds a record on it, so no measure applies for this matter; verify the identifier before approving`);
    // A person has no registration to be absent from.
    const p = person();
    const pc = await check(p, 'GOVERNMENT_PROCUREMENT');
    assert.equal(pc.verdict, 'CLEAR');
    assert.match(pc.explanation, new RegExp(`^no department knows subject ${p}: no department holds a record on it`));
  });

  it('CLEAR for a subject a department knows keeps the plain explanation', async () => {
    const id = enterprise();
    await insertRecord(stack.db('tax'), { subjectId: id, category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK', status: 'EXPIRED', decidedOn: addYears(today(), -5), validUntil: addYears(today(), -2) });
    const c = await check(id, 'GOVERNMENT_PROCUREMENT');
    assert.equal(c.verdict, 'CLEAR');
    assert.equal(c.subjectKnown, true);
    assert.equal(c.explanation, 'every source answered and no measure applies for this matter');
  });

  it('any active punishment record withholds every incentive (black record with a red one)', async () => {
    const id = enterprise();
    await insertRecord(stack.db('tax'), { subjectId: id, category: 'TAX_CREDIT_A', listType: 'RED' });
    await insertRecord(stack.db('market'), { subjectId: id, category: 'SERIOUS_ILLEGAL_UNTRUSTWORTHY', listType: 'BLACK' });
    const c = await check(id, 'FISCAL_FUNDS');
    assert.equal(c.verdict, 'MANDATORY_RESTRICTION');
    assert.deepEqual(codes(c), ['P_FISCAL_FUNDS_RESTRICTION']);
  });

  it('a watch record withholds incentives even where no punishment applies to the matter', async () => {
    const id = enterprise();
    await insertRecord(stack.db('tax'), { subjectId: id, category: 'TAX_CREDIT_A', listType: 'RED' });
    await insertRecord(stack.db('tax'), { subjectId: id, category: 'TAX_CREDIT_D', listType: 'WATCH' });
    const c = await check(id, 'INVESTMENT_PROMOTION');
    assert.equal(c.verdict, 'CLEAR');
    assert.deepEqual(c.measures, []);
  });

  it('mandatory and recommended measures of one subject come together, mandatory deciding the verdict', async () => {
    const id = enterprise();
    await insertRecord(stack.db('courts'), { subjectId: id, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
    await insertRecord(stack.db('market'), { subjectId: id, category: 'ABNORMAL_OPERATION', listType: 'WATCH', validUntil: null });
    const c = await check(id, 'GOVERNMENT_PROCUREMENT');
    assert.equal(c.verdict, 'MANDATORY_RESTRICTION');
    assert.deepEqual(codes(c), ['P_GOVERNMENT_PROCUREMENT_BAN', 'P_WATCH_PROCUREMENT_REVIEW']);
  });

  it('the high-consumption restriction follows court lists only', async () => {
    const debtor = person();
    await insertRecord(stack.db('courts'), { subjectId: debtor, category: 'CONSUMPTION_RESTRICTION', listType: 'WATCH', validUntil: null });
    assert.deepEqual(codes(await check(debtor, 'HIGH_CONSUMPTION')), ['P_HIGH_CONSUMPTION_RESTRICTION']);
    const taxOffender = enterprise();
    await insertRecord(stack.db('tax'), { subjectId: taxOffender, category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK' });
    assert.equal((await check(taxOffender, 'HIGH_CONSUMPTION')).verdict, 'CLEAR');
  });
});

describe('record status and validity', () => {
  for (const status of ['EXPIRED', 'REPAIRED', 'REVOKED'] as const) {
    it(`a ${status} black-list record triggers nothing`, async () => {
      const id = enterprise();
      await insertRecord(stack.db('courts'), { subjectId: id, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK', status });
      const c = await check(id, 'GOVERNMENT_PROCUREMENT');
      assert.equal(c.verdict, 'CLEAR');
      assert.equal(c.subjectKnown, true);
    });
  }

  it('an ACTIVE record past its validUntil has expired by itself and triggers nothing', async () => {
    const id = enterprise();
    await insertRecord(stack.db('tax'), { subjectId: id, category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK', decidedOn: addYears(today(), -3), validUntil: addDays(today(), -1) });
    assert.equal((await check(id, 'GOVERNMENT_PROCUREMENT')).verdict, 'CLEAR');
  });

  it('a record valid until today still triggers', async () => {
    const id = enterprise();
    await insertRecord(stack.db('tax'), { subjectId: id, category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK', validUntil: today() });
    assert.equal((await check(id, 'GOVERNMENT_PROCUREMENT')).verdict, 'MANDATORY_RESTRICTION');
  });

  it('a record decided in the future triggers nothing yet', async () => {
    const id = enterprise();
    await insertRecord(stack.db('tax'), { subjectId: id, category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK', decidedOn: addDays(today(), 10) });
    assert.equal((await check(id, 'GOVERNMENT_PROCUREMENT')).verdict, 'CLEAR');
  });

  it('a record under objection suspends the measures resting on it instead of applying them', async () => {
    const id = enterprise();
    const rec = await insertRecord(stack.db('finance'), { subjectId: id, category: 'FISCAL_FUND_FRAUD', listType: 'BLACK', status: 'IN_OBJECTION' });
    const c = await check(id, 'GOVERNMENT_PROCUREMENT');
    assert.equal(c.verdict, 'CLEAR');
    assert.deepEqual(c.measures, []);
    assert.deepEqual(c.suspendedMeasures, [{ code: 'P_GOVERNMENT_PROCUREMENT_BAN', mandatory: true, evidence: [{ record: { id: rec.id, status: 'IN_OBJECTION' } }] }]);
  });
});

describe('three years without bad records', () => {
  it('earns the green channel and acceptance on promise for a known subject with a clean record', async () => {
    const id = enterprise();
    await insertRecord(stack.db('tax'), { subjectId: id, category: 'TAX_CREDIT_A', listType: 'RED' });
    const c = await check(id, 'ADMINISTRATIVE_LICENSE');
    assert.equal(c.verdict, 'INCENTIVE');
    assert.deepEqual(codes(c), ['I_ACCEPT_ON_PROMISE', 'I_GREEN_CHANNEL']);
    assert.match(c.measures[0].reason, /no black or watch record since/);
  });

  it('is refused when a watch record was in force within the last three years, even though it has ended', async () => {
    const id = enterprise();
    await insertRecord(stack.db('tax'), { subjectId: id, category: 'TAX_CREDIT_A', listType: 'RED' });
    await insertRecord(stack.db('market'), { subjectId: id, category: 'ABNORMAL_OPERATION', listType: 'WATCH', decidedOn: addYears(today(), -4), validUntil: addYears(today(), -2), status: 'EXPIRED' });
    const c = await check(id, 'ADMINISTRATIVE_LICENSE');
    assert.equal(c.verdict, 'CLEAR');
  });

  it('is granted when the last bad record ended more than three years ago', async () => {
    const id = enterprise();
    await insertRecord(stack.db('market'), { subjectId: id, category: 'ABNORMAL_OPERATION', listType: 'WATCH', decidedOn: addYears(today(), -6), validUntil: addDays(addYears(today(), -3), -1), status: 'EXPIRED' });
    assert.equal((await check(id, 'ADMINISTRATIVE_LICENSE')).verdict, 'INCENTIVE');
  });

  it('is granted when the only bad record in the window was revoked as wrong', async () => {
    const id = enterprise();
    await insertRecord(stack.db('courts'), { subjectId: id, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK', status: 'REVOKED' });
    assert.equal((await check(id, 'ADMINISTRATIVE_LICENSE')).verdict, 'INCENTIVE');
  });

  it('is not granted to a subject no department knows', async () => {
    assert.equal((await check(enterprise(), 'ADMINISTRATIVE_LICENSE')).verdict, 'CLEAR');
  });
});

describe('extension to persons (落实到人)', () => {
  it("finds the black-list record of the enterprise a person represented when it was made, naming the enterprise", async () => {
    const firm = enterprise();
    const boss = person();
    const rec = await insertRecord(stack.db('tax'), { subjectId: firm, category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK', decidedOn: addDays(today(), -200) });
    await insertRepresentation(stack.db('market'), firm, boss, addYears(today(), -5), null);
    const c = await check(boss, 'GOVERNMENT_PROCUREMENT');
    assert.equal(c.verdict, 'MANDATORY_RESTRICTION');
    assert.deepEqual(c.measures[0].evidence, [{
      record: { id: rec.id, version: 1, department: 'tax', category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK', status: 'ACTIVE', decisionNo: rec.decision_no },
      viaEnterprise: firm,
      viaRole: 'LEGAL_REPRESENTATIVE',
    }]);
  });

  it('covers principals and directly responsible persons too', async () => {
    const firm = enterprise();
    const principal = person();
    await insertRecord(stack.db('finance'), { subjectId: firm, category: 'ILLEGAL_FUNDRAISING', listType: 'BLACK' });
    await insertRepresentation(stack.db('market'), firm, principal, addYears(today(), -1), null, 'PRINCIPAL');
    const c = await check(principal, 'HONORS');
    assert.equal(c.verdict, 'MANDATORY_RESTRICTION');
    assert.equal(c.measures[0].evidence[0].viaRole, 'PRINCIPAL');
  });

  it('ignores records made after the person left the enterprise or before the person joined', async () => {
    const firm = enterprise();
    const former = person();
    const later = person();
    await insertRecord(stack.db('courts'), { subjectId: firm, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK', decidedOn: addDays(today(), -100) });
    await insertRepresentation(stack.db('market'), firm, former, addYears(today(), -6), addDays(today(), -101));
    await insertRepresentation(stack.db('market'), firm, later, addDays(today(), -99), null);
    assert.equal((await check(former, 'GOVERNMENT_PROCUREMENT')).verdict, 'CLEAR');
    assert.equal((await check(later, 'GOVERNMENT_PROCUREMENT')).verdict, 'CLEAR');
  });

  it("does not extend an enterprise's watch-list records to its representative", async () => {
    const firm = enterprise();
    const boss = person();
    await insertRecord(stack.db('market'), { subjectId: firm, category: 'ABNORMAL_OPERATION', listType: 'WATCH', validUntil: null });
    await insertRepresentation(stack.db('market'), firm, boss, addYears(today(), -2), null);
    assert.equal((await check(boss, 'GOVERNMENT_PROCUREMENT')).verdict, 'CLEAR');
  });

  it("withholds a person's incentives while an enterprise it answers for is black-listed", async () => {
    const firm = enterprise();
    const boss = person();
    await insertRecord(stack.db('finance'), { subjectId: boss, category: 'CREDIT_LOAN_GOOD_STANDING', listType: 'RED' });
    await insertRecord(stack.db('tax'), { subjectId: firm, category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK' });
    await insertRepresentation(stack.db('market'), firm, boss, addYears(today(), -2), null);
    const c = await check(boss, 'FINANCIAL_SERVICES');
    assert.equal(c.verdict, 'RECOMMENDED_RESTRICTION');
    assert.deepEqual(codes(c), ['P_RISK_PRICING']);
  });
});

describe('case reference', () => {
  it('is required by the schema', async () => {
    const r = await stack.query(`{ subject(id: "${enterprise()}") { creditCheck(matter: HONORS) { verdict } } }`, {}, 'demo-approval-key');
    assert.equal(r.errors![0]!.extensions!.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(r.errors![0]!.message, /caseRef/);
  });

  it('must not be empty or blank (rule check.case-reference), and nothing is stored then', async () => {
    const before = await stack.db('platform')('checks').count({ n: '*' }).first();
    for (const caseRef of ['', '   ']) {
      const r = await stack.query(CHECK, { id: enterprise(), matter: 'HONORS', caseRef }, 'demo-approval-key');
      assert.equal(r.status, 403);
      assert.equal(r.errors![0]!.extensions!.code, 'FORBIDDEN');
      assert.equal(r.errors![0]!.extensions!.rule, 'check.case-reference');
      assert.match(r.errors![0]!.message, /caseRef is empty/);
      assert.equal(r.data?.subject ?? null, null);
    }
    const afterCount = await stack.db('platform')('checks').count({ n: '*' }).first();
    assert.equal(Number(afterCount!.n), Number(before!.n));
  });

  it('is refused with its length when longer than 128 characters', async () => {
    const r = await stack.query(CHECK, { id: enterprise(), matter: 'HONORS', caseRef: 'x'.repeat(129) }, 'demo-approval-key');
    assert.match(r.errors![0]!.message, /caseRef is 129 characters long: expected at most 128/);
  });
});

describe('representations from other gateways', () => {
  it('reads a record whose null validUntil was left out as open-ended, not as ended', () => {
    const record = { id: 'r1', version: 1, subjectId: '91430100MA4L0L0000', department: 'tax', category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK', decisionNo: 'D-1', decidedOn: '2026-01-05', status: 'ACTIVE', summary: 's', recordedAt: '2026-01-05T00:00:00.000Z' };
    const sources = sourcesOf({ __typename: 'Subject', id: '91430100MA4L0L0000', tax: { known: true, records: [record] } });
    assert.equal(sources.get('tax')!.records[0]!.validUntil, null);
  });
});
