import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
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

/**
 * The signed fields before the body, one a line; the body follows, so it is hashed once, by the HMAC
 * itself. The first line names the subgraph the request is meant for: a request signed for tax and
 * captured on the way is refused by every other subgraph, which checks it against its own name.
 */
function header(subgraph: string, timestamp: string, method: string, path: string, headers: Record<string, string | undefined>): string {
  return `${subgraph}\n${timestamp}\n${method.toUpperCase()}\n${path}\n${headers[CallerHeader.client] ?? ''}\n${headers[CallerHeader.role] ?? ''}\n${headers[CallerHeader.department] ?? ''}\n${headers[CallerHeader.matters] ?? ''}\n${headers[CallerHeader.requestId] ?? ''}\n`;
}

/** What a subgraph name looks like (the names of the supergraph's `join__Graph`). */
const SUBGRAPH_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

/** Secrets as key objects, made once: an HMAC over a prepared key skips re-deriving it per request. */
const keys = new Map<string, KeyObject>();
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
}

function mac(secret: string, subgraph: string, timestamp: string, method: string, path: string, headers: Record<string, string | undefined>, body: string) {
  return createHmac('sha256', keyOf(secret)).update(header(subgraph, timestamp, method, path, headers)).update(body);
}

/**
 * The signature headers for a request to `subgraph` (its name in the supergraph, e.g. `tax`) whose
 * caller headers are already in `headers`. Only that subgraph accepts it.
 */
export function signRequest(secret: string, subgraph: string, method: string, path: string, headers: Record<string, string>, body: string, now = Date.now()): Record<string, string> {
  if (!SUBGRAPH_NAME.test(subgraph)) throw new Error(`cannot sign for subgraph ${JSON.stringify(subgraph)}: expected a subgraph name such as tax`);
  const timestamp = String(now);
  const signature = mac(secret, subgraph, timestamp, method, path, headers, body).digest('hex');
  return { [SignatureHeader.timestamp]: timestamp, [SignatureHeader.signature]: signature };
}

/**
 * Checks signatures on the subgraph side: HMAC over the subgraph's own name, method, path, caller,
 * body and time; no replays.
 */
export class SignatureVerifier {
  private readonly seen = new Map<string, number>();

  /** `subgraph`: the name of the subgraph verifying, the only one a signature it accepts was made for. */
  constructor(private readonly config: SigningConfig, private readonly subgraph: string) {
    if (!SUBGRAPH_NAME.test(subgraph)) throw new Error(`subgraph name ${JSON.stringify(subgraph)} is not valid: expected lower-case letters, digits, - or _`);
  }

  /** Null when the request is the gateway's, else why it is refused. */
  refuse(method: string, path: string, headers: IncomingHttpHeaders, body: string, now = Date.now()): string | null {
    if (!this.config.required) return null;
    const timestamp = headers[SignatureHeader.timestamp];
    const signature = headers[SignatureHeader.signature];
    if (typeof timestamp !== 'string' || typeof signature !== 'string') return 'the request is not signed: subgraphs answer only the gateway';
    const at = Number(timestamp);
    if (!Number.isFinite(at) || Math.abs(now - at) > this.config.windowMs) return `the signature's time ${timestamp} is outside the ${this.config.windowMs} ms window`;
    // Caller headers are single-valued; `header` reads only those.
    const expected = mac(this.config.secret, this.subgraph, timestamp, method, path, headers as Record<string, string | undefined>, body).digest();
    const given = Buffer.from(signature, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return `the signature does not match the request: it is not the gateway's signature of this request to ${this.subgraph}`;
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
