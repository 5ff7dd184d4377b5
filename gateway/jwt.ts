import { readFileSync } from 'node:fs';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { importSPKI, jwtVerify, type JWTPayload, type KeyLike } from 'jose';
import type { Caller, Role } from '../subgraphs/kit/caller.js';
import { ConfigError, envOptional, envSecret } from '../subgraphs/kit/env.js';

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
 * What is inconsistent in the JWT settings (empty when they are unset or complete): JWTs need
 * JWT_ISSUER, JWT_AUDIENCE and one key, JWT_PUBLIC_KEY_FILE or JWT_SECRET (or JWT_SECRET_FILE).
 */
export function jwtSettingsProblems(env: NodeJS.ProcessEnv = process.env): string[] {
  const set = (name: string) => envOptional(name, env) !== undefined;
  const secret = set('JWT_SECRET') || set('JWT_SECRET_FILE');
  const given = ['JWT_ISSUER', 'JWT_AUDIENCE', 'JWT_PUBLIC_KEY_FILE', 'JWT_SECRET', 'JWT_SECRET_FILE', 'JWT_ALGORITHMS'].filter(set);
  if (given.length === 0) return [];
  const problems: string[] = [];
  const missing = ['JWT_ISSUER', 'JWT_AUDIENCE'].filter((name) => !set(name));
  if (!set('JWT_PUBLIC_KEY_FILE') && !secret) missing.push('a key (JWT_PUBLIC_KEY_FILE or JWT_SECRET)');
  if (missing.length > 0) problems.push(`the JWT settings are incomplete: ${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing (or unset every JWT_ variable to accept API keys only)`);
  if (set('JWT_PUBLIC_KEY_FILE') && secret) problems.push('set JWT_PUBLIC_KEY_FILE or JWT_SECRET, not both');
  return problems;
}

/**
 * JWT_ISSUER, JWT_AUDIENCE and either JWT_PUBLIC_KEY_FILE (PEM, with JWT_ALGORITHMS among RS*, PS*,
 * ES*, EdDSA; default RS256) or JWT_SECRET / JWT_SECRET_FILE (HS256, at least 32 characters).
 * Unset: no JWTs.
 */
export async function jwtConfigFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<JwtConfig | null> {
  const problems = jwtSettingsProblems(env);
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  const issuer = envOptional('JWT_ISSUER', env);
  const audience = envOptional('JWT_AUDIENCE', env);
  const keyFile = envOptional('JWT_PUBLIC_KEY_FILE', env);
  const secret = envSecret('JWT_SECRET', env);
  // Nothing set at all (a partial setting is one of the problems above): API keys only.
  if (!issuer || !audience) return null;
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

/**
 * A verification failure's message, cleared of any part of the token: the reason goes back to the
 * client and into logs, and must not carry a credential.
 */
function withoutToken(message: string, token: string): string {
  let out = message;
  for (const part of [token, ...token.split('.')]) if (part.length >= 8) out = out.split(part).join('[token]');
  return out;
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
    return { reason: `the token is not accepted: ${withoutToken((err as Error).message, token)}` };
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
