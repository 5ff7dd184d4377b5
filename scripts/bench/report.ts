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
 *   sql-floor    no gateway, no subgraphs: the SQL statements of a check, captured from the
 *                subgraphs, run in one process with prepared statements (scripts/bench/sql-floor.ts)
 *   baseline     another git revision of this project, its whole stack (--baseline REF, scripts/bench/baseline.ts)
 */
export type TargetName = 'ours' | 'ours-bare' | 'hive' | 'hive-router' | 'floor' | 'sql-floor' | 'baseline';
export const TARGET_NAMES: readonly TargetName[] = ['ours', 'ours-bare', 'hive', 'hive-router', 'floor', 'sql-floor', 'baseline'];
/** What is measured unless --targets says otherwise (baseline is added by --baseline REF). */
export const DEFAULT_TARGETS: readonly TargetName[] = ['ours', 'ours-bare', 'hive', 'hive-router', 'floor', 'sql-floor'];
/** Targets that are a gateway in front of subgraphs (ours, Hive, the baseline's). */
export function isGatewayTarget(t: TargetName): boolean {
  return t !== 'floor' && t !== 'sql-floor';
}
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
  /** Each subgraph process's CPU ms per request, by subgraph name. */
  subgraphCpuMsPerRequest?: Record<string, number>;
  /**
   * The whole system's CPU per request: the gateway (or the floor) plus every subgraph; for the
   * sql-floor, its own process (no subgraph works). The MySQL server's is apart (databaseCpuMsPerRequest).
   */
  systemCpuMsPerRequest?: number;
  databaseCpuMsPerRequest?: number | null;
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
  /** Medians of each subgraph's CPU ms per request. */
  subgraphCpu: Record<string, number>;
  /** Gateway (or floor) + subgraphs CPU ms per request (median over the rounds). */
  systemCpuMsPerRequest: number;
  databaseCpuMsPerRequest: number | null;
  idsPerRequest: number;
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
  /** System CPU per request ÷ the sql-floor's in the same scenario. */
  systemVsSqlFloor: number | null;
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
        subgraphCpu: Object.fromEntries(
          [...new Set(runs.flatMap((r) => Object.keys(r.subgraphCpuMsPerRequest ?? {})))].sort().map((name) => [name, round(median(runs.map((r) => r.subgraphCpuMsPerRequest?.[name] ?? 0)), 3)]),
        ),
        systemCpuMsPerRequest: round(median(runs.map((r) => r.systemCpuMsPerRequest ?? r.cpuMsPerRequest + r.subgraphsCpuMsPerRequest)), 3),
        databaseCpuMsPerRequest: runs.some((r) => r.databaseCpuMsPerRequest != null) ? round(median(runs.map((r) => r.databaseCpuMsPerRequest ?? 0)), 3) : null,
        idsPerRequest: runs[0]!.idsPerRequest,
        otherCpuPercent: round(median(runs.map((r) => r.otherCpuPercent)), 0),
        errors: runs.reduce((n, r) => n + r.errors, 0),
        perRound: runs.map((r) => r.requestsPerSecond),
        perCore: 0,
        vsHive: null,
        perCoreVsHive: null,
        p50VsFloor: null,
        cpuVsFloor: null,
        systemVsSqlFloor: null,
      });
    }
  }
  for (const s of out) s.perCore = s.cpuMsPerRequest > 0 ? round(1000 / s.cpuMsPerRequest, 1) : 0;
  for (const s of out) {
    const hive = hiveBest(out, s.scenario);
    const floor = out.find((f) => f.scenario === s.scenario && f.target === 'floor');
    const sqlFloor = out.find((f) => f.scenario === s.scenario && f.target === 'sql-floor');
    if (s.target !== 'sql-floor') s.systemVsSqlFloor = ratio(s.systemCpuMsPerRequest, sqlFloor?.systemCpuMsPerRequest);
    if (s.target !== 'floor' && s.target !== 'sql-floor') {
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
    'Scenario', 'Target', 'Conns', 'Req/s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'Subgraphs CPU ms/req', 'System CPU ms/req', 'Req/s per core', 'Errors', 'Req/s ÷ Hive best', 'Per core ÷ Hive best', 'p50 ÷ floor', 'CPU/req ÷ floor', 'System ÷ sql-floor',
  ];
  const rows = summaries.map((s) => [
    s.label,
    s.target,
    String(s.connections),
    s.requestsPerSecond.toFixed(1),
    s.p50Ms.toFixed(1),
    s.p99Ms.toFixed(1),
    fixed(s.cpuMsPerRequest, 2),
    s.target === 'sql-floor' ? '–' : fixed(s.subgraphsCpuMsPerRequest, 2),
    fixed(s.systemCpuMsPerRequest, 2),
    s.perCore.toFixed(0),
    String(s.errors),
    fixed(s.vsHive, 2),
    fixed(s.perCoreVsHive, 2),
    fixed(s.p50VsFloor, 2),
    fixed(s.cpuVsFloor, 2),
    fixed(s.systemVsSqlFloor, 2),
  ]);
  return markdownTable(header, rows, 2);
}

