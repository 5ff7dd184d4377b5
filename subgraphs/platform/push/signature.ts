import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures (信息推送). Every POST carries:
 *   X-Credit-Push-Subscription  the subscription id
 *   X-Credit-Push-Timestamp     Unix time in seconds when it was signed
 *   X-Credit-Push-Signature     `v1=` + hex HMAC-SHA256, keyed with the subscription's secret,
 *                               over `<timestamp>.<raw body>`
 * A receiver recomputes the HMAC over the exact bytes it received, compares in constant time and
 * refuses timestamps too far from its clock (replays).
 */
export const PushHeader = {
  subscription: 'x-credit-push-subscription',
  timestamp: 'x-credit-push-timestamp',
  signature: 'x-credit-push-signature',
} as const;

export function signature(secret: string, timestamp: number | string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The headers of a signed delivery. */
export function signedHeaders(subscriptionId: string, secret: string, body: string, now: Date = new Date()): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    [PushHeader.subscription]: subscriptionId,
    [PushHeader.timestamp]: String(timestamp),
    [PushHeader.signature]: signature(secret, timestamp, body),
  };
}

/**
 * What a receiver does: true when the signature matches the body and the timestamp is within
 * `toleranceSeconds` of now.
 */
export function verifySignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  toleranceSeconds = 300,
  now: Date = new Date(),
): boolean {
  const { timestamp, signature: given } = headers;
  if (!timestamp || !given || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signature(secret, timestamp, body));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
