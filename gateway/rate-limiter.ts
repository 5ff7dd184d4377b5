import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { createLogger } from '../subgraphs/kit/logger.js';

const log = createLogger('gateway');

/** A token bucket per key: `perMinute` requests a minute on average, bursts up to `burst`. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly burst: number = perMinute,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes one token; returns 0 when allowed, else the seconds to wait. */
  take(key: string, now = Date.now()): number {
    const rate = this.perMinute / 60_000;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / rate / 1000);
  }
}

/**
 * The address a public request counts against: the connection's, or — when the connection comes
 * from a trusted proxy (HAProxy, an ingress) — the last address that proxy appended to
 * X-Forwarded-For. Addresses earlier in the header are the client's own word and never trusted.
 */
export function clientAddress(remote: string | undefined, forwardedFor: string | string[] | undefined, trustedProxies: ReadonlySet<string>): string {
  const address = remote ?? 'unknown';
  if (!trustedProxies.has(address) || forwardedFor === undefined) return address;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  const last = header.split(',').map((a) => a.trim()).filter(Boolean).at(-1);
  return last ?? address;
}

/** A limit's store (Redis) could not be asked and the limit fails closed: the request is refused with 503. */
export class LimitStoreUnavailableError extends Error {
  override name = 'LimitStoreUnavailableError';
  constructor(readonly limit: string, readonly retryAfterSeconds: number) {
    super(`the ${limit} rate limit cannot be checked (its store is unreachable): retry in ${retryAfterSeconds} s`);
  }
}

/** What a request limit does when Redis does not answer. */
export type RedisFailureMode =
  /** Falls back to this gateway's own memory: the limit holds per gateway, not across them. */
  | 'open'
  /** Refuses every request (503 with retry-after) until Redis answers again. */
  | 'closed';

/** A limit on requests per key; `take` resolves the seconds to wait (0: allowed). */
export interface RequestLimit {
  take(key: string): Promise<number>;
}

/** The limit as this gateway's memory keeps it (the default, and what `open` falls back to). */
export function memoryLimit(perMinute: number, burst: number = perMinute): RequestLimit {
  const limiter = new RateLimiter(perMinute, burst);
  return { take: async (key) => limiter.take(key) };
}

export interface SharedLimitOptions {
  /** Name in keys, logs and errors: `public`, `client`. */
  name: string;
  perMinute: number;
  /** Largest burst; the shared limit counts in windows of `burst` requests (at least a second). */
  burst: number;
  onRedisFailure: RedisFailureMode;
  /** Key prefix in Redis, so that several deployments may share one server. */
  prefix: string;
}

/**
 * One limit shared by every gateway through Redis (rate-limiter-flexible's atomic counter per key
 * and window). Windows are `burst` requests long, so the average is `perMinute` and a key never
 * gets more than `burst` in a window — what the in-memory token bucket allows, counted in windows.
 * When Redis does not answer within its command timeout the limit fails as `onRedisFailure` says.
 */
export function sharedLimit(redis: Redis, options: SharedLimitOptions): RequestLimit {
  const points = Math.max(1, Math.min(options.burst, options.perMinute));
  const duration = Math.max(1, Math.round((points / options.perMinute) * 60));
  const insurance = options.onRedisFailure === 'open' ? new RateLimiterMemory({ points, duration }) : undefined;
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${options.prefix}:${options.name}`,
    points,
    duration,
    rejectIfRedisNotReady: true,
    insuranceLimiter: insurance,
  });
  let failing = false;
  const noteFailure = (err: unknown): void => {
    if (failing) return;
    failing = true;
    log.warn('rate limit store unreachable', { limit: options.name, failMode: options.onRedisFailure, err });
  };
  return {
    async take(key) {
      try {
        await limiter.consume(key, 1);
        if (failing && redis.status === 'ready') {
          failing = false;
          log.info('rate limit store answers again', { limit: options.name });
        }
        return 0;
      } catch (outcome) {
        if (outcome instanceof RateLimiterRes) {
          // With an insurance limiter, a refusal may come from memory while Redis is down.
          if (insurance && redis.status !== 'ready') noteFailure(new Error(`redis ${redis.status}`));
          return Math.max(1, Math.ceil(outcome.msBeforeNext / 1000));
        }
        noteFailure(outcome);
        throw new LimitStoreUnavailableError(options.name, duration);
      }
    },
  };
}

/** Where the shared limits live (RATE_LIMIT_REDIS_URL); null keeps them in each gateway's memory. */
export interface RateLimitStoreConfig {
  url: string;
  /** RATE_LIMIT_REDIS_PREFIX, `credit:ratelimit` by default. */
  prefix: string;
}

/** The two limits of a gateway, and how to let go of their store. */
export interface GatewayLimits {
  /** Per address on /public/graphql and /public: fails closed when Redis is down. */
  public: RequestLimit;
  /** Per client on /graphql: fails open to each gateway's memory when Redis is down. */
  client: RequestLimit;
  close(): Promise<void>;
}

/** How long a Redis command may take before the limit counts Redis as down for that request. */
const REDIS_COMMAND_TIMEOUT_MS = 250;

/**
 * The gateway's limits: in memory without a store; shared through Redis with one. The public
 * endpoint fails closed (it has no key, and a limit that silently multiplies by the number of
 * gateways is what scraping the lists would wait for); clients fail open, because a check that
 * does not answer stops an approval office, and each gateway still applies the limit in memory.
 */
export async function gatewayLimits(publicPerMinute: number, clientPerMinute: number, store: RateLimitStoreConfig | null): Promise<GatewayLimits> {
  const clientBurst = Math.max(10, Math.ceil(clientPerMinute / 10));
  if (!store) {
    return { public: memoryLimit(publicPerMinute), client: memoryLimit(clientPerMinute, clientBurst), close: async () => {} };
  }
  const redis = new Redis(store.url, {
    lazyConnect: true,
    connectTimeout: 2000,
    enableOfflineQueue: false,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  // ioredis reports every failed reconnection; the limits log the change of state once.
  redis.on('error', () => {});
  // The first connection is waited for, so a gateway that starts with Redis up limits from its first request.
  await redis.connect().catch((err: unknown) => log.warn('rate limit store unreachable at start: public requests are refused until it answers, clients are limited per gateway', { err }));
  return {
    public: sharedLimit(redis, { name: 'public', perMinute: publicPerMinute, burst: publicPerMinute, onRedisFailure: 'closed', prefix: store.prefix }),
    client: sharedLimit(redis, { name: 'client', perMinute: clientPerMinute, burst: clientBurst, onRedisFailure: 'open', prefix: store.prefix }),
    close: async () => {
      redis.disconnect();
    },
  };
}
