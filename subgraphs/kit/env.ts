import { readFileSync } from 'node:fs';

/**
 * Typed access to environment variables. Every setting is read once, at start-up, through these
 * helpers, so a wrong value stops the process with a message that names the variable.
 */

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Secrets read so far: the logger blanks them out of any line that would carry one. */
const secretsRead = new Set<string>();

/** The secret values read through envSecret, for the logger's safety net. */
export function secretValues(): ReadonlySet<string> {
  return secretsRead;
}

/**
 * A secret: the value of `name`, or the content of the file `${name}_FILE` names (as Docker and
 * Kubernetes mount secrets), without its trailing line break. Both set is an error. Messages name
 * the variable and the file, never the value.
 */
export function envSecret(name: string, env: Env = process.env): string | undefined {
  const direct = envOptional(name, env);
  const file = envOptional(`${name}_FILE`, env);
  if (direct !== undefined && file !== undefined) throw new ConfigError(`${name} and ${name}_FILE are both set: set only one of them`);
  let secret = direct;
  if (file !== undefined) {
    try {
      secret = readFileSync(file, 'utf8').replace(/[\r\n]+$/, '');
    } catch (err) {
      throw new ConfigError(`${name}_FILE ${JSON.stringify(file)} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}): expected a file holding the secret`);
    }
    if (secret === '') throw new ConfigError(`${name}_FILE ${JSON.stringify(file)} is empty: expected a file holding the secret`);
  }
  // Short values would blank out ordinary words of the logs; the secrets checked here are longer.
  if (secret !== undefined && secret.length >= 8) secretsRead.add(secret);
  return secret;
}

/** A secret that has a demo value outside production and is required in production (NODE_ENV=production). */
export function envSecretOrDemo(name: string, demo: string, env: Env = process.env): string {
  const secret = envSecret(name, env);
  if (secret !== undefined) return secret;
  if (isProduction(env)) throw new ConfigError(`${name} is not set (nor ${name}_FILE): it is required in production, where no demo value is used`);
  return demo;
}

export function isProduction(env: Env = process.env): boolean {
  return env.NODE_ENV === 'production';
}

/** A setting a process cannot run in production without, and what it is for. */
export interface ProductionSetting {
  name: string;
  purpose: string;
}

/**
 * In production, stops the start-up with one message listing every missing secret of `settings`
 * (set as X or X_FILE) and every other problem given, so an operator fixes them all in one go.
 * Outside production it does nothing.
 */
export function requireProductionSettings(service: string, settings: readonly ProductionSetting[], otherProblems: readonly string[] = [], env: Env = process.env): void {
  if (!isProduction(env)) return;
  const problems = [
    ...settings.filter((s) => envSecret(s.name, env) === undefined).map((s) => `${s.name} (or ${s.name}_FILE) is not set: ${s.purpose}`),
    ...otherProblems,
  ];
  if (problems.length === 0) return;
  throw new ConfigError(`${service} cannot start in production (NODE_ENV=production):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

export function envString(name: string, fallback: string, env: Env = process.env): string {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : raw;
}

export function envOptional(name: string, env: Env = process.env): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

export function envInt(
  name: string,
  fallback: number,
  range: { min?: number; max?: number } = {},
  env: Env = process.env,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not valid: expected a whole number from ${min} to ${max}`);
  }
  return value;
}

export function envBool(name: string, fallback: boolean, env: Env = process.env): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name}=${JSON.stringify(raw)} is not valid: expected true or false`);
}
