import assert from './kit/assert.js';
import { afterAll, beforeAll, it } from '@jest/globals';
import { legalPersonId, naturalPersonId } from '../scripts/demo-data/identities.js';
import { VerificationCodes } from '../subgraphs/platform/certificate/verification-code.js';
import { engines } from './kit/engines.js';
import { insertRecord } from './kit/fixtures.js';
import { postGraphQL, TestStack } from './kit/stack.js';
import { suite } from './kit/suite.js';

const CHECK = `query($id: ID!) { subject(id: $id) { creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: "ZFCG-2026-0815") { checkId verdict verificationCode } } }`;
const VERIFY = `query($code: String!) { platform { verifyCheck(code: $code) { checkId checkedAt matter caseRef subjectId verdict measureCodes suspendedMeasureCodes missingSources issuedBy } } }`;

/** The code with one character of its MAC changed to another valid one. */
function altered(code: string, at = code.length - 1): string {
  const c = code[at]!;
  return code.slice(0, at) + (c === 'A' ? 'B' : 'A') + code.slice(at + 1);
}

for (const { engine, skip } of await engines()) {
  suite(`check certificates and their verification codes (${engine})`, skip, () => {
    let stack: TestStack;
    let publicUrl = '';
    const enterprise = legalPersonId(7200);
    const person = naturalPersonId(7201);
    const checks: { checkId: string; verdict: string; verificationCode: string }[] = [];
    const verifyPublicly = (code: string) => postGraphQL(publicUrl, { query: VERIFY, variables: { code } });

    beforeAll(async () => {
      stack = await TestStack.start({ engine });
      publicUrl = stack.gatewayUrl.replace('/graphql', '/public/graphql');
      await insertRecord(stack.db('finance'), { subjectId: enterprise, category: 'PROCUREMENT_SERIOUS_VIOLATION', listType: 'BLACK' });
      await insertRecord(stack.db('courts'), { subjectId: person, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
      for (const id of [enterprise, person]) {
        const r = await stack.query(CHECK, { id }, 'demo-approval-key');
        assert.equal(r.errors, undefined, JSON.stringify(r.errors));
        checks.push(r.data!.subject.creditCheck);
      }
    });
    afterAll(async () => stack?.close());

    it('gives the client that made the check and the credit office the same code, bound to the check id', async () => {
      const [first] = checks;
      assert.match(first!.verificationCode, new RegExp(`^${first!.checkId}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$`));
      const read = `query($id: ID!) { platform { check(checkId: $id) { verificationCode } } }`;
      const office = await stack.query(read, { id: first!.checkId }, 'demo-platform-key');
      assert.equal(office.data!.platform.check.verificationCode, first!.verificationCode);
      const again = await stack.query(read, { id: first!.checkId }, 'demo-approval-key');
      assert.equal(again.data!.platform.check.verificationCode, first!.verificationCode);
    });

    it('gives no code to analysts nor to another approval system', async () => {
      const read = `query($id: ID!) { platform { check(checkId: $id) { verificationCode } } }`;
      const analyst = await stack.query(read, { id: checks[0]!.checkId }, 'demo-analyst-key');
      assert.equal(analyst.status, 403);
      assert.equal(analyst.errors![0]!.extensions!.rule, 'check.certificate');
      const other = await stack.query(read, { id: checks[0]!.checkId }, 'demo-procurement-key');
      assert.equal(other.errors![0]!.extensions!.code, 'FORBIDDEN');
      assert.equal(other.data?.platform?.check ?? null, null);
    });

    it('lets anyone, without a key, confirm a genuine code: the stored check, with a person\'s identity number masked', async () => {
      const [company, individual] = checks;
      const r = await verifyPublicly(company!.verificationCode);
      assert.equal(r.status, 200, JSON.stringify(r));
      assert.deepEqual(
        { ...r.data!.platform.verifyCheck, checkedAt: undefined, issuedBy: undefined },
        { checkId: company!.checkId, checkedAt: undefined, matter: 'GOVERNMENT_PROCUREMENT', caseRef: 'ZFCG-2026-0815', subjectId: enterprise, verdict: 'MANDATORY_RESTRICTION', measureCodes: ['P_GOVERNMENT_PROCUREMENT_BAN'], suspendedMeasureCodes: [], missingSources: [], issuedBy: undefined },
      );
      // Typed by hand: lower case, spaces, O for 0 and I for 1 are read as meant.
      const mac = individual!.verificationCode.slice(37);
      const typed = ` ${individual!.checkId.toUpperCase()}- ${mac.toLowerCase().replace(/-/g, ' - ').replace(/0/g, 'o').replace(/1/g, 'i')} `;
      const person2 = await verifyPublicly(typed);
      assert.equal(person2.status, 200, JSON.stringify(person2));
      assert.equal(person2.data!.platform.verifyCheck.subjectId, `${person.slice(0, 4)}**********${person.slice(14)}`);
      assert.ok(!JSON.stringify(person2).includes(person), 'the full identity number is not in the public answer');
      const office = await stack.query(VERIFY, { code: individual!.verificationCode }, 'demo-platform-key');
      assert.equal(office.data!.platform.verifyCheck.subjectId, person, 'the credit office sees it whole');
    });

    it('refuses every altered or made-up code alike, naming the code and not telling whether the check exists', async () => {
      const [company, individual] = checks;
      const attempts = [
        altered(company!.verificationCode), // one character of the MAC
        altered(company!.verificationCode, 40),
        `${company!.checkId}${individual!.verificationCode.slice(36)}`, // another check's MAC
        `${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}${company!.verificationCode.slice(36)}`, // a check that does not exist
        company!.checkId, // the check id alone
        'not a code',
      ];
      const messages = new Set<string>();
      for (const code of attempts) {
        const r = await verifyPublicly(code);
        assert.equal(r.data?.platform?.verifyCheck ?? null, null, code);
        assert.equal(r.errors![0]!.extensions!.code, 'BAD_USER_INPUT', code);
        assert.match(r.errors![0]!.message, /does not match a check the credit office stored: the certificate is not genuine or was altered/);
        messages.add(r.errors![0]!.message.replace(/"[^"]*"/, '"…"'));
      }
      assert.equal(messages.size, 1, `one message for every refusal: ${[...messages].join(' | ')}`);
    });

    it('refuses the code of a check whose stored row was altered afterwards (a verdict edited in the database)', async () => {
      const [company] = checks;
      const db = stack.db('platform');
      await db('checks').where({ check_id: company!.checkId }).update({ verdict: 'CLEAR' });
      try {
        const r = await verifyPublicly(company!.verificationCode);
        assert.equal(r.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
        assert.equal(r.data?.platform?.verifyCheck ?? null, null);
      } finally {
        await db('checks').where({ check_id: company!.checkId }).update({ verdict: 'MANDATORY_RESTRICTION' });
      }
      assert.equal((await verifyPublicly(company!.verificationCode)).data!.platform.verifyCheck.verdict, 'MANDATORY_RESTRICTION');
    });

    it('cannot be made without the secret: a code computed with another secret is refused', async () => {
      const [company] = checks;
      const stored = (await stack.query(`query($id: ID!) { platform { check(checkId: $id) { checkId } } }`, { id: company!.checkId }, 'demo-platform-key')).data!.platform.check;
      const { findChecks } = await import('../subgraphs/platform/check/repository.js');
      const [row] = await findChecks(stack.db('platform'), [stored.checkId]);
      const forged = new VerificationCodes('an attacker guessing the secret, at least 32 chars').codeOf(row!);
      assert.notEqual(forged, company!.verificationCode);
      const r = await verifyPublicly(forged);
      assert.equal(r.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
    });

    it('keeps the public endpoint to verifyCheck in the platform namespace: nothing else of it is public', async () => {
      const r = await postGraphQL(publicUrl, { query: `{ platform { check(checkId: "${checks[0]!.checkId}") { verdict } } }` });
      assert.equal(r.status, 403);
      assert.match(r.errors![0]!.message, /platform.check is not public: only platform.verifyCheck is/);
    });
  });
}
