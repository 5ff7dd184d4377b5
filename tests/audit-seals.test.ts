import assert from './kit/assert.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, it } from '@jest/globals';
import { verifyAudit, type AuditReport } from '../scripts/audit-verify.js';
import { legalPersonId } from '../scripts/demo-data/identities.js';
import { entryHash, GENESIS_HASH, type AuditRow } from '../subgraphs/kit/audit.js';
import { addDays, today } from '../subgraphs/kit/clock.js';
import { engines } from './kit/engines.js';
import { runTs } from './kit/processes.js';
import { TestStack } from './kit/stack.js';
import { suite } from './kit/suite.js';

const PUBLISH = `mutation($input: PublishRecordInput!) { courts { publishRecord(input: $input) { id version } } }`;
const MEASURE = `{ name: "封存测试措施", kind: PUNISHMENT, mandatory: false, matters: [HONORS], triggers: [{ listType: WATCH }], legalBasis: "测试", implementingDepartments: ["省发改委"] }`;

for (const { engine, skip } of await engines()) {
  suite(`every row that decides a verdict is under the audit chain (${engine})`, skip, () => {
    let stack: TestStack;
    let env: Record<string, string>;
    let recordId = '';
    let objectionId = '';
    let applicationId = '';
    const ok = async (query: string, variables: Record<string, unknown>, key: string) => {
      const r = await stack.query(query, variables, key);
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      return r.data!;
    };
    const courts = () => stack.db('courts');
    /** The problems of one database, as `npm run audit:verify --json` reports them. */
    const problemsOf = (report: AuditReport, name: string) => report.databases.find((d) => d.name === name)!.seals;
    const verify = () => verifyAudit({ env, pageSize: 5 });

    beforeAll(async () => {
      stack = await TestStack.start({ engine });
      env = stack.databaseEnv();
      const input = { subjectId: legalPersonId(9700), category: 'DISHONEST_JUDGMENT_DEBTOR', decisionNo: '(2026)湘0102执封1号', decidedOn: addDays(today(), -10), summary: '拒不履行' };
      recordId = (await ok(PUBLISH, { input }, 'demo-courts-key')).courts.publishRecord.id;
      objectionId = (await ok(`mutation($id: ID!) { courts { fileObjection(input: { recordId: $id, reason: "已履行" }) { id } } }`, { id: recordId }, 'demo-platform-key')).courts.fileObjection.id;
      await ok(`mutation($o: ID!) { courts { resolveObjection(objectionId: $o, outcome: UPHELD, note: "记录无误") { status } } }`, { o: objectionId }, 'demo-courts-key');
      applicationId = (await ok(`mutation($id: ID!) { courts { applyForRepair(input: { recordId: $id, statement: "已整改" }) { id } } }`, { id: recordId }, 'demo-platform-key')).courts.applyForRepair.id;
      await ok(`mutation { platform { addMeasure(code: "P_SEAL_TEST", note: "封存测试", input: ${MEASURE}) { version } } }`, {}, 'demo-platform-key');
    });
    afterAll(async () => stack?.close());

    it('seals every version, objection, application and measure the platform writes, and finds them all intact', async () => {
      const report = await verify();
      assert.equal(report.intact, true, JSON.stringify(report, null, 2));
      const tables = Object.fromEntries(problemsOf(report, 'courts').tables.map((t) => [t.table, [t.matched, t.rows]]));
      assert.deepEqual(tables, { credit_records: [3, 3], objections: [1, 1], repair_applications: [1, 1] });
      const measures = problemsOf(report, 'platform').tables.find((t) => t.table === 'measures')!;
      assert.ok(measures.rows > 1);
      assert.equal(measures.matched, measures.rows);
    });

    it('exits 1 naming table and row when a record is moved from BLACK to RED with SQL, and 0 once it is put back', async () => {
      const current = await courts()('credit_records').where({ id: recordId }).whereNull('valid_to').first();
      await courts().raw(`update credit_records set list_type = 'RED' where id = ? and version = ?`, [recordId, current.version]);
      const run = await runTs('scripts/audit-verify.ts', [], env);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      const key = JSON.stringify([recordId, String(current.version)]);
      assert.ok(run.stdout.includes(`row credit_records ${key} no longer matches its seal`), run.stdout);
      assert.match(run.stdout, /ALTERED OR MISSING ENTRIES FOUND/);
      await courts().raw(`update credit_records set list_type = 'BLACK' where id = ? and version = ?`, [recordId, current.version]);
      const back = await runTs('scripts/audit-verify.ts', ['--database', 'courts'], env);
      assert.equal(back.code, 0, back.stdout + back.stderr);
    });

    it('names an objection, an application and a measure edited with SQL', async () => {
      await courts().raw(`update objections set status = 'REVOKED' where id = ?`, [objectionId]);
      await courts().raw(`update repair_applications set status = 'APPROVED' where id = ?`, [applicationId]);
      await stack.db('platform').raw(`update measures set mandatory = ? where code = 'P_SEAL_TEST'`, [true]);
      const report = await verify();
      assert.equal(report.intact, false);
      const courtsSeals = problemsOf(report, 'courts');
      assert.equal(courtsSeals.problems, 2);
      assert.equal(courtsSeals.first!.action, 'objections');
      assert.equal(courtsSeals.first!.entity, JSON.stringify([objectionId]));
      assert.equal(problemsOf(report, 'platform').first!.entity, JSON.stringify(['P_SEAL_TEST', '1']));
      await courts().raw(`update objections set status = 'UPHELD' where id = ?`, [objectionId]);
      await courts().raw(`update repair_applications set status = 'PENDING' where id = ?`, [applicationId]);
      await stack.db('platform').raw(`update measures set mandatory = ? where code = 'P_SEAL_TEST'`, [false]);
      assert.equal((await verify()).intact, true);
    });

    it('names a row deleted with SQL and a row inserted with SQL', async () => {
      const first = await courts()('credit_records').where({ id: recordId, version: 1 }).first();
      await courts().raw('delete from credit_records where id = ? and version = 1', [recordId]);
      const deleted = problemsOf(await verify(), 'courts');
      assert.equal(deleted.first!.kind, 'missing');
      assert.match(deleted.first!.detail, new RegExp(`row credit_records \\["${recordId}","1"\\] is sealed .* but not in the table`));
      await courts()('credit_records').insert(first);

      const { row_id: _rowId, ...copy } = first;
      await courts()('credit_records').insert({ ...copy, id: 'forged-1', subject_id: legalPersonId(9701) });
      const run = await runTs('scripts/audit-verify.ts', ['--database', 'courts'], env);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.ok(run.stdout.includes('row credit_records ["forged-1","1"] has no seal in the audit chain'), run.stdout);
      await courts()('credit_records').where({ id: 'forged-1' }).delete();
      assert.equal((await verify()).intact, true);
    });

    it('reveals a chain rewritten from the start with every hash recomputed, against a head published earlier', async () => {
      const heads = await runTs('scripts/audit-verify.ts', ['--heads', '--database', 'courts'], env);
      assert.equal(heads.code, 0, heads.stderr);
      const published = JSON.parse(heads.stdout) as Record<string, { seq: number; hash: string }>;
      assert.ok(published.courts!.seq > 0);
      const dir = mkdtempSync(path.join(tmpdir(), 'audit-anchor-'));
      const file = path.join(dir, 'heads.json');
      writeFileSync(file, heads.stdout);
      await ok(PUBLISH, { input: { subjectId: legalPersonId(9702), category: 'DISHONEST_JUDGMENT_DEBTOR', decisionNo: '(2026)湘0102执封2号', decidedOn: addDays(today(), -3), summary: '拒不履行' } }, 'demo-courts-key');

      // Someone with write access rewrites the first entry and recomputes every hash after it, head included.
      const all = (await courts()<AuditRow>('audit_log').orderBy('seq')).map((r) => ({ ...r, seq: Number(r.seq) }));
      let prev = GENESIS_HASH;
      for (const entry of all) {
        const payload = entry.seq === 1 ? entry.payload.replace('拒不履行', '已经履行') : entry.payload;
        const hash = entryHash({ ...entry, payload, prev_hash: prev });
        await courts()('audit_log').where('seq', entry.seq).update({ payload, prev_hash: prev, hash });
        prev = hash;
      }
      await courts()('audit_head').where({ id: 1 }).update({ hash: prev });
      try {
        const unanchored = await runTs('scripts/audit-verify.ts', ['--database', 'courts'], env);
        assert.equal(unanchored.code, 0, 'without an anchor the rewritten chain looks intact');
        const anchored = await runTs('scripts/audit-verify.ts', ['--database', 'courts', '--anchor', file], env);
        assert.equal(anchored.code, 1, anchored.stdout + anchored.stderr);
        assert.ok(anchored.stdout.includes(`entry ${published.courts!.seq} does not have the hash published for it`), anchored.stdout);
      } finally {
        for (const entry of all) await courts()('audit_log').where('seq', entry.seq).update({ payload: entry.payload, prev_hash: entry.prev_hash, hash: entry.hash });
        await courts()('audit_head').where({ id: 1 }).update({ hash: all.at(-1)!.hash });
      }
      const restored = await runTs('scripts/audit-verify.ts', ['--database', 'courts', '--anchor', file], env);
      rmSync(dir, { recursive: true, force: true });
      assert.equal(restored.code, 0, restored.stdout + restored.stderr);
    });
  });
}
