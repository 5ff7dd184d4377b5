import { readFileSync } from 'node:fs';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { importSPKI, jwtVerify, type JWTPayload, type KeyLike } from 'jose';
import type { Caller, Role } from '../subgraphs/kit/caller.js';
import { ConfigError, envOptional } from '../subgraphs/kit/env.js';

/** How bearer JWTs are verified: issuer, audience, expiry and an allow-list of algorithms. */
export interface JwtConfig {
  issuer: string;
  audience: string;
  algorithms: string[];
  key: KeyLike | KeyObject | Uint8Array;
}

const ROLES: readonly Role[] = ['APPROVAL_SYSTEM', 'ANALYST', 'DEPARTMENT', 'CREDIT_OFFICE'];
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];

/**
 * JWT_ISSUER, JWT_AUDIENCE and either JWT_PUBLIC_KEY_FILE (PEM, with JWT_ALGORITHMS among RS*, PS*,
 * ES*, EdDSA; default RS256) or JWT_SECRET (HS256, at least 32 characters). Unset: no JWTs.
 */
export async function jwtConfigFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<JwtConfig | null> {
  const issuer = envOptional('JWT_ISSUER', env);
  const audience = envOptional('JWT_AUDIENCE', env);
  const keyFile = envOptional('JWT_PUBLIC_KEY_FILE', env);
  const secret = envOptional('JWT_SECRET', env);
  if (!issuer && !audience && !keyFile && !secret) return null;
  if (!issuer || !audience) throw new ConfigError('JWT_ISSUER and JWT_AUDIENCE are both required to accept JWTs');
  if (keyFile && secret) throw new ConfigError('set JWT_PUBLIC_KEY_FILE or JWT_SECRET, not both');
  if (secret) {
    if (secret.length < 32) throw new ConfigError('JWT_SECRET is too short: expected at least 32 characters');
    return { issuer, audience, algorithms: ['HS256'], key: createSecretKey(Buffer.from(secret, 'utf8')) };
  }
  if (!keyFile) throw new ConfigError('JWT_PUBLIC_KEY_FILE or JWT_SECRET is required to accept JWTs');
  const algorithms = (envOptional('JWT_ALGORITHMS', env) ?? 'RS256').split(',').map((a) => a.trim());
  for (const a of algorithms) if (!ASYMMETRIC.includes(a)) throw new ConfigError(`JWT_ALGORITHMS: ${a} is not accepted with a public key: expected ${ASYMMETRIC.join(', ')}`);
  let pem: string;
  try {
    pem = readFileSync(keyFile, 'utf8');
  } catch (err) {
    throw new ConfigError(`JWT_PUBLIC_KEY_FILE ${keyFile} cannot be read: ${(err as Error).message}`);
  }
  return { issuer, audience, algorithms, key: await importSPKI(pem, algorithms[0]!) };
}

export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/** The caller a verified token names: `sub` is the client id; `role` and `department` are claims. */
export async function callerFromJwt(token: string, config: JwtConfig): Promise<{ caller: Caller } | { reason: string }> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, config.key, { issuer: config.issuer, audience: config.audience, algorithms: config.algorithms, requiredClaims: ['exp', 'sub'] }));
  } catch (err) {
    return { reason: `the token is not accepted: ${(err as Error).message}` };
  }
  const role = payload.role as Role;
  if (!ROLES.includes(role)) return { reason: `the token's role ${JSON.stringify(payload.role)} is not one of ${ROLES.join(', ')}` };
  if (role === 'DEPARTMENT' && typeof payload.department !== 'string') return { reason: 'a DEPARTMENT token needs a department claim' };
  const matters = payload.matters;
  if (role === 'APPROVAL_SYSTEM' && (!Array.isArray(matters) || matters.length === 0 || !matters.every((m) => typeof m === 'string' && /^[A-Z_]{1,40}$/.test(m)))) {
    return { reason: 'an APPROVAL_SYSTEM token needs a matters claim: the list of approval matters it approves' };
  }
  return {
    caller: {
      clientId: payload.sub!,
      role,
      ...(typeof payload.department === 'string' ? { department: payload.department } : {}),
      ...(role === 'APPROVAL_SYSTEM' ? { matters: matters as string[] } : {}),
    },
  };
}