/** A target of the issue: what it asks, the figures, and whether it is met (null: not measured; `reported`: a figure, no threshold). */
export interface Goal {
  name: string;
  met: boolean | null;
  text: string;
  reported?: boolean;
}

/**
 * The targets of issue 16 (the whole system's cost per check), judged on the medians of this run
 * with `ours` (every production feature on) against the floor, the sql-floor, Hive Router and the
 * baseline revision. Targets whose scenarios or targets were not measured are listed as such.
 */
export function goals(summaries: readonly Summary[]): Goal[] {
  const get = (scenario: LoadMode, target: TargetName) => summaries.find((s) => s.scenario === scenario && s.target === target);
  const out: Goal[] = [];
  const x = (n: number) => `${n.toFixed(2)}×`;

  // 1. Subgraph CPU per check and per batch subject.
  {
    const check = get('check', 'ours');
    const batch = get('batch-check', 'ours');
    const parts: string[] = [];
    let met: boolean | null = null;
    if (check) {
      met = check.subgraphsCpuMsPerRequest <= 2;
      parts.push(`check: ${check.subgraphsCpuMsPerRequest} ms over all subgraphs (${Object.entries(check.subgraphCpu).map(([n, ms]) => `${n} ${ms}`).join(', ')})${check.subgraphsCpuMsPerRequest <= 2 ? '' : ' (over)'}`);
    }
    if (batch) {
      const perSubject = batch.subgraphsCpuMsPerRequest / Math.max(1, batch.idsPerRequest);
      met = (met ?? true) && perSubject <= 1.2;
      parts.push(`batch check: ${perSubject.toFixed(3)} ms per subject (${batch.subgraphsCpuMsPerRequest} ms per ${batch.idsPerRequest}-subject batch)${perSubject <= 1.2 ? '' : ' (over)'}`);
    }
    out.push({ name: 'subgraph CPU per check ≤ 2 ms in total, per batch subject ≤ 1.2 ms', met, text: parts.length ? parts.join('; ') : 'not measured (needs check or batch-check through ours)' });
  }

  // 2. System throughput against the baseline revision.
  {
    const parts: string[] = [];
    let met: boolean | null = null;
    for (const scenario of ['check', 'batch-check', 'subject', 'mixed', 'check-1'] as LoadMode[]) {
      const ours = get(scenario, 'ours');
      const base = get(scenario, 'baseline');
      if (!ours || !base || base.requestsPerSecond <= 0) continue;
      const r = ours.requestsPerSecond / base.requestsPerSecond;
      if (scenario === 'check') met = r >= 2.5;
      parts.push(
        `${ours.label}: ${ours.requestsPerSecond} ÷ ${base.requestsPerSecond} req/s = ${x(r)}; system CPU per request ${ours.systemCpuMsPerRequest} vs ${base.systemCpuMsPerRequest} ms ` +
          `(baseline ÷ ours ${x(base.systemCpuMsPerRequest / Math.max(1e-9, ours.systemCpuMsPerRequest))})${base.errors ? ` (baseline had ${base.errors} errors)` : ''}`,
      );
    }
    out.push({ name: 'system throughput ≥ 2.5× baseline (check)', met, text: parts.length ? parts.join('; ') : 'not measured (needs --baseline REF and ours)' });
  }

  // 3. The gateway: per core against Hive Router, CPU against the floor.
  {
    const ours = get('check', 'ours');
    const router = get('check', 'hive-router');
    const floor = get('check', 'floor');
    const parts: string[] = [];
    let met: boolean | null = null;
    if (ours && router) {
      const r = ours.perCore / router.perCore;
      met = r >= 2.5;
      parts.push(`per core ${ours.perCore} ÷ ${router.perCore} req/s = ${x(r)}${r >= 2.5 ? '' : ' (under)'}`);
    } else parts.push('per core against Hive Router not measured (needs check through ours and hive-router)');
    if (ours && floor) {
      const r = ours.cpuMsPerRequest / floor.cpuMsPerRequest;
      met = (met ?? true) && r <= 1.5;
      parts.push(`gateway CPU per check ${ours.cpuMsPerRequest} ÷ floor ${floor.cpuMsPerRequest} ms = ${x(r)}${r <= 1.5 ? '' : ' (over)'}`);
    } else parts.push('CPU against the floor not measured (needs check through ours and floor)');
    if ((!ours || !router) && met !== null) met = null; // half a target is not met nor missed
    out.push({ name: 'gateway per core ≥ 2.5× Hive Router on check, CPU per check ≤ 1.5× the floor\'s', met, text: parts.join('; ') });
  }

  // 4. The data-layer floor.
  {
    const parts: string[] = [];
    for (const scenario of ['check', 'check-1'] as LoadMode[]) {
      const sql = get(scenario, 'sql-floor');
      if (!sql) continue;
      const line = (['ours', 'floor', 'baseline'] as TargetName[])
        .map((t) => get(scenario, t))
        .filter((s): s is Summary => s !== undefined)
        .map((s) => `${s.target} ${s.systemCpuMsPerRequest} ms = ${x(s.systemCpuMsPerRequest / Math.max(1e-9, sql.systemCpuMsPerRequest))}`);
      parts.push(`${sql.label}: sql-floor ${sql.systemCpuMsPerRequest} ms CPU per check; system CPU per check ${line.join(', ') || '(no other target)'}`);
    }
    out.push({ name: 'system CPU per check ÷ the data-layer floor (sql-floor)', met: null, reported: parts.length > 0, text: parts.length ? parts.join('; ') : 'not measured (needs check and the sql-floor target)' });
  }

  // 5. Service time at one connection.
  {
    const one = (['ours', 'floor', 'baseline', 'sql-floor'] as TargetName[]).map((t) => get('check-1', t)).filter((s): s is Summary => s !== undefined);
    const ours = get('check-1', 'ours');
    const floor = get('check-1', 'floor');
    const text = one.length
      ? one.map((s) => `${s.target} p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms`).join('; ') +
        (ours && floor ? `; ours ÷ floor: p50 ${x(ours.p50Ms / Math.max(1e-9, floor.p50Ms))}, p99 ${x(ours.p99Ms / Math.max(1e-9, floor.p99Ms))}` : '')
      : 'not measured (needs the check-1 scenario)';
    out.push({ name: 'service time of one check at 1 connection (p50, p99), ours vs floor', met: null, reported: one.length > 0, text });
  }

  // 6. Every answer right.
  {
    const errors = summaries.filter((s) => s.errors > 0 && !HIVE_TARGETS.includes(s.target));
    out.push({
      name: 'every answer checked and right (ours, floor, sql-floor, baseline)',
      met: summaries.length ? errors.length === 0 : null,
      text: errors.length ? errors.map((s) => `${s.label} via ${s.target}: ${s.errors} errors`).join('; ') : 'no errors',
    });
  }
  return out;
}

