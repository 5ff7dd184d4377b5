import assert from './kit/assert.js';
import { afterAll, beforeAll, it } from '@jest/globals';
import { legalPersonId, naturalPersonId } from '../scripts/demo-data/identities.js';
import { addDays, today } from '../subgraphs/kit/clock.js';
import { engines } from './kit/engines.js';
import { insertRecord } from './kit/fixtures.js';
import { postGraphQL, TestStack } from './kit/stack.js';
import { suite } from './kit/suite.js';

const PAGE = `query($type: ListType!, $ids: [ID!], $offset: Int, $limit: Int) { courts { publicListPage(listType: $type, subjectIds: $ids, offset: $offset, limit: $limit) {
  total offset limit entries { department subjectId category categoryName listType decisionNo decidedOn validUntil } } } }`;
const ENTERPRISES = `query($name: String, $ids: [ID!], $limit: Int) { market { publicEnterprises(name: $name, ids: $ids, limit: $limit) { total enterprises { id name } } } }`;

for (const { engine, skip } of await engines()) {
  suite(`the public lists a page at a time, searched by enterprise (${engine})`, skip, () => {
    let stack: TestStack;
    let publicUrl = '';
    const ask = (query: string, variables: Record<string, unknown> = {}) => postGraphQL(publicUrl, { query, variables });
    const person = naturalPersonId(7301);
    const enterprises = Array.from({ length: 130 }, (_, i) => legalPersonId(7400 + i));

    beforeAll(async () => {
      stack = await TestStack.start({ engine });
      publicUrl = stack.gatewayUrl.replace('/graphql', '/public/graphql');
      // 130 active black-list entries of enterprises (more than the old silent cap of 100), one of a person, one repaired.
      for (const [i, id] of enterprises.entries()) {
        await insertRecord(stack.db('courts'), { subjectId: id, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK', decidedOn: addDays(today(), -1 - i) });
      }
      await insertRecord(stack.db('courts'), { subjectId: person, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK', decidedOn: addDays(today(), -500) });
      await insertRecord(stack.db('courts'), { subjectId: legalPersonId(7390), category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK', status: 'REPAIRED' });
      const registration = (id: string, name: string) => ({
        subject_id: id, name, enterprise_type: '有限责任公司', legal_representative_id: person, legal_representative_name: '王某', status: 'EXISTING',
        region: '430100', registered_capital: 1_000_000, established_on: '2015-03-01', address: '长沙市岳麓区',
      });
      await stack.db('market')('registrations').insert([
        registration(enterprises[0]!, '长沙市恒通达建材贸易有限公司'),
        registration(enterprises[1]!, '湘潭恒通达物流有限公司'),
        registration(enterprises[2]!, '株洲百分_百科技有限公司'),
        registration(enterprises[3]!, '衡阳百分之百食品有限公司'),
      ]);
    });
    afterAll(async () => stack?.close());

    it('pages through a list longer than 100 entries with its total, newest decision first, nothing lost or repeated', async () => {
      const seen: string[] = [];
      let total = -1;
      for (let offset = 0; ; offset += 50) {
        const r = await ask(PAGE, { type: 'BLACK', offset, limit: 50 });
        assert.equal(r.status, 200, JSON.stringify(r.errors));
        const page = r.data!.courts.publicListPage;
        total = page.total;
        assert.equal(page.offset, offset);
        seen.push(...page.entries.map((e: any) => e.decisionNo));
        if (page.entries.length < 50) break;
      }
      assert.equal(total, 131);
      assert.equal(seen.length, 131);
      assert.equal(new Set(seen).size, 131);
      const first = (await ask(PAGE, { type: 'BLACK', limit: 1 })).data!.courts.publicListPage.entries[0];
      assert.deepEqual(first, {
        department: 'courts', subjectId: enterprises[0], category: 'DISHONEST_JUDGMENT_DEBTOR', categoryName: '失信被执行人 Dishonest judgment debtor: able to perform a judgment but refusing to',
        listType: 'BLACK', decisionNo: first.decisionNo, decidedOn: addDays(today(), -1), validUntil: first.validUntil,
      });
    });

    it('masks a person\'s identity number in the list', async () => {
      const last = (await ask(PAGE, { type: 'BLACK', offset: 130, limit: 5 })).data!.courts.publicListPage;
      assert.deepEqual(last.entries.map((e: any) => e.subjectId), [`${person.slice(0, 4)}**********${person.slice(14)}`]);
    });

    it('finds enterprises by part of the name, % and _ taken literally, and the list entries of the codes found', async () => {
      const byName = await ask(ENTERPRISES, { name: '恒通达' });
      assert.equal(byName.data!.market.publicEnterprises.total, 2);
      // Ordered by name as the engine collates it; the set is what matters here.
      assert.deepEqual(
        [...byName.data!.market.publicEnterprises.enterprises].sort((a: any, b: any) => a.id.localeCompare(b.id)),
        [{ id: enterprises[0], name: '长沙市恒通达建材贸易有限公司' }, { id: enterprises[1], name: '湘潭恒通达物流有限公司' }].sort((a, b) => a.id.localeCompare(b.id)),
      );
      const underscore = await ask(ENTERPRISES, { name: '百分_百' });
      assert.deepEqual(underscore.data!.market.publicEnterprises.enterprises.map((e: any) => e.name), ['株洲百分_百科技有限公司']);
      const percent = await ask(ENTERPRISES, { name: '%' });
      assert.match(percent.errors![0]!.message, /expected 2 to 100/);
      const wildcard = await ask(ENTERPRISES, { name: '%%' });
      assert.equal(wildcard.data!.market.publicEnterprises.total, 0, 'a % matches a %, not everything');
      const codes = byName.data!.market.publicEnterprises.enterprises.map((e: any) => e.id);
      const found = await ask(PAGE, { type: 'BLACK', ids: codes });
      assert.equal(found.data!.courts.publicListPage.total, 2);
      assert.deepEqual(found.data!.courts.publicListPage.entries.map((e: any) => e.subjectId).sort(), [...codes].sort());
      const names = await ask(ENTERPRISES, { ids: codes });
      assert.equal(names.data!.market.publicEnterprises.total, 2);
    });

    it('never confirms a person\'s identity number: searching the lists or enterprises by one is refused, whatever its form', async () => {
      for (const probe of [person, person.toLowerCase(), person.slice(0, 17), `${person.slice(0, 6)}${person.slice(8, 17)}`]) {
        for (const [query, variables] of [[PAGE, { type: 'BLACK', ids: [probe] }], [ENTERPRISES, { ids: [probe] }]] as const) {
          const r = await ask(query, variables);
          assert.equal(Object.values(r.data ?? {})[0] ?? null, null, `${probe}: ${JSON.stringify(r)}`);
          assert.equal(r.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
          assert.ok(!JSON.stringify(r).includes(person), 'the number is not echoed');
        }
      }
      // A person on the list and a person not on it are refused with the same message.
      const other = naturalPersonId(7302);
      const [a, b] = await Promise.all([person, other].map((id) => ask(PAGE, { type: 'BLACK', ids: [id] })));
      assert.equal(a.errors![0]!.message, b.errors![0]!.message);
      assert.match(a.errors![0]!.message, /searched by enterprise name or credit code only/);
    });

    it('refuses bad paging and search input naming the value, and fields that are not public', async () => {
      const big = await ask(PAGE, { type: 'BLACK', limit: 101 });
      assert.match(big.errors![0]!.message, /limit 101 is not valid: expected 1 to 100/);
      const negative = await ask(PAGE, { type: 'BLACK', offset: -1 });
      assert.match(negative.errors![0]!.message, /offset -1 is not valid/);
      const watch = await ask(PAGE, { type: 'WATCH' });
      assert.match(watch.errors![0]!.message, /listType WATCH is not published/);
      const both = await ask(ENTERPRISES, { name: '恒通达', ids: [enterprises[0]] });
      assert.match(both.errors![0]!.message, /either name .* or ids/);
      const many = await ask(PAGE, { type: 'BLACK', ids: enterprises.slice(0, 101) });
      assert.match(many.errors![0]!.message, /subjectIds has 101 codes: expected at most 100/);
      const registration = await ask(`{ market { publicEnterprises(name: "恒通达") { enterprises { id name } } registrations { name } } }`);
      assert.equal(registration.status, 403);
      const view = await ask(`{ subject(id: "${enterprises[0]}") { market { registration { legalRepresentativeId } } } }`);
      assert.equal(view.status, 403);
    });
  });
}
