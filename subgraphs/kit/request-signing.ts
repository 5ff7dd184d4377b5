import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { CallerHeader } from './caller.js';
import { ConfigError, envBool, envInt, envSecret } from './env.js';

/** Headers that carry the gateway's signature of a subgraph request. */
export const SignatureHeader = { timestamp: 'x-credit-timestamp', signature: 'x-credit-signature' } as const;

const DEMO_SECRET = 'demo-only gateway signing secret: set GATEWAY_SIGNING_SECRET in production';

export interface SigningConfig {
  secret: string;
  /** Requests older or newer than this (ms) are refused, and replays inside it are remembered. */
  windowMs: number;
  /** Whether a subgraph refuses unsigned requests (only switched off to measure a direct-call floor). */
  required: boolean;
}

/**
 * GATEWAY_SIGNING_SECRET or GATEWAY_SIGNING_SECRET_FILE (required when NODE_ENV=production; a demo secret otherwise),
 * SIGNATURE_WINDOW_MS (30000), REQUIRE_GATEWAY_SIGNATURE (true).
 */
export function signingConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SigningConfig {
  const secret = envSecret('GATEWAY_SIGNING_SECRET', env);
  if (!secret && env.NODE_ENV === 'production') throw new ConfigError('GATEWAY_SIGNING_SECRET (or GATEWAY_SIGNING_SECRET_FILE) is not set: it is required in production (at least 32 characters)');
  if (secret && secret.length < 32) throw new ConfigError('GATEWAY_SIGNING_SECRET is too short: expected at least 32 characters');
  return {
    secret: secret ?? DEMO_SECRET,
    windowMs: envInt('SIGNATURE_WINDOW_MS', 30_000, { min: 1000, max: 600_000 }, env),
    required: envBool('REQUIRE_GATEWAY_SIGNATURE', true, env),
  };
}

function material(timestamp: string, method: string, path: string, headers: Record<string, string | undefined>, body: string): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return [timestamp, method.toUpperCase(), path, headers[CallerHeader.client] ?? '', headers[CallerHeader.role] ?? '', headers[CallerHeader.department] ?? '', headers[CallerHeader.matters] ?? '', headers[CallerHeader.requestId] ?? '', bodyHash].join('\n');
}

/** The signature headers for a request whose caller headers are already in `headers`. */
export function signRequest(secret: string, method: string, path: string, headers: Record<string, string>, body: string, now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  const signature = createHmac('sha256', secret).update(material(timestamp, method, path, headers, body)).digest('hex');
  return { [SignatureHeader.timestamp]: timestamp, [SignatureHeader.signature]: signature };
}

/** Checks signatures on the subgraph side: HMAC over method, path, caller, body and time; no replays. */
export class SignatureVerifier {
  private readonly seen = new Map<string, number>();

  constructor(private readonly config: SigningConfig) {}

  /** Null when the request is the gateway's, else why it is refused. */
  refuse(method: string, path: string, headers: IncomingHttpHeaders, body: string, now = Date.now()): string | null {
    if (!this.config.required) return null;
    const timestamp = headers[SignatureHeader.timestamp];
    const signature = headers[SignatureHeader.signature];
    if (typeof timestamp !== 'string' || typeof signature !== 'string') return 'the request is not signed: subgraphs answer only the gateway';
    const at = Number(timestamp);
    if (!Number.isFinite(at) || Math.abs(now - at) > this.config.windowMs) return `the signature's time ${timestamp} is outside the ${this.config.windowMs} ms window`;
    const flat: Record<string, string | undefined> = {};
    for (const name of Object.values(CallerHeader)) flat[name] = headers[name] as string | undefined;
    const expected = createHmac('sha256', this.config.secret).update(material(timestamp, method, path, flat, body)).digest();
    const given = Buffer.from(signature, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'the signature does not match the request';
    this.forgetOld(now);
    if (this.seen.has(signature)) return 'the request was already received: replays are refused';
    this.seen.set(signature, at);
    return null;
  }

  private forgetOld(now: number): void {
    if (this.seen.size < 10_000) return;
    for (const [signature, at] of this.seen) if (now - at > this.config.windowMs) this.seen.delete(signature);
  }
}
