/**
 * The results of `npm run bench`: one run per scenario, target and round; per scenario and target
 * the medians over the rounds; the ratios to Hive Gateway's best configuration and to the floor;
 * the issue's targets, met or not, with their figures; and the Markdown of bench-results/latest.md.
 */
import type { LoadMode, LoadPhaseResult } from './protocol.js';

/**
 * What serves the requests:
 *   ours         our gateway (gateway/index.ts) as deployed, every production feature on
 *   ours-bare    our gateway with its production features off (scripts/bench/bare-gateway.ts)
 *   hive         GraphQL Hive Gateway, default runtime (scripts/bench/hive-gateway.config.ts)
 *   hive-router  GraphQL Hive Gateway with --hive-router-runtime
 *   floor        no gateway: the plan's subgraph fetches made directly (scripts/bench/floor.ts)
 */
export type TargetName = 'ours' | 'ours-bare' | 'hive' | 'hive-router' | 'floor';
export const TARGET_NAMES: readonly TargetName[] = ['ours', 'ours-bare', 'hive', 'hive-router', 'floor'];
export const HIVE_TARGETS: readonly TargetName[] = ['hive', 'hive-router'];

/** One measured run: a scenario through one target in one round. */
export interface RunResult {
  scenario: LoadMode;
  label: string;
  target: TargetName;
  round: number;
  connections: number;
  idsPerRequest: number;
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  subjectsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** CPU of the process between the client and the subgraphs: the gateway, or the floor (which also makes its own load). */
  cpuMsPerRequest: number;
  /** The same in % of one core. */
  cpuPercent: number;
  subgraphsCpuMsPerRequest: number;
  subgraphsCpuPercent: number;
  /** autocannon's process, for gateway runs; the floor is its own load generator. */
  loadGeneratorCpuPercent: number | null;
  /** The MySQL server on this machine, when the data is in MySQL. */
  databaseCpuPercent: number | null;
  /** CPU the rest of the machine (other processes, the bench driver, idle gateways) used meanwhile, in % of one core: noise. */
  otherCpuPercent: number;
  /** Subgraph fetches per request (floor runs only). */
  fetchesPerRequest: number | null;
  /** Checks by verdict (check scenarios only). */
  verdicts: Record<string, number> | null;
  /** Publications (mixed only). */
  published: number;
  warmup: LoadPhaseResult | null;
  measured: LoadPhaseResult;
}

