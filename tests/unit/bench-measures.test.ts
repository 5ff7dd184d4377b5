/**
 * The pure parts of the bench's issue-16 measurements: what the sql-floor replays (subject
 * substitution, fresh unique values for writes) and the CPU accounting of the report (system CPU
 * per request, per-subgraph medians, the goals that use them).
 */
import assert from '../kit/assert.js';
import { describe, it } from '@jest/globals';
import type { CapturedStatement } from '../../subgraphs/kit/sql-capture.js';
import { goals, summarise, type RunResult, type TargetName } from '../../scripts/bench/report.js';
import { freshWrites, isWrite, sequenceValues, substituteSubject, toReplay } from '../../scripts/bench/sql-replay.js';

const SUBJECT = '91430100MA008D2D1T';
const OTHER = '430900195210300012';
const CHECK_ID = '0dcf6c3b-388c-4fae-9df1-69faaeb42801';

function captured(sql: string, bindings: unknown[], rows: number | null = null, subgraph = 'tax'): CapturedStatement {
  return { engine: 'sqlite', subgraph, sql, bindings, rows, requestId: null, at: 0 };
}

const check: CapturedStatement[] = [
  captured('select * from `credit_records` where `subject_id` in (?) and `valid_to` is null', [SUBJECT], 2),
  captured('select * from `measures` where `valid_to` is null', [], 26, 'platform'),
  captured('insert into `checks` select json_extract(value, \'$[0]\') from json_each(?)', [JSON.stringify([[CHECK_ID, 'demo-approval', SUBJECT]])], null, 'platform'),
  captured('select `seq`, `hash` from `audit_head` where `id` = ? limit ?', [1, 1], 1, 'platform'),
  captured('insert into `audit_log` (`entity_id`, `seq`) values (?, ?)', [CHECK_ID, 368], null, 'platform'),
  captured('update `audit_head` set `seq` = ? where `id` = ?', [368, 1], null, 'platform'),
];

describe('the sql-floor replay', () => {
  it('tells writes from reads and keeps the row counts of reads only', () => {
    const replay = toReplay(check);
    assert.deepEqual(replay.map((s) => s.write), [false, false, true, false, true, true]);
    assert.deepEqual(replay.map((s) => s.rows), [2, 26, null, 1, null, null]);
    assert.equal(isWrite('  UPDATE t set a = 1'), true);
    assert.equal(isWrite('select 1'), false);
  });

  it('leaves out the transaction control a subgraph sent: the replay runs the writes in its own transaction', () => {
    const framed = [captured('BEGIN IMMEDIATE', [], null, 'platform'), ...check.slice(2), captured('COMMIT', [], null, 'platform')];
    assert.deepEqual(toReplay(framed).map((s) => s.sql), check.slice(2).map((s) => s.sql));
  });

  it('puts another subject in place of the captured one, in bindings and inside JSON bindings', () => {
    const swapped = substituteSubject(toReplay(check), SUBJECT, OTHER);
    assert.deepEqual(swapped[0]!.bindings, [OTHER]);
    assert.ok((swapped[2]!.bindings[0] as string).includes(OTHER));
    assert.ok(!(swapped[2]!.bindings[0] as string).includes(SUBJECT));
    // Other bindings are left alone; the captured statements are not changed.
    assert.deepEqual(swapped[3]!.bindings, [1, 1]);
    assert.deepEqual(check[0]!.bindings, [SUBJECT]);
  });

  it('finds the audit sequence carried from one write to another, not the ids of a where clause', () => {
    assert.deepEqual([...sequenceValues(toReplay(check))], [368]);
  });

  it('gives each replay fresh unique values for writes, the same one wherever the captured one appeared', () => {
    const replay = toReplay(check);
    const a = freshWrites(replay, 1000);
    const b = freshWrites(replay, 2000);
    const idInCheck = (s: typeof a) => (JSON.parse(s[2]!.bindings[0] as string) as string[][])[0]![0]!;
    assert.notEqual(idInCheck(a), CHECK_ID);
    assert.equal(a[4]!.bindings[0], idInCheck(a), 'the audit entry names the new check id');
    assert.notEqual(idInCheck(a), idInCheck(b));
    assert.deepEqual([a[4]!.bindings[1], a[5]!.bindings], [1368, [1368, 1]]);
    assert.deepEqual(b[5]!.bindings, [2368, 1]);
    // Reads are untouched.
    assert.deepEqual(a[0]!.bindings, [SUBJECT]);
    assert.deepEqual(a[3]!.bindings, [1, 1]);
  });
});

function run(target: TargetName, round: number, fields: Partial<RunResult>): RunResult {
  const measured = { latencyMs: { p50: 1, p90: 1, p99: 1, mean: 1, max: 1 }, errorReasons: {} } as unknown as RunResult['measured'];
  return {
    scenario: 'check',
    label: 'check (1 id)',
    target,
    round,
    connections: 32,
    idsPerRequest: 1,
    durationSeconds: 6,
    requests: 1000,
    requestsPerSecond: 100,
    subjectsPerSecond: 100,
    p50Ms: 10,
    p99Ms: 20,
    errors: 0,
    cpuMsPerRequest: 1,
    cpuPercent: 10,
    subgraphsCpuMsPerRequest: 3,
    subgraphsCpuPercent: 30,
    loadGeneratorCpuPercent: null,
    databaseCpuPercent: null,
    otherCpuPercent: 0,
    fetchesPerRequest: null,
    verdicts: null,
    published: 0,
    warmup: null,
    measured,
    ...fields,
  };
}

