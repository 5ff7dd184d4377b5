/**
 * Memory of the stack's processes: the resident set (VmRSS in /proc/<pid>/status) and the V8 heap
 * in use. The subgraphs and the relay expose no metrics, so every process of the soak's stack is
 * started with Node's diagnostic report on signal (`heapReportEnv`): SIGUSR2 makes it write a
 * JSON report whose `javascriptHeap.usedMemory` is `process.memoryUsage().heapUsed`, read and
 * deleted at once (it lists the environment).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StackHandle } from '../stack-processes.js';

export interface ProcessMemory {
  pid: number | null;
  rssBytes: number | null;
  heapUsedBytes: number | null;
}

/** Process name → its memory. */
export type MemorySample = Map<string, ProcessMemory>;

function rssOf(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export class HeapReports {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'credit-soak-reports-'));

  /** NODE_OPTIONS for the stack's processes: a diagnostic report into `dir` on SIGUSR2. */
  env(): NodeJS.ProcessEnv {
    return { NODE_OPTIONS: [process.env.NODE_OPTIONS, '--report-on-signal', '--report-signal=SIGUSR2', `--report-directory=${this.dir}`].filter(Boolean).join(' ') };
  }

  /** heapUsed of a process of the stack, or null when it wrote no report within 10 s. */
  async heapUsed(pid: number): Promise<number | null> {
    const mine = (f: string) => f.startsWith('report.') && f.includes(`.${pid}.`) && f.endsWith('.json');
    for (const f of readdirSync(this.dir).filter(mine)) rmSync(path.join(this.dir, f), { force: true });
    try {
      process.kill(pid, 'SIGUSR2');
    } catch {
      return null;
    }
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      await sleep(100);
      for (const f of readdirSync(this.dir).filter(mine)) {
        try {
          const report = JSON.parse(readFileSync(path.join(this.dir, f), 'utf8')) as { javascriptHeap?: { usedMemory?: number } };
          rmSync(path.join(this.dir, f), { force: true });
          return report.javascriptHeap?.usedMemory ?? null;
        } catch {
          /* still being written */
        }
      }
    }
    return null;
  }

  async sample(stack: StackHandle): Promise<MemorySample> {
    const pids: [string, number | null][] = [['gateway', stack.gatewayPid], ...Object.entries(stack.services).map(([n, p]) => [n, p.pid] as [string, number]), ['relay', stack.relayPid]];
    const sample: MemorySample = new Map();
    for (const [name, pid] of pids) {
      sample.set(name, pid === null ? { pid, rssBytes: null, heapUsedBytes: null } : { pid, rssBytes: rssOf(pid), heapUsedBytes: await this.heapUsed(pid) });
    }
    return sample;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