/** The medians of one scenario and target over its rounds. */
export interface Summary {
  scenario: LoadMode;
  label: string;
  target: TargetName;
  rounds: number;
  connections: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest: number;
  subgraphsCpuMsPerRequest: number;
  otherCpuPercent: number;
  errors: number;
  /** Requests/s of each round, in order. */
  perRound: number[];
  /**
   * What the gateway process alone could serve on one core: 1000 ÷ its CPU ms per request. When
   * the subgraphs saturate their core (as here), requests/s is theirs; this is the gateway's.
   */
  perCore: number;
  /** Ratios in the same run: requests/s ÷ Hive Gateway's best; p50 and CPU per request ÷ the floor's. */
  vsHive: number | null;
  /** Requests per core ÷ that of Hive Gateway's best. */
  perCoreVsHive: number | null;
  p50VsFloor: number | null;
  cpuVsFloor: number | null;
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function ratio(a: number | undefined, b: number | undefined): number | null {
  return a !== undefined && b !== undefined && b > 0 && Number.isFinite(a) ? round(a / b, 2) : null;
}

/**
 * Hive Gateway's best configuration for a scenario: the one with the fewest wrong answers (as a
 * share of its answers, to a tenth of a percent), then the most requests/s — the fastest of those
 * that answered every request right, when any did.
 */
function hiveBest(summaries: readonly Summary[], scenario: LoadMode): Summary | undefined {
  const wrongShare = (s: Summary) => Math.round((1000 * s.errors) / Math.max(1, s.requests));
  return summaries
    .filter((s) => s.scenario === scenario && HIVE_TARGETS.includes(s.target))
    .sort((a, b) => wrongShare(a) - wrongShare(b) || b.requestsPerSecond - a.requestsPerSecond)[0];
}

export function summarise(results: readonly RunResult[], scenarios: readonly LoadMode[], targets: readonly TargetName[]): Summary[] {
  const out: Summary[] = [];
  for (const scenario of scenarios) {
    for (const target of targets) {
      const runs = results.filter((r) => r.scenario === scenario && r.target === target).sort((a, b) => a.round - b.round);
      if (runs.length === 0) continue;
      out.push({
        scenario,
        label: runs[0]!.label,
        target,
        rounds: runs.length,
        connections: runs[0]!.connections,
        requests: runs.reduce((n, r) => n + r.requests, 0),
        requestsPerSecond: round(median(runs.map((r) => r.requestsPerSecond)), 1),
        p50Ms: round(median(runs.map((r) => r.p50Ms)), 1),
        p99Ms: round(median(runs.map((r) => r.p99Ms)), 1),
        cpuMsPerRequest: round(median(runs.map((r) => r.cpuMsPerRequest)), 3),
        subgraphsCpuMsPerRequest: round(median(runs.map((r) => r.subgraphsCpuMsPerRequest)), 3),
        otherCpuPercent: round(median(runs.map((r) => r.otherCpuPercent)), 0),
        errors: runs.reduce((n, r) => n + r.errors, 0),
        perRound: runs.map((r) => r.requestsPerSecond),
        perCore: 0,
        vsHive: null,
        perCoreVsHive: null,
        p50VsFloor: null,
        cpuVsFloor: null,
      });
    }
  }
  for (const s of out) s.perCore = s.cpuMsPerRequest > 0 ? round(1000 / s.cpuMsPerRequest, 1) : 0;
  for (const s of out) {
    const hive = hiveBest(out, s.scenario);
    const floor = out.find((f) => f.scenario === s.scenario && f.target === 'floor');
    if (s.target !== 'floor') {
      s.vsHive = ratio(s.requestsPerSecond, hive?.requestsPerSecond);
      s.perCoreVsHive = ratio(s.perCore, hive?.perCore);
      s.p50VsFloor = ratio(s.p50Ms, floor?.p50Ms);
      s.cpuVsFloor = ratio(s.cpuMsPerRequest, floor?.cpuMsPerRequest);
    }
  }
  return out;
}

const fixed = (n: number | null, digits: number) => (n !== null && Number.isFinite(n) ? n.toFixed(digits) : '–');

function markdownTable(header: string[], rows: string[][], leftColumns: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const left = (i: number) => i < leftColumns;
  const line = (cells: string[]) => `| ${cells.map((c, i) => (left(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (left(i) ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The main table: medians over the rounds, with the ratios. */
export function table(summaries: readonly Summary[]): string {
  const header = [
    'Scenario', 'Target', 'Conns', 'Req/s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'Req/s per core', 'Errors', 'Req/s ÷ Hive best', 'Per core ÷ Hive best', 'p50 ÷ floor', 'CPU/req ÷ floor',
  ];
  const rows = summaries.map((s) => [
    s.label,
    s.target,
    String(s.connections),
    s.requestsPerSecond.toFixed(1),
    s.p50Ms.toFixed(1),
    s.p99Ms.toFixed(1),
    fixed(s.cpuMsPerRequest, 2),
    s.perCore.toFixed(0),
    String(s.errors),
    fixed(s.vsHive, 2),
    fixed(s.perCoreVsHive, 2),
    fixed(s.p50VsFloor, 2),
    fixed(s.cpuVsFloor, 2),
  ]);
  return markdownTable(header, rows, 2);
}

/** A target of the issue: what it asks, the figures, and whether it is met. */
export interface Goal {
  name: string;
  met: boolean | null;
  text: string;
}

/**
 * The issue's targets, judged on the medians of this run with `ours` (every production feature
 * on) against Hive Gateway's best configuration and the floor. Targets whose scenarios were not
 * measured are listed as such.
 */
export function goals(summaries: readonly Summary[]): Goal[] {
  const get = (scenario: LoadMode, target: TargetName) => summaries.find((s) => s.scenario === scenario && s.target === target);
  const out: Goal[] = [];
  const vsHive = (scenario: LoadMode, what: string, needed: number) => {
    const ours = get(scenario, 'ours');
    const hive = hiveBest(summaries, scenario);
    if (!ours || !hive) return out.push({ name: `${what} ≥ ${needed}× Hive Gateway`, met: null, text: `not measured (needs ${scenario} through ours and Hive Gateway)` });
    const r = ours.requestsPerSecond / hive.requestsPerSecond;
    const perCore = ours.perCore / hive.perCore;
    out.push({
      name: `${what} ≥ ${needed}× Hive Gateway`,
      met: r >= needed,
      text:
        `ours ${ours.requestsPerSecond} req/s ÷ ${hive.target} ${hive.requestsPerSecond} req/s = ${r.toFixed(2)}×; ` +
        `per core of gateway CPU ${ours.perCore} ÷ ${hive.perCore} = ${perCore.toFixed(2)}×${perCore >= needed ? ' (would meet it where the gateway, not the subgraphs, is the limit)' : ''}` +
        `${hive.errors > 0 ? ` (no Hive Gateway configuration answered every request right: ${hive.target}, the one with the fewest wrong answers, had ${hive.errors} of ${hive.requests})` : ''}` +
        `${ours.errors > 0 ? ` (ours had ${ours.errors} errors)` : ''}`,
    });
  };
  vsHive('check', 'check throughput', 2.5);
  vsHive('batch-check', 'batch throughput (1,000-subject batch check)', 1.5);

  const p50Parts: string[] = [];
  let p50Met: boolean | null = null;
  for (const scenario of ['subject', 'check', 'batch-check', 'mixed'] as LoadMode[]) {
    const ours = get(scenario, 'ours');
    const floor = get(scenario, 'floor');
    if (!ours || !floor) continue;
    const r = ours.p50Ms / floor.p50Ms;
    p50Met = (p50Met ?? true) && r <= 1.2;
    p50Parts.push(`${ours.label} ${ours.p50Ms} ÷ ${floor.p50Ms} ms = ${r.toFixed(2)}×${r <= 1.2 ? '' : ' (over)'}`);
  }
  out.push({ name: 'gateway p50 ≤ 1.2× the floor', met: p50Met, text: p50Parts.length ? p50Parts.join('; ') : 'not measured (needs ours and the floor)' });

  const cpu = (scenario: LoadMode, what: string, needed: number) => {
    const ours = get(scenario, 'ours');
    const floor = get(scenario, 'floor');
    if (!ours || !floor) return out.push({ name: `gateway CPU per ${what} ≤ ${needed}× the floor's`, met: null, text: 'not measured' });
    const r = ours.cpuMsPerRequest / floor.cpuMsPerRequest;
    out.push({
      name: `gateway CPU per ${what} ≤ ${needed}× the floor's`,
      met: r <= needed,
      text: `${ours.cpuMsPerRequest} ÷ ${floor.cpuMsPerRequest} ms = ${r.toFixed(2)}×`,
    });
  };
  cpu('check', 'check', 1.5);
  cpu('batch-check', 'batch', 2);

