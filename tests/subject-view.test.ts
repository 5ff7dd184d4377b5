import assert from './kit/assert.js';
import { afterAll, beforeAll, it } from '@jest/globals';
import { addDays, today } from '../subgraphs/kit/clock.js';
import { engines } from './kit/engines.js';
import { IDS, insertRecord } from './kit/fixtures.js';
import { postGraphQL, TestStack } from './kit/stack.js';
import { suite } from './kit/suite.js';

const VIEW = `query View($id: ID!) {
  subject(id: $id) {
    id kind
    tax { known records { id department category listType status decisionNo decidedOn validUntil summary } grades { year grade } arrears { taxType amount } }
    market { known records { category listType } registration { name legalRepresentativeId status region } penalties { decisionNo decidedOn publishedOn } representedEnterprises { enterpriseId role } }
    courts { known records { category listType status } debtorCases { caseNo amount performed } consumptionRestrictions { orderNo onBehalfOf } }
    finance { known records { category listType } subsidies { programme amount } }
  }
}`;

for (const { engine, skip } of await engines()) {
  suite(`subject credit view through the gateway (${engine})`, skip, () => {
    let stack: TestStack;

    beforeAll(async () => {
      stack = await TestStack.start({ engine });
      const past = addDays(today(), -100);
      await insertRecord(stack.db('tax'), { subjectId: IDS.blackEnterprise, category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK', decidedOn: past });
      await stack.db('tax')('tax_credit_grades').insert([
        { subject_id: IDS.blackEnterprise, year: 2024, grade: 'D', rated_on: '2025-04-01' },
        { subject_id: IDS.redEnterprise, year: 2024, grade: 'A', rated_on: '2025-04-01' },
      ]);
      await stack.db('tax')('tax_arrears').insert({ subject_id: IDS.blackEnterprise, tax_type: '增值税', amount: 120000.5, since: '2025-01-15', settled_on: null });
      await stack.db('market')('registrations').insert({
        subject_id: IDS.blackEnterprise, name: '长沙市示例建设工程有限公司', enterprise_type: '有限责任公司', legal_representative_id: IDS.person,
        legal_representative_name: '张三', status: 'EXISTING', region: '430100', registered_capital: 5000000, established_on: '2015-06-01', address: '长沙市岳麓区示例路1号',
      });
      await stack.db('market')('representations').insert({ enterprise_id: IDS.blackEnterprise, person_id: IDS.person, role: 'LEGAL_REPRESENTATIVE', from_date: '2015-06-01', to_date: null });
      await stack.db('market')('administrative_decisions').insert({
        decision_no: '长市监罚〔2026〕12号', subject_id: IDS.blackEnterprise, kind: 'PENALTY', title: '虚假广告', content: '罚款', decided_on: '2026-03-02', published_on: '2026-03-20', authority: '长沙市市场监督管理局', amount: 30000,
      });
      await insertRecord(stack.db('market'), { subjectId: IDS.watchEnterprise, category: 'ABNORMAL_OPERATION', listType: 'WATCH', validUntil: null });
      await insertRecord(stack.db('courts'), { subjectId: IDS.debtorPerson, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
      await insertRecord(stack.db('courts'), { subjectId: IDS.debtorPerson, category: 'CONSUMPTION_RESTRICTION', listType: 'WATCH', validUntil: null, decidedOn: addDays(today(), -800) });
      await stack.db('courts')('debtor_cases').insert({ case_no: '(2025)湘0102执1234号', subject_id: IDS.debtorPerson, court: '长沙市芙蓉区人民法院', filed_on: '2025-02-01', amount: 88000, performed: false, performed_on: null });
      await stack.db('courts')('consumption_restrictions').insert({ order_no: '(2025)湘0102执1234号之一', case_no: '(2025)湘0102执1234号', subject_id: IDS.debtorPerson, on_behalf_of: IDS.watchEnterprise, issued_on: '2025-03-01', lifted_on: null });
      await insertRecord(stack.db('finance'), { subjectId: IDS.blackEnterprise, category: 'PROCUREMENT_SERIOUS_VIOLATION', listType: 'BLACK' });
      await insertRecord(stack.db('finance'), { subjectId: IDS.redEnterprise, category: 'CREDIT_LOAN_GOOD_STANDING', listType: 'RED', validUntil: addDays(today(), -1) });
      await stack.db('finance')('fiscal_subsidies').insert({ grant_no: '湘财补〔2025〕7号', subject_id: IDS.redEnterprise, programme: '中小企业发展专项资金', amount: 200000, granted_on: '2025-05-01', granting_authority: '湖南省财政厅' });
    });
    afterAll(async () => stack?.close());

    it('assembles tax, market and finance data of an enterprise in one request', async () => {
      const r = await stack.query(VIEW, { id: IDS.blackEnterprise }, 'demo-platform-key');
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      const s = r.data!.subject;
      assert.equal(s.kind, 'LEGAL_PERSON');
      assert.equal(s.tax.known, true);
      assert.deepEqual(s.tax.records.map((x: any) => [x.department, x.category, x.listType, x.status]), [['tax', 'MAJOR_TAX_VIOLATION', 'BLACK', 'ACTIVE']]);
      assert.deepEqual(s.tax.grades, [{ year: 2024, grade: 'D' }]);
      assert.deepEqual(s.tax.arrears, [{ taxType: '增值税', amount: 120000.5 }]);
      assert.deepEqual(s.market.registration, { name: '长沙市示例建设工程有限公司', legalRepresentativeId: IDS.person, status: 'EXISTING', region: '430100' });
      assert.deepEqual(s.market.penalties, [{ decisionNo: '长市监罚〔2026〕12号', decidedOn: '2026-03-02', publishedOn: '2026-03-20' }]);
      assert.equal(s.courts.known, false);
      assert.deepEqual(s.courts.records, []);
      assert.deepEqual(s.finance.records, [{ category: 'PROCUREMENT_SERIOUS_VIOLATION', listType: 'BLACK' }]);
    });

    it('shows a person the courts hold as a dishonest debtor, with the restriction issued for an enterprise', async () => {
      const r = await stack.query(VIEW, { id: IDS.debtorPerson }, 'demo-platform-key');
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      const s = r.data!.subject;
      assert.equal(s.kind, 'NATURAL_PERSON');
      assert.equal(s.courts.known, true);
      assert.deepEqual(
        s.courts.records.map((x: any) => x.category).sort(),
        ['CONSUMPTION_RESTRICTION', 'DISHONEST_JUDGMENT_DEBTOR'],
      );
      assert.deepEqual(s.courts.debtorCases, [{ caseNo: '(2025)湘0102执1234号', amount: 88000, performed: false }]);
      assert.deepEqual(s.courts.consumptionRestrictions, [{ orderNo: '(2025)湘0102执1234号之一', onBehalfOf: IDS.watchEnterprise }]);
      assert.equal(s.tax.known, false);
      assert.equal(s.market.registration, null);
    });

    it('lists the enterprises a person represents (market regulation)', async () => {
      const r = await stack.query(VIEW, { id: IDS.person }, 'demo-platform-key');
      assert.deepEqual(r.data!.subject.market.representedEnterprises, [{ enterpriseId: IDS.blackEnterprise, role: 'LEGAL_REPRESENTATIVE' }]);
      assert.equal(r.data!.subject.market.known, true);
    });

    it('reads a record past its validity period as EXPIRED', async () => {
      const r = await stack.query(VIEW, { id: IDS.redEnterprise });
      assert.deepEqual(r.data!.subject.finance.records, [{ category: 'CREDIT_LOAN_GOOD_STANDING', listType: 'RED' }]);
      const status = await stack.query(`{ finance { records(status: EXPIRED) { subjectId status } } }`);
      assert.deepEqual(status.data!.finance.records, [{ subjectId: IDS.redEnterprise, status: 'EXPIRED' }]);
      const active = await stack.query(`{ finance { records(status: ACTIVE) { subjectId } } }`);
      assert.deepEqual(active.data!.finance.records, [{ subjectId: IDS.blackEnterprise }]);
    });

    it('lets analysts filter each department\'s records by list type and category', async () => {
      const r = await stack.query(`{
        tax { records(listType: BLACK) { subjectId category } }
        market { records(category: "ABNORMAL_OPERATION") { subjectId listType validUntil } }
        courts { records(listType: WATCH, limit: 5) { subjectId category } }
        finance { records(listType: RED) { subjectId } }
      }`);
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      assert.deepEqual(r.data!.tax.records, [{ subjectId: IDS.blackEnterprise, category: 'MAJOR_TAX_VIOLATION' }]);
      assert.deepEqual(r.data!.market.records, [{ subjectId: IDS.watchEnterprise, listType: 'WATCH', validUntil: null }]);
      // Analysts see a person's identity number masked; credit codes stay whole.
      assert.deepEqual(r.data!.courts.records, [{ subjectId: `${IDS.debtorPerson.slice(0, 4)}**********${IDS.debtorPerson.slice(14)}`, category: 'CONSUMPTION_RESTRICTION' }]);
      assert.deepEqual(r.data!.finance.records, [{ subjectId: IDS.redEnterprise }]);
    });

    it('refuses an analyst limit outside 1 to 1000, naming the value', async () => {
      const r = await stack.query(`{ tax { records(limit: 5000) { id } } }`);
      assert.equal(r.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.match(r.errors![0]!.message, /limit 5000 is not valid: expected 1 to 1000/);
    });

    it('answers a batch in the order of the ids, duplicates included', async () => {
      const ids = [IDS.person, IDS.blackEnterprise, IDS.person];
      const r = await stack.query(`query($ids: [ID!]!) { subjects(ids: $ids) { id kind tax { known } } }`, { ids }, 'demo-platform-key');
      assert.deepEqual(r.data!.subjects.map((s: any) => [s.id, s.kind, s.tax.known]), [
        [IDS.person, 'NATURAL_PERSON', false],
        [IDS.blackEnterprise, 'LEGAL_PERSON', true],
        [IDS.person, 'NATURAL_PERSON', false],
      ]);
    });

    it('refuses invalid ids with one BAD_USER_INPUT error listing each with its reason, resolving nothing', async () => {
      const ids = [IDS.blackEnterprise, '91430100MA4L0L0001', '91430100MA4L0I0000', '110105194912310021', 'not-an-id'];
      const r = await stack.query(`query($ids: [ID!]!) { subjects(ids: $ids) { id tax { known } } }`, { ids }, 'demo-platform-key');
      assert.equal(r.data, null);
      assert.equal(r.errors!.length, 1);
      const [error] = r.errors!;
      assert.equal(error!.extensions!.code, 'BAD_USER_INPUT');
      for (const bad of ids.slice(1)) assert.ok(error!.message.includes(bad), `${bad} is named in: ${error!.message}`);
      assert.ok(!error!.message.includes(`"${IDS.blackEnterprise}"`));
      assert.deepEqual(error!.extensions!.invalidIds.map((i: any) => i.id), ids.slice(1));
      assert.match(error!.message, /check character is '1', expected '0'/);
    });

    it('refuses one invalid id in subject(id)', async () => {
      const r = await stack.query(`{ subject(id: "91430100MA4L0L0001") { id } }`);
      assert.equal(r.data?.subject ?? null, null);
      assert.equal(r.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
      assert.match(r.errors![0]!.message, /91430100MA4L0L0001/);
    });

    it('refuses more than 1,000 ids and says the limit', async () => {
      const ids = Array.from({ length: 1001 }, () => IDS.person);
      const r = await stack.query(`query($ids: [ID!]!) { subjects(ids: $ids) { id } }`, { ids }, 'demo-platform-key');
      assert.equal(r.data, null);
      assert.equal(r.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
      assert.match(r.errors![0]!.message, /1001 given, at most 1000 per request/);
    });

    it('answers 401 UNAUTHENTICATED without a key or with an unknown key', async () => {
      for (const headers of [{}, { authorization: 'Bearer not-a-key' }, { authorization: 'Basic abc' }] as Record<string, string>[]) {
        const r = await postGraphQL(stack.gatewayUrl, { query: '{ subject(id: "11010519491231002X") { id } }' }, headers);
        assert.equal(r.status, 401);
        assert.equal(r.errors![0]!.extensions!.code, 'UNAUTHENTICATED');
        assert.equal(r.data, undefined);
      }
    });

    it('accepts every demo key; a person is looked up only by the roles that see identity numbers whole', async () => {
      for (const key of ['demo-approval-key', 'demo-procurement-key', 'demo-tax-key', 'demo-market-key', 'demo-courts-key', 'demo-finance-key', 'demo-platform-key']) {
        const r = await stack.query(`{ subject(id: "11010519491231002X") { id } }`, {}, key);
        assert.equal(r.status, 200, key);
        assert.equal(r.data!.subject.id, IDS.person, key);
      }
      const analyst = await stack.query(`{ subject(id: "11010519491231002X") { id } }`, {}, 'demo-analyst-key');
      assert.equal(analyst.status, 403);
      assert.equal(analyst.errors![0]!.extensions!.rule, 'subject-view.natural-persons');
      const enterprise = await stack.query(`{ subject(id: "${IDS.blackEnterprise}") { id } }`, {}, 'demo-analyst-key');
      assert.equal(enterprise.data!.subject.id, IDS.blackEnterprise);
    });
  });
}