export function goalLines(list: readonly Goal[]): string[] {
  return list.map((g) => `- ${g.met === null ? (g.reported ? 'REPORTED' : 'NOT MEASURED') : g.met ? 'MET' : 'NOT MET'} — ${g.name}: ${g.text}`);
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
    if (fetches.length) parts.push(`${median(fetches)} ${s.target === 'sql-floor' ? 'SQL statements' : 'subgraph fetches'}/request`);
    if (s.target !== 'sql-floor') {
      const each = Object.entries(s.subgraphCpu).map(([name, ms]) => `${name} ${ms}`).join(', ');
      parts.push(`subgraphs ${s.subgraphsCpuMsPerRequest} ms CPU/request${each ? ` (${each})` : ''}${s.idsPerRequest > 1 ? `, ${round(s.subgraphsCpuMsPerRequest / s.idsPerRequest, 4)} ms per subject` : ''}`);
    }
    parts.push(`p90 ${round(median(runs.map((r) => r.measured.latencyMs.p90)), 1)} ms`);
    const loadGen = runs.map((r) => r.loadGeneratorCpuPercent).filter((f): f is number => f !== null);
    if (loadGen.length) parts.push(`load generator ${median(loadGen)}% of a core`);
    const database = runs.map((r) => r.databaseCpuPercent).filter((f): f is number => f !== null);
    if (database.length) parts.push(`MySQL server ${s.databaseCpuMsPerRequest ?? 0} ms CPU/request (${median(database)}% of a core)`);
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
  'gateway\'s core calls the subgraphs directly with exactly the fetches of the query plan; `sql-floor` is no gateway and',
  'no subgraph: scripts/bench/sql-floor.ts on the gateway\'s core runs the SQL statements the subgraphs ran for a check',
  '(captured from them) with prepared statements; `baseline` is the whole stack of another git revision (--baseline REF).',
  'Figures are medians over the rounds (targets alternate within each round). Errors: every answer is checked, summed',
  'over the rounds. CPU ms/req: user + system time of the gateway process (or of the floor process, which also makes',
  'its own load) per response; Req/s per core = 1000 ÷ CPU ms/req, what that process could serve with a core to itself',
  '(the subgraphs\' core is the limit of Req/s here). Hive best: the Hive Gateway configuration with the fewest wrong answers',
  'in that scenario, then the most requests/s. p50 and CPU ÷ floor: against the floor in the same scenario.',
  'Subgraphs CPU ms/req: user + system time of all subgraph processes per response (each one\'s in the details).',
  'System CPU ms/req: the gateway (or floor) plus the subgraphs; for the sql-floor its own process. The MySQL server is',
  'apart (details). System ÷ sql-floor: against the sql-floor in the same scenario. check-1: the check at 1 connection.',
];
