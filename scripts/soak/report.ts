/** The soak's tables, in Markdown: printed, and written to bench-results/soak-latest.md. */
import type { WriteAudit } from './audit.js';
import type { FaultResult } from './faults.js';
import { REQUEST_KINDS, type Ledger } from './ledger.js';
import type { MemorySample } from './memory.js';

export interface SoakSummary {
  settings: string[];
  faults: FaultResult[];
  ledger: Ledger;
  /** performance.now() when the load started: fault times are relative to it. */
  loadStart: number;
  audits: WriteAudit[];
  memory: { start: MemorySample; end: MemorySample };
  /** Processes that exited without being killed by the soak (and were started again). */
  unexpectedExits: string[];
  /** Writes neither acknowledged nor refused when the drain ended. */
  openWrites: number;
  feedReads: { reads: number; failed: number };
}

export interface Correctness {
  falseClears: number;
  missedRestrictions: number;
  lost: number;
  duplicated: number;
  refusedRetries: number;
  unexpectedExits: number;
}

const s = (ms: number | null | undefined) => (ms === undefined ? '–' : ms === null ? '> 120 s' : `${(ms / 1000).toFixed(2)} s`);
const mb = (bytes: number | null | undefined) => (bytes == null ? '–' : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

function percentile(sorted: number[], p: number): string {
  if (sorted.length === 0) return '–';
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(0);
}

function table(head: string[], rows: (string | number)[][], right: boolean[] = head.map((_, i) => i > 0)): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(3, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (right[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(head), rule, ...cells.slice(1).map(line)].join('\n');
}

/** Failed attempts of any kind sent while no fault was in effect or recovering. */
function failuresOutsideFaults(summary: SoakSummary): { kind: string; at: number; cause: string }[] {
  const windows = summary.faults
    .filter((f) => f.startedMs !== undefined)
    .map((f) => {
      const from = summary.loadStart + f.startedMs!;
      const recovered = f.heldMs === undefined || f.recoveryMs == null ? Infinity : f.heldMs + f.recoveryMs;
      return [from, from + recovered + 1000] as const;
    });
  return REQUEST_KINDS.flatMap((kind) => summary.ledger.stats[kind].failures.map((x) => ({ kind, ...x }))).filter(
    (x) => !windows.some(([from, to]) => x.at >= from && x.at <= to),
  );
}

/** The seconds of the run with the most of these failures, as `t=12 s (5), …`. */
function busiestSeconds(failures: { at: number }[], loadStart: number): string {
  const perSecond = new Map<number, number>();
  for (const f of failures) {
    const second = Math.floor((f.at - loadStart) / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
  return [...perSecond].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([t, n]) => `t=${t} s (${n})`).join(', ');
}

function tallyCauses(failures: { kind: string; cause: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(`${f.kind} ${f.cause}`, (counts.get(`${f.kind} ${f.cause}`) ?? 0) + 1);
  return counts;
}

export function correctnessOf(summary: SoakSummary): Correctness {
  const { ledger } = summary;
  const refusedRetries = [...ledger.publishes.values(), ...ledger.feedback.values()].filter((w) => w.refused).length;
  return {
    falseClears: ledger.falseClears.length,
    missedRestrictions: ledger.missedRestrictions.length,
    lost: summary.audits.reduce((n, a) => n + a.lost, 0),
    duplicated: summary.audits.reduce((n, a) => n + a.duplicated, 0),
    refusedRetries,
    unexpectedExits: summary.unexpectedExits.length,
  };
}

export function renderReport(summary: SoakSummary): string {
  const { ledger } = summary;
  const out: string[] = [];
  out.push(summary.settings.join('\n'), '');

  out.push('### Faults', '');
  out.push(
    table(
      ['Fault', 'At', 'Lasted', 'Ready after', 'Recovery (full check)', 'Push caught up', 'Checks not full'],
      summary.faults.map((f) =>
        f.skipped || f.error
          ? [f.label, f.startedMs === undefined ? '–' : `${(f.startedMs / 1000).toFixed(0)} s`, f.skipped ? `skipped: ${f.skipped}` : `failed: ${f.error}`, '', '', '', '']
          : [f.label, `${(f.startedMs! / 1000).toFixed(0)} s`, s(f.heldMs), s(f.readyMs), s(f.recoveryMs), s(f.feedCaughtUpMs), f.checksNotFull ?? '–'],
      ),
      [false, true, true, true, true, true, true],
    ),
    '',
  );
  out.push(
    'Lasted: from the fault until the restart, SIGCONT or server start was issued (the end of the fault). Ready after: the process ' +
      '(or server) answered ready, from the end of the fault. Recovery: the first check sent after the end of the fault that answered ' +
      'with no error and every department present. Push caught up: every publication acknowledged before the end of the fault was in ' +
      'the push feed. Checks not full: checks sent from the start of the fault until recovery that failed or lacked a department.',
    '',
  );
  for (const f of summary.faults.filter((x) => x.note)) out.push(`- ${f.label}: ${f.note}.`);
  if (summary.faults.some((x) => x.note)) out.push('');

  out.push('### Requests', '');
  out.push(
    table(
      ['Kind', 'Sent', 'Retries', 'Acknowledged', 'Failed attempts', 'Never acknowledged', 'p50 ms', 'p99 ms', 'Failures by cause'],
      REQUEST_KINDS.map((kind) => {
        const st = ledger.stats[kind];
        const sorted = [...st.latencies].sort((a, b) => a - b);
        const writes = kind === 'publish' ? [...ledger.publishes.values()] : kind === 'feedback' ? [...ledger.feedback.values()] : [];
        const never = kind === 'check' ? '–' : writes.filter((w) => w.ackAt === undefined).length;
        const causes = [...st.causes.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([c, n]) => `${c} ${n}`).join(', ');
        return [kind, st.sent, kind === 'check' ? '–' : st.retries, st.acknowledged, st.failed, never, percentile(sorted, 50), percentile(sorted, 99), causes || '–'];
      }),
      [false, true, true, true, true, true, true, true, false],
    ),
    '',
  );
  const outside = failuresOutsideFaults(summary);
  out.push(
    `Failed attempts outside the faults (sent before a fault began or more than 1 s after its recovery): ${outside.length}` +
      (outside.length > 0 ? ` — ${[...tallyCauses(outside)].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([c, n]) => `${c} ${n}`).join(', ')}; most at ${busiestSeconds(outside, summary.loadStart)}.` : '.'),
    '',
  );
  if (ledger.notSent > 0) out.push(`${ledger.notSent} requests were due but not sent: too many were waiting for an answer.`, '');
  out.push(`Push subscriber: ${summary.feedReads.reads} feed reads and acknowledgements, ${summary.feedReads.failed} failed (read again).`, '');

  const verdicts = [...ledger.verdicts.entries()].sort((a, b) => b[1] - a[1]).map(([v, n]) => `${v} ${n}`).join(', ');
  const black = [...ledger.blackVerdicts.entries()].sort((a, b) => b[1] - a[1]).map(([v, n]) => `${v} ${n}`).join(', ');
  out.push('### Verdicts', '');
  out.push(`All checks answered with a verdict: ${verdicts || 'none'}; ${ledger.answeredWithMissingSource} of them with a source missing.`);
  out.push(`Checks of subjects with an active black record: ${black || 'none'}.`, '');

  out.push('### Rows against acknowledged requests', '');
  out.push(
    table(
      ['Written', 'Acknowledged', 'Rows', 'Lost', 'Duplicated', 'Unacknowledged but written'],
      summary.audits.map((a) => [a.what, a.acknowledged, a.rows, a.lost, a.duplicated, a.unacknowledgedWritten]),
      [false, true, true, true, true, true],
    ),
    '',
  );

  out.push('### Memory', '');
  out.push(
    table(
      ['Process', 'Heap used at start', 'Heap used at end', 'RSS at start', 'RSS at end', 'Note'],
      [...summary.memory.start.entries()].map(([name, a]) => {
        const b = summary.memory.end.get(name);
        return [name, mb(a.heapUsedBytes), mb(b?.heapUsedBytes), mb(a.rssBytes), mb(b?.rssBytes), a.pid !== b?.pid ? 'restarted by a fault: the end is the new process' : ''];
      }),
      [false, true, true, true, true, false],
    ),
    '',
  );

  const c = correctnessOf(summary);
  out.push('### Correctness', '');
  out.push(
    table(
      ['Figure', 'Count'],
      [
        ['false CLEAR verdicts', c.falseClears],
        ['black subjects not restricted (nor INCOMPLETE for the missing department)', c.missedRestrictions],
        ['lost writes (acknowledged, no row)', c.lost],
        ['duplicated writes', c.duplicated],
        ['retries refused (CONFLICT, NOT_FOUND… for identical input)', c.refusedRetries],
        ['processes that exited without being killed', c.unexpectedExits],
      ],
      [false, true],
    ),
    '',
  );
  for (const v of [...ledger.falseClears, ...ledger.missedRestrictions].slice(0, 10)) {
    out.push(`- ${v.subjectId}: ${v.verdict}, missing [${v.missingSources.join(', ')}] — ${v.why}`);
  }
  for (const e of summary.unexpectedExits) out.push(`- ${e}`);
  const refused = [...ledger.publishes.values(), ...ledger.feedback.values()].filter((w) => w.refused).slice(0, 5);
  for (const w of refused) out.push(`- refused after ${w.attempts} attempt(s): ${w.refused}`);
  if (summary.openWrites > 0) out.push(`- ${summary.openWrites} writes were still unanswered when the drain ended (not counted as lost).`);
  return out.join('\n').trimEnd() + '\n';
}
