import { Redis } from 'ioredis';

/** The Redis server tests use: TEST_REDIS_URL, or the local one every machine here runs. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Whether Redis tests should run. In CI they are mandatory: an unreachable server fails them.
 * Elsewhere they are skipped with a visible notice.
 */
export async function redisSkipReason(): Promise<string | false> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return false;
  } catch {
    if (process.env.CI) throw new Error(`Redis at ${TEST_REDIS_URL} is unreachable, and Redis tests are mandatory in CI`);
    const notice = `Redis at ${TEST_REDIS_URL} is unreachable: Redis tests skipped (they are mandatory when CI is set)`;
    console.warn(`NOTICE: ${notice}`);
    return notice;
  } finally {
    redis.disconnect();
  }
}
