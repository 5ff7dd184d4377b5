import assert from './kit/assert.js';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { verifyAudit, type AuditReport, type DatabaseReport } from '../scripts/audit-verify.js';
import { legalPersonId } from '../scripts/demo-data/identities.js';
import { entryHash, GENESIS_HASH, type AuditRow } from '../subgraphs/kit/audit.js';
import { verifyChain } from '../subgraphs/kit/audit-verify.js';
import { addDays, today } from '../subgraphs/kit/clock.js';
import { dropDatabase, migrate, openDatabase, type DatabaseConfig } from '../subgraphs/kit/database.js';
import { ChecksCrossCheck } from '../subgraphs/platform/check/audit-cross-check.js';
import { platform as platformDefinition } from '../subgraphs/platform/server.js';
import type { ServiceName } from '../subgraphs/services.js';
import { engines } from './kit/engines.js';
import { TEST_MYSQL_URL } from './kit/mysql.js';
import { postGraphQL, TestStack } from './kit/stack.js';
import { suite } from './kit/suite.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PUBLISH = `mutation($input: PublishRecordInput!) { courts { publishRecord(input: $input) { id version } } }`;
const BATCH_CHECK = `query($ids: [ID!]!) { subjects(ids: $ids) { id creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: "AUDIT-1") { checkId verdict measures { code } } } }`;
const MEASURE = `{ name: "审计测试措施", kind: PUNISHMENT, mandatory: false, matters: [HONORS], triggers: [{ listType: WATCH }], legalBasis: "测试", implementingDepartments: ["省发改委"] }`;

