/**
 * The results of `npm run bench`: one row per scenario and path (through the gateway, or by the
 * floor), the gateway-to-floor ratios, and the Markdown of bench-results/latest.md.
 */
import type { LoadMode, LoadPhaseResult } from './protocol.js';

export type Path = 'gateway' | 'floor';

export interface RunResult {
  scenario: string;
  /** Through the gateway (load from autocannon in its own process), or by the floor. */
  path: Path;
  mode: LoadMode;
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
  /** CPU the rest of the machine (other processes, the bench driver, an idle gateway) used meanwhile, in % of one core: noise. */
  otherCpuPercent: number;
  /** Subgraph fetches per request (floor runs only). */
  fetchesPerRequest: number | null;
  subjectsWithRecordsPercent: number | null;
  /** Checks by verdict (check scenarios only). */
  verdicts: Record<string, number> | null;
  warmup: LoadPhaseResult | null;
  measured: LoadPhaseResult;
}

export interface Comparison {
  scenario: string;
  /** Gateway req/s ÷ floor req/s: below 1, the gateway serves fewer requests. */
  requestsPerSecond: number;
  /** Gateway p50 ÷ floor p50. */
  p50: number;
  /** Gateway CPU per request ÷ floor CPU per request. */
  cpuPerRequest: number;
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function ratio(a: number, b: number): number {
  return b > 0 ? round(a / b, 2) : Number.NaN;
}

export function compare(results: readonly RunResult[]): Comparison[] {
  const out: Comparison[] = [];
  for (const g of results.filter((r) => r.path === 'gateway')) {
    const f = results.find((r) => r.path === 'floor' && r.scenario === g.scenario);
    if (!f) continue;
    out.push({
      scenario: g.scenario,
      requestsPerSecond: ratio(g.requestsPerSecond, f.requestsPerSecond),
      p50: ratio(g.p50Ms, f.p50Ms),
      cpuPerRequest: ratio(g.cpuMsPerRequest, f.cpuMsPerRequest),
    });
  }
  return out;
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

export function table(results: readonly RunResult[]): string {
  const comparisons = compare(results);
  const header = [
    'Scenario', 'Path', 'Conns', 'Requests', 'Req/s', 'p50 ms', 'p99 ms', 'Errors', 'CPU ms/req', 'CPU %', 'Subgraphs CPU ms/req',
    'Req/s ÷ floor', 'p50 ÷ floor', 'CPU/req ÷ floor',
  ];
  const rows = results.map((r) => {
    const c = r.path === 'gateway' ? comparisons.find((x) => x.scenario === r.scenario) : undefined;
    return [
      r.scenario,
      r.path,
      String(r.connections),
      String(r.requests),
      r.requestsPerSecond.toFixed(1),
      r.p50Ms.toFixed(1),
      r.p99Ms.toFixed(1),
      String(r.errors),
      fixed(r.cpuMsPerRequest, 2),
      `${r.cpuPercent}`,
      fixed(r.subgraphsCpuMsPerRequest, 2),
      c ? fixed(c.requestsPerSecond, 2) : '',
      c ? fixed(c.p50, 2) : '',
      c ? fixed(c.cpuPerRequest, 2) : '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const left = (i: number) => i <= 1;
  const line = (cells: string[]) => `| ${cells.map((c, i) => (left(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (left(i) ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** One line per run with what the table leaves out. */
export function details(results: readonly RunResult[], engine: string): string[] {
  return results.map((r) => {
    const parts = [`${r.subjectsPerSecond} subjects/s`];
    if (r.subjectsWithRecordsPercent !== null) parts.push(`subjects with records ${r.subjectsWithRecordsPercent}%`);
    if (r.verdicts) {
      const total = Object.values(r.verdicts).reduce((a, b) => a + b, 0);
      parts.push(`verdicts ${Object.entries(r.verdicts).sort((a, b) => b[1] - a[1]).map(([v, n]) => `${v} ${round((100 * n) / Math.max(1, total), 1)}%`).join(', ')}`);
    }
    if (r.fetchesPerRequest !== null) parts.push(`${r.fetchesPerRequest} subgraph fetches/request`);
    const cpu = [`${r.path} ${r.cpuPercent}`, `subgraphs ${r.subgraphsCpuPercent}`];
    if (r.loadGeneratorCpuPercent !== null) cpu.push(`load generator ${r.loadGeneratorCpuPercent}`);
    cpu.push(
      `other processes ${r.otherCpuPercent}${engine === 'mysql' ? ' (including the MySQL server)' : ''}` +
        `${engine === 'sqlite' && r.otherCpuPercent >= 20 ? ' (a busy machine: figures are noisy)' : ''}`,
    );
    parts.push(`CPU in % of one core: ${cpu.join(', ')}`);
    if (r.errors) parts.push(`errors: ${Object.entries(r.measured.errorReasons).map(([k, v]) => `${k} ×${v}`).join(', ')}`);
    return `- ${r.scenario}, ${r.path}: ${parts.join('; ')}`;
  });
}

export const TABLE_NOTES = [
  'Path: `gateway` is the client operation sent to the gateway by autocannon (its own process, on the subgraphs\' core);',
  '`floor` is scripts/bench/floor.ts on the gateway\'s core instead, calling the subgraphs directly with exactly the',
  'fetches of the gateway\'s query plan (same operations, representations, order and parallelism, keep-alive undici',
  'pools, the same number of concurrent requests): the least a gateway could cost for the same subgraph traffic.',
  'Requests: responses received in the measured window (floor: plan executions, the last ones waited for); errors:',
  'answers that were not HTTP 200, carried `errors`, did not hold the subjects asked for in order, or (checks) had a',
  'verdict outside the five, a missing source, or no MANDATORY_RESTRICTION for the black-listed showcase subject;',
  'plus connection errors and timeouts. CPU: user + system time over the measured window, per response, of the',
  'gateway process (/proc/<pid>/stat) or of the floor process (its own accounting), which also does the floor\'s',
  'load generation and answer checks; "CPU %" is of one core. Ratios: gateway ÷ floor for the same scenario.',
];
