/**
 * A small progress bar on stderr: on a terminal one line redrawn in place (bar, %, subjects/s,
 * ETA); otherwise (CI, a log file) one line per 10 %.
 */

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export class Progress {
  private readonly started = performance.now();
  private lastDraw = 0;
  private lastDecile = 0;
  private readonly tty: boolean;

  constructor(
    private readonly total: number,
    private readonly unit = 'subjects',
    private readonly stream: ProgressStream = process.stderr,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  update(done: number): void {
    const now = performance.now();
    const elapsed = now - this.started;
    const fraction = this.total === 0 ? 1 : Math.min(1, done / this.total);
    const rate = elapsed > 0 ? (done / elapsed) * 1000 : 0;
    const eta = rate > 0 ? ((this.total - done) / rate) * 1000 : Number.NaN;
    const pct = `${(fraction * 100).toFixed(1).padStart(5)} %`;
    const stats = `${formatCount(done)}/${formatCount(this.total)} ${this.unit}  ${formatCount(Math.round(rate))}/s  ETA ${Number.isNaN(eta) ? '–' : formatDuration(eta)}`;
    if (this.tty) {
      if (now - this.lastDraw < 100 && done < this.total) return;
      this.lastDraw = now;
      const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - stats.length - 14));
      const filled = Math.round(fraction * width);
      this.stream.write(`\r[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${pct}  ${stats}\x1b[K`);
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile > this.lastDecile) {
      this.lastDecile = decile;
      this.stream.write(`seed: ${pct}  ${stats}\n`);
    }
  }

  /** Ends the redrawn line so later output starts on a fresh one. */
  finish(): void {
    if (this.tty) this.stream.write('\n');
  }
}
