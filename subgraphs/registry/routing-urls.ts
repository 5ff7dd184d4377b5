/**
 * Which routing URLs a department may publish (and so which URLs the registry fetches and every
 * gateway sends signed requests to). The operator lists them per department in
 * REGISTRY_ALLOWED_URLS: `name=entry,name=entry,…`, a name repeated for several entries, where an
 * entry is a URL prefix (`https://tax.gov.example/graphql`, `http://10.1.0.4:4001/`) or a host
 * (`tax.internal`, `10.1.0.4:4001`: any path on it). Outside production, a department the list
 * does not name may publish a loopback URL (127.0.0.0/8, ::1, localhost) with the path /graphql:
 * the demo runs every service on this machine. In production such a department may publish none.
 *
 * Whatever the list, a routing URL is http or https, without user name, password, query or fragment.
 */
import { ConfigError, envOptional, isProduction } from '../kit/env.js';
import { forbidden } from '../kit/errors.js';

export type AllowEntry = { kind: 'prefix'; prefix: string } | { kind: 'host'; host: string };

export interface RoutingUrlPolicy {
  /** Entries by department; a department without entries gets the demo's loopback rule, or nothing in production. */
  allowed: ReadonlyMap<string, readonly AllowEntry[]>;
  /** Whether loopback URLs are allowed to departments without entries (every environment but production). */
  loopbackDefault: boolean;
}

const VARIABLE = 'REGISTRY_ALLOWED_URLS';

function parseEntry(name: string, raw: string): AllowEntry {
  if (raw.includes('://')) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigError(`${VARIABLE}: ${name}=${raw} is not a URL: expected a prefix such as http://10.1.0.4:4001/graphql or a host such as tax.internal:4001`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${VARIABLE}: ${name}=${raw} is not http or https`);
    if (url.username || url.password || url.search || url.hash) throw new ConfigError(`${VARIABLE}: ${name}=${raw} carries credentials, a query or a fragment: expected a plain URL prefix`);
    return { kind: 'prefix', prefix: url.href };
  }
  if (!/^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(raw)) {
    throw new ConfigError(`${VARIABLE}: ${name}=${raw} is neither a URL prefix nor a host: expected e.g. http://10.1.0.4:4001/graphql or tax.internal:4001`);
  }
  return { kind: 'host', host: raw.toLowerCase() };
}

/** The policy from the environment; a ConfigError names a malformed entry. */
export function routingUrlPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RoutingUrlPolicy {
  const allowed = new Map<string, AllowEntry[]>();
  for (const part of (envOptional(VARIABLE, env) ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = part.indexOf('=');
    const name = part.slice(0, at).trim();
    if (at < 1 || !/^[a-z][a-z0-9_]{1,31}$/.test(name)) throw new ConfigError(`${VARIABLE}: ${JSON.stringify(part)} is not valid: expected name=URL-prefix-or-host, e.g. tax=http://10.1.0.4:4001/graphql`);
    const list = allowed.get(name) ?? [];
    list.push(parseEntry(name, part.slice(at + 1).trim()));
    allowed.set(name, list);
  }
  return { allowed, loopbackDefault: !isProduction(env) };
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function matches(url: URL, entry: AllowEntry): boolean {
  // A host with a port allows that port only; a host without one allows any port.
  if (entry.kind === 'host') return /:\d+$/.test(entry.host) ? url.host === entry.host : url.hostname === entry.host;
  if (!url.href.startsWith(entry.prefix)) return false;
  // A prefix ends at a path boundary: http://h/graphql allows /graphql and /graphql/x, not /graphqlx.
  return entry.prefix.endsWith('/') || url.href.length === entry.prefix.length || url.href[entry.prefix.length] === '/';
}

function refuse(rule: string, message: string): never {
  throw forbidden(`${message} (rule ${rule})`, { rule });
}

/**
 * Throws FORBIDDEN naming the rule when department `name` may not publish `raw` as its routing
 * URL; returns the URL otherwise.
 */
export function checkRoutingUrl(name: string, raw: string, policy: RoutingUrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('registry.routingUrl.form', `url ${JSON.stringify(raw)} is not a URL: expected http(s)://host:port/path`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') refuse('registry.routingUrl.form', `url ${JSON.stringify(raw)} is not http or https`);
  if (url.username || url.password) refuse('registry.routingUrl.form', `url ${JSON.stringify(raw)} carries a user name or password: a routing URL carries no credentials`);
  if (url.search || url.hash || raw.includes('?') || raw.includes('#')) refuse('registry.routingUrl.form', `url ${JSON.stringify(raw)} has a query or fragment: a routing URL is scheme, host, port and path only`);
  const entries = policy.allowed.get(name);
  if (entries) {
    if (entries.some((e) => matches(url, e))) return url;
    const list = entries.map((e) => (e.kind === 'prefix' ? e.prefix : `host ${e.host}`)).join(', ');
    return refuse('registry.routingUrl.allowList', `url ${JSON.stringify(raw)} is not allowed for ${name}: ${VARIABLE} allows ${name} only ${list}`);
  }
  if (!policy.loopbackDefault) {
    return refuse('registry.routingUrl.allowList', `url ${JSON.stringify(raw)} is not allowed for ${name}: ${VARIABLE} names no URL for ${name}, so it may publish none`);
  }
  if (!isLoopback(url.hostname) || url.pathname !== '/graphql') {
    return refuse('registry.routingUrl.loopbackInDemo', `url ${JSON.stringify(raw)} is not allowed for ${name}: without an entry in ${VARIABLE}, a department may publish only http://127.0.0.1:PORT/graphql (a loopback host, path /graphql)`);
  }
  return url;
}
