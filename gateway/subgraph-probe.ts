import { Agent, request } from 'undici';
import type { SubgraphTarget } from './subgraph-targets.js';

/** How one subgraph answered its readiness probe. */
export interface SubgraphHealth {
  name: string;
  url: string;
  /** `up`: it answered ready; `down`: it did not; `marked down`: it did not, and an operator said so. */
  status: 'up' | 'down' | 'marked down';
  /** Whether an operator marked it down (SUBGRAPHS_MARKED_DOWN), answering or not. */
  markedDown: boolean;
  /** Round trip of the probe, in milliseconds; null when it got no answer. */
  latencyMs: number | null;
  /** Why it is not up. */
  detail: string | null;
}

/**
 * Probes subgraphs through their `/health/ready` endpoint (next to their GraphQL URL; every
 * subgraph built with the kit has one, and it checks the subgraph's database too). Probes of
 * concurrent callers share one round, so a busy status page does not multiply the load.
 */
export class SubgraphProbe {
  private readonly agent = new Agent({ keepAliveTimeout: 10_000, connections: 4 });
  private inFlight: Promise<SubgraphHealth[]> | null = null;

  constructor(
    private readonly timeoutMs: number,
    private readonly markedDown: ReadonlySet<string>,
    private readonly onProbed: (name: string, up: boolean) => void = () => {},
  ) {}

  probe(targets: readonly SubgraphTarget[]): Promise<SubgraphHealth[]> {
    this.inFlight ??= Promise.all(targets.map((t) => this.probeOne(t))).finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async probeOne(target: SubgraphTarget): Promise<SubgraphHealth> {
    const markedDown = this.markedDown.has(target.name);
    const started = performance.now();
    let detail: string | null = null;
    let latencyMs: number | null = null;
    try {
      const url = new URL('/health/ready', target.url);
      const response = await request(url, { method: 'GET', dispatcher: this.agent, signal: AbortSignal.timeout(this.timeoutMs) });
      await response.body.dump();
      latencyMs = Math.round((performance.now() - started) * 10) / 10;
      if (response.statusCode !== 200) detail = `readiness answered HTTP ${response.statusCode}`;
    } catch (err) {
      const e = err as { name?: string; code?: string; message?: string };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') detail = `no answer within ${this.timeoutMs} ms`;
      else if (e.code === 'ECONNREFUSED') detail = 'connection refused';
      else detail = e.code ?? e.message ?? 'unknown failure';
    }
    const up = detail === null;
    this.onProbed(target.name, up);
    return { name: target.name, url: target.url, status: up ? 'up' : markedDown ? 'marked down' : 'down', markedDown, latencyMs, detail };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
