import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from './processes.js';
import { until } from './wait.js';

/**
 * `npm start` as an operator runs it, in its own process group so that whatever it leaves behind
 * can be cleaned up. Its output (stdout and stderr, the services' log lines included) is kept.
 */
export class NpmStart {
  readonly child: ChildProcess;
  private text = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv) {
    this.child = spawn('npm', ['start', '--silent', '--', ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.text += d));
    this.child.stderr!.on('data', (d: Buffer) => (this.text += d));
    this.exited = new Promise((resolve) => this.child.once('close', (code, signal) => resolve({ code, signal })));
  }

  /** Everything it has written so far. */
  get output(): string {
    return this.text;
  }

  /** Waits until its output matches (from `from` on, a position of `output`); returns the match. */
  async waitFor(pattern: RegExp, what: string, from = 0, timeoutMs = 300_000): Promise<RegExpMatchArray> {
    let exited = false;
    const match = await until(`npm start: ${what}`, async () => {
      exited = this.child.exitCode !== null || this.child.signalCode !== null;
      return this.text.slice(from).match(pattern) ?? (exited ? 'exited' : undefined);
    }, { timeoutMs }).catch((err: Error) => {
      throw new Error(`${err.message}\n--- npm start's output ---\n${this.text.slice(-4000)}`);
    });
    if (match === 'exited') throw new Error(`npm start exited (${this.child.signalCode ?? `code ${this.child.exitCode}`}) before ${what}:\n${this.text.slice(-4000)}`);
    return match;
  }

  /**
   * Ctrl-C as a terminal sends it: SIGINT to the whole foreground process group (npm, its shell,
   * scripts/start.ts and the services it started); resolves when npm start has exited.
   */
  async interrupt(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid) process.kill(-this.child.pid, 'SIGINT');
    return this.exited;
  }

  /** Kills whatever is left of its process group (after a failed test). */
  killGroup(): void {
    try {
      if (this.child.pid) process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