  const single = get('check', 'ours');
  const batch = get('batch-check', 'ours');
  if (single && batch) {
    const cpuRatio = batch.cpuMsPerRequest / single.cpuMsPerRequest;
    const p50Ratio = batch.p50Ms / single.p50Ms;
    out.push({
      name: 'a 1,000-subject batch ≤ 20× one subject',
      met: cpuRatio <= 20 && p50Ratio <= 20,
      text:
        `gateway CPU per request ${batch.cpuMsPerRequest} ÷ ${single.cpuMsPerRequest} ms = ${cpuRatio.toFixed(1)}×${cpuRatio <= 20 ? '' : ' (over)'}; ` +
        `p50 ${batch.p50Ms} ÷ ${single.p50Ms} ms = ${p50Ratio.toFixed(1)}×${p50Ratio <= 20 ? '' : ' (over)'} ` +
        `(batch check at ${batch.connections} connections, check at ${single.connections})`,
    });
  } else {
    out.push({ name: 'a 1,000-subject batch ≤ 20× one subject', met: null, text: 'not measured (needs check and batch-check through ours)' });
  }
  out.push({ name: 'p50 on MySQL with 1,000,000 subjects ≤ 1.2× the p50 with 10,000', met: null, text: 'measured by `npm run bench -- --mysql-scale` (bench-results/mysql-scale.md), not by this run' });
  return out;
}

