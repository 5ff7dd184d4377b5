/**
 * A pull subscriber of the information push, subscribed to everything from the start of the load:
 * reads the feed through the gateway, acknowledges each page, and remembers when each record's
 * PUBLISHED entry first arrived, so the soak can tell whether every acknowledged publication was
 * pushed, once, and how long the relay took to catch up after its restart.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { acknowledged, postGraphQL } from './graphql.js';
import { ACK, FEED, KEYS, SUBSCRIBE } from './operations.js';

interface FeedEntry {
  seq: number;
  department: string;
  kind: string;
  record: { id: string; version: number; decisionNo: string };
}

const PAGE = 500;
const PAUSE_MS = 250;

export class FeedReader {
  /** Feed reads and acknowledgements sent, and those that failed (retried on the next round). */
  reads = 0;
  failedReads = 0;
  /** Record id → the seqs of its PUBLISHED entries (a seq handed out again before its acknowledgement counts once). */
  readonly published = new Map<string, Set<number>>();
  /** Record id → when its PUBLISHED entry first arrived (performance.now()). */
  readonly firstSeen = new Map<string, number>();
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  private constructor(
    private readonly gatewayUrl: string,
    private readonly subscriptionId: string,
    private readonly timeoutMs: number,
  ) {}

  /** Subscribes (from now on) as the demo approval system. */
  static async subscribe(gatewayUrl: string, timeoutMs: number): Promise<FeedReader> {
    const answer = await postGraphQL(gatewayUrl, KEYS.approval, SUBSCRIBE, {}, timeoutMs);
    if (!acknowledged(answer)) throw new Error(`subscribing to the push feed failed: ${JSON.stringify(answer.errors ?? answer.failure)}`);
    return new FeedReader(gatewayUrl, answer.data.platform.subscribe.id as string, timeoutMs);
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Whether every one of these record ids has arrived; polls until `timeoutMs`. Returns when it was so, or null. */
  async waitFor(recordIds: readonly string[], timeoutMs: number): Promise<number | null> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (recordIds.every((id) => this.firstSeen.has(id))) return Math.max(0, ...recordIds.map((id) => this.firstSeen.get(id)!));
      if (performance.now() > deadline) return null;
      await sleep(100);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      const more = await this.readPage();
      if (!more) await sleep(PAUSE_MS);
    }
  }

  /** One page: read, remember, acknowledge. True when more is waiting. */
  private async readPage(): Promise<boolean> {
    this.reads++;
    const page = await postGraphQL(this.gatewayUrl, KEYS.approval, FEED, { s: this.subscriptionId, n: PAGE }, this.timeoutMs);
    if (!acknowledged(page)) {
      this.failedReads++;
      return false;
    }
    const feed = page.data.platform.feed as { cursor: number; hasMore: boolean; entries: FeedEntry[] };
    const now = performance.now();
    for (const e of feed.entries) {
      if (e.kind !== 'PUBLISHED') continue;
      let seqs = this.published.get(e.record.id);
      if (!seqs) this.published.set(e.record.id, (seqs = new Set()));
      seqs.add(e.seq);
      if (!this.firstSeen.has(e.record.id)) this.firstSeen.set(e.record.id, now);
    }
    if (feed.entries.length === 0) return false;
    this.reads++;
    const ack = await postGraphQL(this.gatewayUrl, KEYS.approval, ACK, { s: this.subscriptionId, q: feed.cursor }, this.timeoutMs);
    if (!acknowledged(ack)) {
      this.failedReads++;
      return false;
    }
    return feed.hasMore;
  }
}