/** Runs `npm run audit:verify` as a process with the given settings; resolves its exit code and output. */
function runScript(env: Record<string, string>, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DATABASE_URL', 'DATABASE_PREFIX', 'DATA_DIR'].includes(k)));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/audit-verify.ts'), ...args], { cwd: ROOT, env: { ...base, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

for (const { engine, skip } of await engines()) {
  suite(`tamper-evident audit chain (${engine})`, skip, () => {
    let stack: TestStack;
    let env: Record<string, string>;
    let n = 9100;
    const subject = () => legalPersonId(n++);
    const publishInput = (subjectId: string, decisionNo = `(2026)湘0102执审${n}号`) => ({
      subjectId,
      category: 'DISHONEST_JUDGMENT_DEBTOR',
      decisionNo,
      decidedOn: addDays(today(), -10),
      summary: '有履行能力而拒不履行',
    });
    const ok = async (query: string, variables: Record<string, unknown>, key: string) => {
      const r = await stack.query(query, variables, key);
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      return r.data!;
    };
    const entries = async (name: ServiceName) => (await stack.db(name)<AuditRow>('audit_log').orderBy('seq')).map((r) => ({ ...r, seq: Number(r.seq) }));
    const verify = () => verifyAudit({ env, pageSize: 7 });
    const database = (report: AuditReport, name: string): DatabaseReport => report.databases.find((d) => d.name === name)!;

    beforeAll(async () => {
      stack = await TestStack.start({ engine });
      env = stack.databaseEnv();
    });
    afterAll(async () => stack?.close());

    it('chains checks and every write through the gateway, and verifies them intact with the right counts', async () => {
      const ids = [subject(), subject(), subject(), subject(), subject()];
      const batch = await ok(BATCH_CHECK, { ids }, 'demo-approval-key');
      const checkIds = batch.subjects.map((s: any) => s.creditCheck.checkId);

      const rec = (await ok(PUBLISH, { input: publishInput(subject()) }, 'demo-courts-key')).courts.publishRecord;
      await ok(`mutation($id: ID!) { courts { correctRecord(id: $id, input: { summary: "更正" }) { version } } }`, { id: rec.id }, 'demo-courts-key');
      const objection = (await ok(`mutation($id: ID!) { courts { fileObjection(input: { recordId: $id, reason: "已履行" }) { id } } }`, { id: rec.id }, 'demo-platform-key')).courts.fileObjection;
      await ok(`mutation($o: ID!) { courts { resolveObjection(objectionId: $o, outcome: UPHELD, note: "记录无误") { status } } }`, { o: objection.id }, 'demo-courts-key');
      await ok(`mutation($id: ID!) { courts { revokeRecord(id: $id, reason: "错误列入") { version } } }`, { id: rec.id }, 'demo-courts-key');
      const report = await postGraphQL(stack.gatewayUrl.replace('/graphql', '/public/graphql'), {
        query: `mutation($input: ConductReportInput!) { courts { submitReport(input: $input) { id } } }`,
        variables: { input: { subjectId: subject(), conduct: '转移财产逃避执行', reporterName: '李举报', reporterContact: '13900000000' } },
      });
      assert.equal(report.errors, undefined, JSON.stringify(report.errors));

      await ok(`mutation { platform { addMeasure(code: "P_AUDIT_TEST", note: "审计测试", input: ${MEASURE}) { version } } }`, {}, 'demo-platform-key');
      const sub = (await ok(`mutation { platform { subscribe(input: { listTypes: [BLACK] }) { id } } }`, {}, 'demo-approval-key')).platform.subscribe;
      await ok(`mutation($s: ID!) { platform { unsubscribe(subscriptionId: $s) { active } } }`, { s: sub.id }, 'demo-approval-key');
      await ok(`mutation { registry { rollback(version: 1) { accepted } } }`, {}, 'demo-platform-key');

      const courts = await entries('courts');
      assert.deepEqual(
        courts.map((e) => e.action),
        ['courts.publishRecord', 'courts.correctRecord', 'courts.fileObjection', 'courts.resolveObjection', 'courts.revokeRecord', 'courts.submitReport'],
      );
      assert.deepEqual([courts[0]!.actor_client, courts[0]!.actor_role, courts[0]!.actor_department], ['demo-courts', 'DEPARTMENT', 'courts']);
      assert.equal(courts[2]!.actor_role, 'CREDIT_OFFICE');
      assert.equal(courts[0]!.prev_hash, GENESIS_HASH);
      assert.equal(courts[1]!.prev_hash, courts[0]!.hash);
      assert.ok(!courts[5]!.payload.includes('李举报') && !courts[5]!.payload.includes('13900000000'), 'the reporter never appears in the chain');
      assert.match(courts[5]!.payload, /"reporter_sealed_sha256":"[0-9a-f]{64}"/);
      const platform = await entries('platform');
      // The chain opens with the seal of the measures catalogue the migrations wrote (audit-seals.ts).
      assert.deepEqual(
        platform.map((e) => e.action),
        ['audit.sealRows', ...checkIds.map(() => 'platform.creditCheck'), 'platform.addMeasure', 'platform.subscribe', 'platform.unsubscribe'],
      );
      assert.deepEqual(platform.slice(1, 6).map((e) => e.entity_id), checkIds);
      assert.equal(platform[1]!.actor_client, 'demo-approval');
      assert.ok(!platform[7]!.payload.includes('pushsec_'), 'the subscription secret never appears in the chain');
      assert.deepEqual((await entries('registry')).map((e) => e.action), ['registry.bootstrap', 'registry.rollback']);

      const verified = await verify();
      assert.equal(verified.intact, true, JSON.stringify(verified, null, 2));
      const counts = Object.fromEntries(verified.databases.map((d) => [d.name, [d.chain.entries, d.chain.verified]]));
      assert.deepEqual(counts, { platform: [9, 9], tax: [0, 0], market: [0, 0], courts: [6, 6], finance: [0, 0], registry: [2, 2] });
      assert.deepEqual(database(verified, 'platform').checks, { rows: 5, matched: 5, preChain: 0, first: null, problems: 0 });
      assert.equal(database(verified, 'courts').chain.head!.hash, courts[5]!.hash);
    });

    it('runs as npm run audit:verify: exit 0 and a JSON report when intact', async () => {
      const run = await runScript(env, ['--json']);
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as AuditReport;
      assert.equal(report.intact, true);
      assert.equal(database(report, 'courts').chain.verified, 6);
      const missing = await runScript({ DATA_DIR: '/nonexistent/audit-test' }, []);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /no platform database at \/nonexistent\/audit-test\/platform\.sqlite/);
    });

    it('appends nothing for a retried identical publish, correction, revocation or feedback', async () => {
      const input = publishInput(subject(), 'AUDIT-RETRY-1');
      const first = (await ok(PUBLISH, { input }, 'demo-courts-key')).courts.publishRecord;
      const count = (await entries('courts')).length;
      const again = (await ok(PUBLISH, { input }, 'demo-courts-key')).courts.publishRecord;
      assert.deepEqual(again, first);
      await ok(`mutation($id: ID!) { courts { correctRecord(id: $id, input: { summary: "有履行能力而拒不履行" }) { version } } }`, { id: first.id }, 'demo-courts-key');
      await ok(`mutation($id: ID!) { courts { revokeRecord(id: $id, reason: "撤销") { version } } }`, { id: first.id }, 'demo-courts-key');
      await ok(`mutation($id: ID!) { courts { revokeRecord(id: $id, reason: "撤销") { version } } }`, { id: first.id }, 'demo-courts-key');
      assert.equal((await entries('courts')).length, count + 1, 'only the first revocation is a write');

      const black = subject();
      await ok(PUBLISH, { input: publishInput(black) }, 'demo-courts-key');
      const check = (await ok(BATCH_CHECK, { ids: [black] }, 'demo-approval-key')).subjects[0].creditCheck;
      const feedback = `mutation($c: ID!, $m: String!) { platform { reportFeedback(checkId: $c, items: [{ measureCode: $m, outcome: APPLIED }]) { outcome } } }`;
      await ok(feedback, { c: check.checkId, m: check.measures[0].code }, 'demo-approval-key');
      const platformCount = (await entries('platform')).length;
      await ok(feedback, { c: check.checkId, m: check.measures[0].code }, 'demo-approval-key');
      assert.equal((await entries('platform')).length, platformCount);
      assert.equal((await entries('platform')).at(-1)!.action, 'platform.reportFeedback');
      assert.equal((await verify()).intact, true);
    });

    it('reports a changed payload as the first altered entry, with its seq, action and entity', async () => {
      const target = (await entries('courts'))[2]!;
      const db = stack.db('courts');
      await db('audit_log').where('seq', target.seq).update({ payload: target.payload.replace('已履行', '未履行') });
      try {
        const report = await verify();
        assert.equal(report.intact, false);
        const courts = database(report, 'courts');
        assert.deepEqual(courts.chain.first, {
          kind: 'altered', seq: target.seq, action: 'courts.fileObjection', entity: target.entity_id,
          detail: `entry ${target.seq} no longer matches its hash: its content or prev_hash was changed`,
        });
        assert.equal(courts.chain.verified, courts.chain.entries - 1);
        assert.equal(database(report, 'platform').intact, true);
        const run = await runScript(env, []);
        assert.equal(run.code, 1);
        assert.match(run.stdout, new RegExp(`courts\\s+ALTERED entry ${target.seq} \\(courts.fileObjection ${target.entity_id}\\)`));
      } finally {
        await db('audit_log').where('seq', target.seq).update({ payload: target.payload });
      }
      assert.equal((await verify()).intact, true);
    });

    it('reports an entry rewritten with a recomputed hash at that entry', async () => {
      const target = (await entries('courts'))[1]!;
      const db = stack.db('courts');
      const payload = target.payload.replace('更正', '篡改');
      await db('audit_log').where('seq', target.seq).update({ payload, hash: entryHash({ ...target, payload }) });
      try {
        const first = database(await verify(), 'courts').chain.first!;
        assert.deepEqual([first.kind, first.seq, first.action], ['altered', target.seq, 'courts.correctRecord']);
        assert.match(first.detail, /rewritten and its hash recomputed/);
      } finally {
        await db('audit_log').where('seq', target.seq).update({ payload: target.payload, hash: target.hash });
      }
    });

    it('reports a deleted entry in the middle, and a deleted tail, as missing', async () => {
      const all = await entries('courts');
      const middle = all[3]!;
      const db = stack.db('courts');
      await db('audit_log').where('seq', middle.seq).delete();
      try {
        const courts = database(await verify(), 'courts');
        assert.deepEqual(courts.chain.first, {
          kind: 'missing', seq: middle.seq, action: null, entity: null,
          detail: `entry ${middle.seq} is missing: the chain jumps from ${middle.seq - 1} to ${middle.seq + 1}`,
        });
        assert.equal(courts.chain.problems, 1, 'the entry after the gap is not blamed');
      } finally {
        await db('audit_log').insert(middle);
      }
      const tail = all.slice(-2);
      await db('audit_log').whereIn('seq', tail.map((e) => e.seq)).delete();
      try {
        const first = database(await verify(), 'courts').chain.first!;
        assert.deepEqual([first.kind, first.seq], ['missing', tail[0]!.seq]);
        assert.match(first.detail, new RegExp(`the chain ends at ${tail[0]!.seq - 1} but its head is at ${tail[1]!.seq}`));
      } finally {
        await db('audit_log').insert(tail);
      }
      assert.equal((await verify()).intact, true);
    });

    it('reports a stored check whose verdict was changed, a deleted check and a check added without entry', async () => {
      const db = stack.db('platform');
      const entry = (await entries('platform')).find((e) => e.action === 'platform.creditCheck')!;
      const row = await db('checks').where('check_id', entry.entity_id).first();
      await db('checks').where('check_id', row.check_id).update({ verdict: 'MANDATORY_RESTRICTION' });
      try {
        const platform = database(await verify(), 'platform');
        assert.equal(platform.chain.problems, 0, 'the chain itself is intact');
        assert.deepEqual(platform.checks!.first, {
          kind: 'altered', seq: entry.seq, action: 'platform.creditCheck', entity: row.check_id,
          detail: `check ${row.check_id} in the checks table no longer matches its audit entry: its verdict is MANDATORY_RESTRICTION in the table, ${row.verdict} when it was stored`,
        });
      } finally {
        await db('checks').where('check_id', row.check_id).update({ verdict: row.verdict });
      }

      await db('checks').where('check_id', row.check_id).delete();
      try {
        const checks = database(await verify(), 'platform').checks!;
        assert.deepEqual([checks.first!.kind, checks.first!.seq, checks.first!.entity, checks.problems], ['missing', entry.seq, row.check_id, 1]);
        assert.match(checks.first!.detail, /has an audit entry but no row in checks/);
      } finally {
        await db('checks').insert(row);
      }

      const forged = { ...row, check_id: '00000000-0000-4000-8000-000000000001', checked_at: new Date().toISOString() };
      await db('checks').insert(forged);
      try {
        const run = await runScript(env, ['--json', '--database', 'platform']);
        assert.equal(run.code, 1);
        const report = JSON.parse(run.stdout) as AuditReport;
        assert.deepEqual(report.databases.map((d) => d.name), ['platform']);
        assert.deepEqual(report.databases[0]!.checks!.first, {
          kind: 'missing', seq: null, action: 'platform.creditCheck', entity: forged.check_id,
          detail: `check ${forged.check_id} (checked at ${forged.checked_at}) is in the checks table without an audit entry`,
        });
      } finally {
        await db('checks').where('check_id', forged.check_id).delete();
      }
      assert.equal((await verify()).intact, true);
    });

    it('keeps one valid chain under 20 concurrent publishes and concurrent batch checks', async () => {
      const before = { finance: (await entries('finance')).length, platform: (await entries('platform')).length };
      const publishes = Array.from({ length: 20 }, (_, i) =>
        ok(
          `mutation($input: PublishRecordInput!) { finance { publishRecord(input: $input) { id } } }`,
          { input: { subjectId: subject(), category: 'FISCAL_FUND_FRAUD', decisionNo: `财审〔2026〕${i}号`, decidedOn: addDays(today(), -3), summary: '骗取财政资金' } },
          'demo-finance-key',
        ),
      );
      const batches = Array.from({ length: 3 }, () => ok(BATCH_CHECK, { ids: Array.from({ length: 40 }, subject) }, 'demo-approval-key'));
      await Promise.all([...publishes, ...batches]);
      const finance = await entries('finance');
      assert.equal(finance.length, before.finance + 20);
      assert.deepEqual(finance.map((e) => e.seq), finance.map((_, i) => i + 1), 'seq has no gap');
      assert.equal((await entries('platform')).length, before.platform + 120);
      const report = await verify();
      assert.equal(report.intact, true, JSON.stringify(report, null, 2));
      assert.deepEqual([database(report, 'finance').chain.entries, database(report, 'finance').chain.verified], [20, 20]);
    });
  });
}

for (const { engine, skip } of await engines()) {
  suite(`checks stored before the audit chain began (${engine})`, skip, () => {
    it('records them as a baseline, counts them apart, and reports one that disappears', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'audit-baseline-'));
      const config: DatabaseConfig =
        engine === 'mysql'
          ? { engine: 'mysql', serverUrl: TEST_MYSQL_URL, database: `t${randomBytes(4).toString('hex')}_platform` }
          : { engine: 'sqlite', file: path.join(dir, 'platform.sqlite') };
      const db = await openDatabase(config);
      try {
        const all = platformDefinition.migrations;
        const chainStarts = all.findIndex((m) => m.name === '20261201000000_audit_log');
        await migrate(db, all.slice(0, chainStarts));
        const old = (k: number) => ({
          check_id: `00000000-0000-4000-8000-00000000000${k}`, client_id: 'demo-approval', matter: 'HONORS', case_ref: 'OLD-1', subject_id: legalPersonId(9900 + k),
          subject_kind: 'LEGAL_PERSON', verdict: 'CLEAR', subject_known: false, missing_sources: '[]', answer: '{}', evidence_refs: '[]', measure_refs: '[]',
          checked_at: `2026-01-0${k}T00:00:00.000Z`,
        });
        await db('checks').insert([old(1), old(2)]);
        await migrate(db, all);

        const verify = async () => {
          const checks = new ChecksCrossCheck(db, 1);
          const chain = await verifyChain(db, { pageSize: 1, onPage: (rows) => checks.onPage(rows) });
          return { chain, checks: await checks.finish() };
        };
        const before = await verify();
        // The checks baseline, then the seal of the measures catalogue.
        assert.deepEqual([before.chain.entries, before.chain.problems], [2, 0]);
        assert.deepEqual(before.checks, { rows: 2, matched: 0, preChain: 2, first: null, problems: 0 });
        const [entry] = await db<AuditRow>('audit_log');
        assert.equal(entry!.action, 'platform.auditBaseline');
        assert.deepEqual(JSON.parse(entry!.payload), { checks: 2, lastCheckedAt: '2026-01-02T00:00:00.000Z' });

        await db('checks').where('check_id', old(1).check_id).delete();
        const after = await verify();
        assert.equal(after.checks.problems, 1);
        assert.equal(after.checks.first!.detail, '1 of the 2 checks stored before the audit chain began are gone');
      } finally {
        await db.destroy();
        await dropDatabase(config);
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