export function goalLines(list: readonly Goal[]): string[] {
  return list.map((g) => `- ${g.met === null ? 'NOT MEASURED' : g.met ? 'MET' : 'NOT MET'} — ${g.name}: ${g.text}`);
}

/** Requests/s of each round, and what the table leaves out, one line per scenario and target. */
export function details(summaries: readonly Summary[], results: readonly RunResult[], engine: string): string[] {
  return summaries.map((s) => {
    const runs = results.filter((r) => r.scenario === s.scenario && r.target === s.target);
    const parts = [`req/s by round ${s.perRound.join(', ')}`];
    const verdicts: Record<string, number> = {};
    for (const r of runs) for (const [v, n] of Object.entries(r.verdicts ?? {})) verdicts[v] = (verdicts[v] ?? 0) + n;
    const total = Object.values(verdicts).reduce((a, b) => a + b, 0);
    if (total > 0) parts.push(`verdicts ${Object.entries(verdicts).sort((a, b) => b[1] - a[1]).map(([v, n]) => `${v} ${round((100 * n) / total, 1)}%`).join(', ')}`);
    const published = runs.reduce((n, r) => n + r.published, 0);
    if (published > 0) parts.push(`${published} records published`);
    const fetches = runs.map((r) => r.fetchesPerRequest).filter((f): f is number => f !== null);
    if (fetches.length) parts.push(`${median(fetches)} subgraph fetches/request`);
    parts.push(`subgraphs ${s.subgraphsCpuMsPerRequest} ms CPU/request`);
    const loadGen = runs.map((r) => r.loadGeneratorCpuPercent).filter((f): f is number => f !== null);
    if (loadGen.length) parts.push(`load generator ${median(loadGen)}% of a core`);
    const database = runs.map((r) => r.databaseCpuPercent).filter((f): f is number => f !== null);
    if (database.length) parts.push(`MySQL server ${median(database)}% of a core`);
    parts.push(`other processes ${s.otherCpuPercent}% of a core${engine === 'mysql' && !database.length ? ' (including the MySQL server)' : ''}`);
    const reasons: Record<string, number> = {};
    for (const r of runs) for (const [k, v] of Object.entries(r.measured.errorReasons)) reasons[k] = (reasons[k] ?? 0) + v;
    if (s.errors) parts.push(`errors: ${Object.entries(reasons).map(([k, v]) => `${k} ×${v}`).join(', ')}`);
    return `- ${s.label}, ${s.target}: ${parts.join('; ')}`;
  });
}

export const TABLE_NOTES = [
  'Targets: `ours` is our gateway (gateway/index.ts) as deployed, every production feature on (request signing,',
  'Prometheus metrics, request logging, per-client rate limits, query limits, API-key access checks, the registry with',
  'its polling and operation recording); `ours-bare` is the same gateway with all of these off but the API-key check',
  '(scripts/bench/bare-gateway.ts); `hive` is GraphQL Hive Gateway (`hive-gateway supergraph`, default runtime) and',
  '`hive-router` the same with `--hive-router-runtime`, both with in-flight request deduplication off and the caller',
  'headers forwarded (scripts/bench/hive-gateway.config.ts); `floor` is no gateway: scripts/bench/floor.ts on the',
  'gateway\'s core calls the subgraphs directly with exactly the fetches of the query plan.',
  'Figures are medians over the rounds (targets alternate within each round). Errors: every answer is checked, summed',
  'over the rounds. CPU ms/req: user + system time of the gateway process (or of the floor process, which also makes',
  'its own load) per response; Req/s per core = 1000 ÷ CPU ms/req, what that process could serve with a core to itself',
  '(the subgraphs\' core is the limit of Req/s here). Hive best: the Hive Gateway configuration with the fewest wrong answers',
  'in that scenario, then the most requests/s. p50 and CPU ÷ floor: against the floor in the same scenario.',
];
