import assert from './kit/assert.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { CallerHeader } from '../subgraphs/kit/caller.js';
import { ecology } from '../subgraphs/ecology/server.js';
import { addDays, today } from '../subgraphs/kit/clock.js';
import { createSubgraph, type Subgraph } from '../subgraphs/kit/subgraph-server.js';
import { IDS, insertRecord, reviseRecord } from './kit/fixtures.js';
import { postToSubgraph } from './kit/stack.js';

const RECORD_FIELDS = 'id version subjectId department category listType decisionNo decidedOn validUntil status summary recordedAt';

const ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Subject {
      id
      ecology {
        known
        records { ${RECORD_FIELDS} }
        dischargePermits { permitNo issuedOn validUntil pollutants status }
        environmentalPenalties { decisionNo decidedOn violation amount authority }
      }
    }
    ... on SubjectAsOf { id asOf ecology { known records { ${RECORD_FIELDS} } } }
  }
}`;

/**
 * The ecology subgraph on its own, over a temporary SQLite file, asked directly over HTTP the way
 * the gateway asks a department: it answers the shared credit-record contract
 * (`Subject.ecology.records`, `SubjectAsOf.ecology.records`) like the default departments do.
 */
describe('ecology and environment subgraph (生态环境), queried directly', () => {
  let tmp = '';
  let subgraph: Subgraph;
  let url = '';
  const decidedOn = addDays(today(), -30);
  let recordId = '';

  const entities = async (representations: Record<string, unknown>[]) => {
    const r = await postToSubgraph(url, { query: ENTITIES, variables: { representations } });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data!._entities as any[];
  };

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), 'credit-ecology-'));
    subgraph = await createSubgraph(ecology, { database: { engine: 'sqlite', file: path.join(tmp, 'ecology.sqlite') } });
    url = (await subgraph.listen(0)).url;
    const record = await insertRecord(subgraph.db, {
      subjectId: IDS.blackEnterprise,
      category: 'SERIOUS_ENVIRONMENTAL_VIOLATION',
      listType: 'BLACK',
      decidedOn,
      validUntil: addDays(today(), 1000),
      summary: '篡改、伪造自动监测数据，通过暗管逃避监管排放水污染物',
    });
    recordId = record.id;
    await subgraph.db('discharge_permits').insert({
      permit_no: '91430100MA4L0L0000001P',
      subject_id: IDS.blackEnterprise,
      issued_on: '2024-03-01',
      valid_until: '2029-02-28',
      pollutants: JSON.stringify(['化学需氧量', '氨氮', '总磷']),
      status: 'VALID',
    });
    await subgraph.db('environmental_penalties').insert({
      decision_no: '长环罚〔2026〕5号',
      subject_id: IDS.blackEnterprise,
      decided_on: decidedOn,
      violation: '超标排放水污染物',
      amount: 150000.5,
      authority: '长沙市生态环境局',
    });
    // A subject known only by a permit: `known` looks at every table, not only the records.
    await subgraph.db('discharge_permits').insert({
      permit_no: '91430100MA4L0600XL001P',
      subject_id: IDS.redEnterprise,
      issued_on: '2025-06-01',
      valid_until: '2030-05-31',
      pollutants: JSON.stringify(['二氧化硫']),
      status: 'VALID',
    });
  });

  afterAll(async () => {
    await subgraph?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('extends Subject with ecology and the records field of the credit-record contract', async () => {
    const r = await postToSubgraph(url, { query: '{ _service { sdl } }' });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const sdl: string = r.data!._service.sdl;
    assert.match(sdl, /type Subject\s+@key\(fields: "id"\)\s*\{[^}]*ecology: EcologyView/s);
    assert.match(sdl, /type SubjectAsOf\s+@key\(fields: "id asOf"\)\s*\{[^}]*ecology: EcologyView/s);
    assert.match(sdl, /type EcologyView \{[^}]*records: \[CreditRecord!\]/s);
    assert.deepEqual(ecology.categories.map((c) => [c.code, c.listType]), [
      ['SERIOUS_ENVIRONMENTAL_VIOLATION', 'BLACK'],
      ['ENVIRONMENTAL_CREDIT_GREEN', 'RED'],
      ['ENVIRONMENTAL_WATCH', 'WATCH'],
    ]);
  });

  it('answers Subject.ecology with its records, discharge permits and penalties', async () => {
    const [black, permitOnly, unknown] = await entities([
      { __typename: 'Subject', id: IDS.blackEnterprise },
      { __typename: 'Subject', id: IDS.redEnterprise },
      { __typename: 'Subject', id: IDS.person },
    ]);
    assert.equal(black.id, IDS.blackEnterprise);
    assert.equal(black.ecology.known, true);
    assert.equal(black.ecology.records.length, 1);
    assert.deepEqual(
      {
        id: black.ecology.records[0].id,
        version: black.ecology.records[0].version,
        subjectId: black.ecology.records[0].subjectId,
        department: black.ecology.records[0].department,
        category: black.ecology.records[0].category,
        listType: black.ecology.records[0].listType,
        decidedOn: black.ecology.records[0].decidedOn,
        status: black.ecology.records[0].status,
      },
      {
        id: recordId,
        version: 1,
        subjectId: IDS.blackEnterprise,
        department: 'ecology',
        category: 'SERIOUS_ENVIRONMENTAL_VIOLATION',
        listType: 'BLACK',
        decidedOn,
        status: 'ACTIVE',
      },
    );
    assert.deepEqual(black.ecology.dischargePermits, [
      { permitNo: '91430100MA4L0L0000001P', issuedOn: '2024-03-01', validUntil: '2029-02-28', pollutants: ['化学需氧量', '氨氮', '总磷'], status: 'VALID' },
    ]);
    assert.deepEqual(black.ecology.environmentalPenalties, [
      { decisionNo: '长环罚〔2026〕5号', decidedOn, violation: '超标排放水污染物', amount: 150000.5, authority: '长沙市生态环境局' },
    ]);

    assert.equal(permitOnly.ecology.known, true);
    assert.deepEqual(permitOnly.ecology.records, []);
    assert.deepEqual(permitOnly.ecology.dischargePermits.map((p: any) => p.pollutants), [['二氧化硫']]);

    assert.deepEqual(unknown.ecology, { known: false, records: [], dischargePermits: [], environmentalPenalties: [] });
  });

  it('answers SubjectAsOf.ecology with the record versions current at that moment', async () => {
    const beforeDecision = `${addDays(decidedOn, -1)}T00:00:00.000Z`;
    const afterDecision = `${addDays(today(), -1)}T00:00:00.000Z`;
    await reviseRecord(subgraph.db, recordId, { status: 'REPAIRED' });

    const [earlier, asDecided, now] = await entities([
      { __typename: 'SubjectAsOf', id: IDS.blackEnterprise, asOf: beforeDecision },
      { __typename: 'SubjectAsOf', id: IDS.blackEnterprise, asOf: afterDecision },
      { __typename: 'Subject', id: IDS.blackEnterprise },
    ]);
    assert.equal(earlier.asOf, beforeDecision);
    assert.deepEqual(earlier.ecology.records, []);
    assert.deepEqual(asDecided.ecology.records.map((r: any) => [r.id, r.version, r.department, r.category, r.listType, r.status]), [
      [recordId, 1, 'ecology', 'SERIOUS_ENVIRONMENTAL_VIOLATION', 'BLACK', 'ACTIVE'],
    ]);
    assert.deepEqual(now.ecology.records.map((r: any) => [r.id, r.version, r.status]), [[recordId, 2, 'REPAIRED']]);
  });

  it('serves the analysts\' records query in its own namespace', async () => {
    const anonymous = await postToSubgraph(url, { query: '{ ecology { records(listType: BLACK) { id } } }' });
    assert.equal(anonymous.errors?.[0]?.extensions?.rule, 'identity', 'the subgraph wants to know who asks');
    const analyst = { [CallerHeader.client]: 'demo-analyst', [CallerHeader.role]: 'ANALYST' };
    const r = await postToSubgraph(url, { query: '{ ecology { records(listType: BLACK) { id department category } } }' }, analyst);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.deepEqual(r.data!.ecology.records, [{ id: recordId, department: 'ecology', category: 'SERIOUS_ENVIRONMENTAL_VIOLATION' }]);
  });
});