describe('the report of system CPU', () => {
  const results = [
    run('ours', 1, { requestsPerSecond: 300, cpuMsPerRequest: 2, subgraphsCpuMsPerRequest: 1.5, subgraphCpuMsPerRequest: { tax: 0.5, platform: 1 }, systemCpuMsPerRequest: 3.5 }),
    run('ours', 2, { requestsPerSecond: 320, cpuMsPerRequest: 2.2, subgraphsCpuMsPerRequest: 1.9, subgraphCpuMsPerRequest: { tax: 0.7, platform: 1.2 }, systemCpuMsPerRequest: 4.1 }),
    run('ours', 3, { requestsPerSecond: 310, cpuMsPerRequest: 2.1, subgraphsCpuMsPerRequest: 1.7, subgraphCpuMsPerRequest: { tax: 0.6, platform: 1.1 }, systemCpuMsPerRequest: 3.8 }),
    run('baseline', 1, { requestsPerSecond: 100, cpuMsPerRequest: 2, subgraphsCpuMsPerRequest: 6, systemCpuMsPerRequest: 8 }),
    run('floor', 1, { cpuMsPerRequest: 1.5, subgraphsCpuMsPerRequest: 1.6 }),
    run('sql-floor', 1, { cpuMsPerRequest: 0.25, subgraphsCpuMsPerRequest: 0, systemCpuMsPerRequest: 0.25 }),
  ];
  const summaries = summarise(results, ['check'], ['ours', 'floor', 'sql-floor', 'baseline']);
  const of = (t: TargetName) => summaries.find((s) => s.target === t)!;

  it('takes medians over the rounds, each subgraph apart and the system as gateway plus subgraphs', () => {
    assert.equal(of('ours').systemCpuMsPerRequest, 3.8);
    assert.deepEqual(of('ours').subgraphCpu, { tax: 0.6, platform: 1.1 });
    assert.equal(of('ours').subgraphsCpuMsPerRequest, 1.7);
    // A run without the field: gateway (or floor) plus subgraphs.
    assert.equal(of('floor').systemCpuMsPerRequest, 3.1);
    assert.equal(of('ours').systemVsSqlFloor, 15.2);
    assert.equal(of('sql-floor').systemVsSqlFloor, null);
  });

  it('judges the subgraph CPU and the baseline targets on those figures', () => {
    const list = goals(summaries);
    const subgraphs = list.find((g) => g.name.startsWith('subgraph CPU per check'))!;
    assert.equal(subgraphs.met, true);
    assert.ok(subgraphs.text.includes('1.7 ms'));
    const baseline = list.find((g) => g.name.startsWith('system throughput'))!;
    assert.equal(baseline.met, true, baseline.text);
    assert.ok(baseline.text.includes('3.10×'), baseline.text);
    const hive = list.find((g) => g.name.startsWith('gateway per core'))!;
    assert.equal(hive.met, null, 'without Hive Router the target is not measured');
    const sqlFloor = list.find((g) => g.name.includes('data-layer floor'))!;
    assert.equal(sqlFloor.reported, true);
    assert.ok(sqlFloor.text.includes('15.20×'), sqlFloor.text);
  });
});

describe('SQL capture in the kit', () => {
  it('appends every statement a knex instance runs, with its bindings and rows, only while SQL_CAPTURE_FILE is set', async () => {
    const { mkdtempSync, readFileSync, existsSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const knex = (await import('knex')).default;
    const { captureQueries, captureStatement } = await import('../../subgraphs/kit/sql-capture.js');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sql-capture-'));
    const file = path.join(dir, 'capture.jsonl');
    const saved = process.env.SQL_CAPTURE_FILE;
    const off = knex({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    const on = knex({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    try {
      delete process.env.SQL_CAPTURE_FILE;
      captureQueries(off, 'sqlite', 'off');
      process.env.SQL_CAPTURE_FILE = file;
      captureQueries(on, 'sqlite', 'tax');
      await on.schema.createTable('t', (t) => t.string('subject_id'));
      await on('t').insert([{ subject_id: 'A' }, { subject_id: 'B' }]);
      await on('t').whereIn('subject_id', ['A', 'B']).select('*');
      await off.raw('select 1');
      captureStatement({ engine: 'sqlite', subgraph: 'tax', sql: 'select ?', bindings: [new Date(0)], requestId: 'r1' });
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as CapturedStatement);
      assert.ok(lines.every((l) => l.subgraph === 'tax'), 'nothing of the instance opened without capture');
      const select = lines.find((l) => l.sql.startsWith('select *'))!;
      assert.deepEqual(select.bindings, ['A', 'B']);
      assert.equal(select.rows, 2);
      assert.equal(select.engine, 'sqlite');
      assert.deepEqual(lines.at(-1), { engine: 'sqlite', subgraph: 'tax', sql: 'select ?', bindings: ['1970-01-01T00:00:00.000Z'], rows: null, requestId: 'r1', at: lines.at(-1)!.at });
      delete process.env.SQL_CAPTURE_FILE;
      captureStatement({ engine: 'sqlite', subgraph: 'tax', sql: 'select 2', bindings: [] });
      assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, lines.length, 'nothing appended once it is unset');
      assert.ok(existsSync(file));
    } finally {
      if (saved === undefined) delete process.env.SQL_CAPTURE_FILE;
      else process.env.SQL_CAPTURE_FILE = saved;
      await on.destroy();
      await off.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the baseline revision', () => {
  it('refuses a REF that is not a commit of the repository, naming it', async () => {
    const { checkoutBaseline } = await import('../../scripts/bench/baseline.js');
    assert.throws(() => checkoutBaseline('no-such-revision-16b', () => {}), /--baseline no-such-revision-16b: not a commit of this repository/);
  });
});
