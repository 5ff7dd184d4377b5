/**
 * `npm run bench:audit`: what the row seals of the audit chain (subgraphs/kit/audit-seals.ts) cost,
 * with and without them in the same run, on SQLite and on MySQL (when MariaDB/MySQL answers at
 * TEST_MYSQL_URL, default mysql://root@127.0.0.1:3306).
 *
 * Per engine it starts the whole stack in this process (every subgraph over its own fresh
 * database, the gateway, real HTTP) and alternates AUDIT_ROW_SEALS=off and on operation by
 * operation. Each round times:
 *  - publish: 2 × --publishes sequential `courts.publishRecord` through the gateway, one new
 *    record each, half of them with seals;
 *  - batch check: two `subjects(ids: [1,000 ids])` credit checks through the gateway (one per
 *    mode), each check stored with its audit entry.
 * It prints the median per mode and the ratio on/off. Options: --rounds N (4), --publishes N (40 per mode and round),
 * --engines sqlite,mysql (both; mysql skipped when unreachable), --json.
 */
import { parseArgs } from 'node:util';
import { legalPersonId, naturalPersonId } from './demo-data/identities.js';
import { addDays, today } from '../subgraphs/kit/clock.js';
import { TestStack } from '../tests/kit/stack.js';
import { mysqlReachable } from '../tests/kit/mysql.js';

const PUBLISH = `mutation($input: PublishRecordInput!) { courts { publishRecord(input: $input) { id } } }`;
const BATCH = `query($ids: [ID!]!) { subjects(ids: $ids) { id creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: "BENCH-AUDIT") { checkId verdict } } }`;

type Mode = 'off' | 'on';
interface Sample {
  publishMs: number[];
  batchMs: number[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function benchEngine(engine: 'sqlite' | 'mysql', rounds: number, publishes: number): Promise<Record<Mode, Sample>> {
  const stack = await TestStack.start({ engine });
  const samples: Record<Mode, Sample> = { off: { publishMs: [], batchMs: [] }, on: { publishMs: [], batchMs: [] } };
  let n = 0;
  try {
    const ask = async (query: string, variables: Record<string, unknown>, key: string) => {
      const r = await stack.query(query, variables, key);
      if (r.errors) throw new Error(`${JSON.stringify(r.errors).slice(0, 300)}`);
      return r.data!;
    };
    // Warm-up outside the figures: plans cached, connections open, tables touched.
    await ask(BATCH, { ids: Array.from({ length: 1000 }, (_, i) => (i % 2 ? legalPersonId(20_000 + i) : naturalPersonId(20_000 + i))) }, 'demo-approval-key');
    // Modes alternate per operation in the order off, on, on, off…, so drift over the run (a
    // shared machine, a growing database) weighs on both alike.
    const modeAt = (i: number): Mode => ([0, 3].includes(i % 4) ? 'off' : 'on');
    let op = 0;
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < publishes * 2; i++) {
        const mode = modeAt(op++);
        process.env.AUDIT_ROW_SEALS = mode;
        const subjectId = legalPersonId(30_000 + n);
        const input = { subjectId, category: 'DISHONEST_JUDGMENT_DEBTOR', decisionNo: `(2026)湘0102执基${n++}号`, decidedOn: addDays(today(), -5), summary: '拒不履行' };
        const started = performance.now();
        await ask(PUBLISH, { input }, 'demo-courts-key');
        samples[mode].publishMs.push(performance.now() - started);
      }
      // 1,000 subjects each: the ones just published among them, so measures apply to some.
      for (const mode of round % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
        process.env.AUDIT_ROW_SEALS = mode;
        const base = 40_000 + (round * 2 + (mode === 'on' ? 1 : 0)) * 1000;
        const ids = Array.from({ length: 1000 }, (_, i) => (i < publishes ? legalPersonId(30_000 + n - 1 - i) : i % 2 ? legalPersonId(base + i) : naturalPersonId(base + i)));
        const started = performance.now();
        await ask(BATCH, { ids }, 'demo-approval-key');
        samples[mode].batchMs.push(performance.now() - started);
      }
    }
  } finally {
    delete process.env.AUDIT_ROW_SEALS;
    await stack.close();
  }
  return samples;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { rounds: { type: 'string' }, publishes: { type: 'string' }, engines: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
  const rounds = Number(values.rounds ?? 4);
  const publishes = Number(values.publishes ?? 40);
  const engines = (values.engines ?? 'sqlite,mysql').split(',') as ('sqlite' | 'mysql')[];
  for (const [name, value, max] of [['--rounds', rounds, 50], ['--publishes', publishes, 1000]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > max) {
      console.error(`bench:audit: ${name} ${value} is not valid: expected a whole number from 1 to ${max}`);
      return 2;
    }
  }
  const results: Record<string, unknown> = {};
  for (const engine of engines) {
    if (engine !== 'sqlite' && engine !== 'mysql') {
      console.error(`bench:audit: engine ${JSON.stringify(engine)} is not valid: expected sqlite or mysql`);
      return 2;
    }
    if (engine === 'mysql' && !(await mysqlReachable())) {
      console.log('mysql   skipped: no MySQL/MariaDB answers at TEST_MYSQL_URL');
      continue;
    }
    const s = await benchEngine(engine, rounds, publishes);
    const figures = {
      publishMs: { off: median(s.off.publishMs), on: median(s.on.publishMs), samples: s.on.publishMs.length },
      batchCheckMs: { off: median(s.off.batchMs), on: median(s.on.batchMs), samples: s.on.batchMs.length },
    };
    results[engine] = figures;
    if (!values.json) {
      const ratio = (x: { off: number; on: number }) => `${x.off.toFixed(1)} → ${x.on.toFixed(1)} ms (×${(x.on / x.off).toFixed(2)})`;
      console.log(`${engine.padEnd(7)} publish, median of ${figures.publishMs.samples} per mode: ${ratio(figures.publishMs)}`);
      console.log(`${''.padEnd(7)} batch check of 1,000 subjects, median of ${figures.batchCheckMs.samples} per mode: ${ratio(figures.batchCheckMs)}`);
    }
  }
  if (values.json) console.log(JSON.stringify(results, null, 2));
  return 0;
}

process.exitCode = await main();
