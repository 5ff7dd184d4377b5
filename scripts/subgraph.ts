/**
 * Publishes, checks and removes subgraphs through the gateway's registry, and lists history:
 *
 *   npm run subgraph -- publish  --name ecology --url http://127.0.0.1:4006/graphql [--sdl FILE] [--force]
 *   npm run subgraph -- check    --name ecology --url http://127.0.0.1:4006/graphql [--sdl FILE]
 *   npm run subgraph -- remove   --name ecology [--force] [--dry-run]
 *   npm run subgraph -- rollback --version 3 [--force] [--dry-run]
 *   npm run subgraph -- history  [--limit 20]
 *
 * Options: --gateway URL (default $GATEWAY_URL, else http://127.0.0.1:4000/graphql), --key KEY
 * (default $CREDIT_KEY, else demo-platform-key). Without --sdl the registry reads the SDL from the URL's _service { sdl }.
 * Exit codes: 0 accepted, 1 refused by a check, 2 bad usage or an error.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const RESULT = 'accepted dryRun forced unchanged version { version action subgraph composedAt } problems { check subgraph message locations operations { clientId operationName lastSeen } }';

function fail(message: string): never {
  console.error(`subgraph: ${message}`);
  process.exit(2);
}

const [command, ...rest] = process.argv.slice(2);
let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' }, url: { type: 'string' }, sdl: { type: 'string' }, version: { type: 'string' }, limit: { type: 'string' },
      force: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, gateway: { type: 'string' }, key: { type: 'string' },
    },
    strict: true,
  }));
} catch (err) {
  fail((err as Error).message);
}
const gateway = (values.gateway as string | undefined) ?? (process.env.GATEWAY_URL || 'http://127.0.0.1:4000/graphql');
const key = (values.key as string | undefined) ?? (process.env.CREDIT_KEY || 'demo-platform-key');
const need = (name: string): string => (typeof values[name] === 'string' ? (values[name] as string) : fail(`${command} needs --${name}`));

async function call(query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(gateway, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
  const json = (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
  if (json.errors?.length) fail(json.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('\n'));
  return json.data;
}

function report(result: any): never {
  const verb = result.dryRun ? 'check' : 'change';
  if (result.accepted && result.unchanged) {
    console.log(`${verb} accepted: unchanged, supergraph version ${result.version.version} stays current (no new version)`);
  } else if (result.accepted) {
    console.log(`${verb} accepted${result.forced ? ' (forced)' : ''}${result.version && !result.dryRun ? `: supergraph version ${result.version.version} (${result.version.action}${result.version.subgraph ? ` ${result.version.subgraph}` : ''})` : ''}`);
  } else {
    console.log(`${verb} refused:`);
  }
  for (const p of result.problems) {
    console.log(`- [${p.check}]${p.subgraph ? ` ${p.subgraph}:` : ''} ${p.message}${p.locations.length ? ` (at ${p.locations.join(', ')})` : ''}`);
    for (const o of p.operations) console.log(`    used by ${o.clientId}: ${o.operationName ?? '(anonymous)'}, last seen ${o.lastSeen}`);
  }
  process.exit(result.accepted ? 0 : 1);
}

try {
  switch (command) {
    case 'publish':
    case 'check': {
      const input = {
        name: need('name'),
        url: need('url'),
        sdl: values.sdl ? readFileSync(values.sdl as string, 'utf8') : null,
        force: Boolean(values.force),
        dryRun: command === 'check',
      };
      report((await call(`mutation($input: PublishSubgraphInput!) { registry { publishSubgraph(input: $input) { ${RESULT} } } }`, { input })).registry.publishSubgraph);
    }
    case 'remove':
      report((await call(`mutation($name: String!, $force: Boolean, $dryRun: Boolean) { registry { removeSubgraph(name: $name, force: $force, dryRun: $dryRun) { ${RESULT} } } }`, { name: need('name'), force: Boolean(values.force), dryRun: Boolean(values['dry-run']) })).registry.removeSubgraph);
    case 'rollback':
      report((await call(`mutation($version: Int!, $force: Boolean, $dryRun: Boolean) { registry { rollback(version: $version, force: $force, dryRun: $dryRun) { ${RESULT} } } }`, { version: Number(need('version')), force: Boolean(values.force), dryRun: Boolean(values['dry-run']) })).registry.rollback);
    case 'history': {
      const data = await call(`query($limit: Int) { registry { history(limit: $limit) { version action subgraph forced publishedBy composedAt subgraphs { name sdlHash } } } }`, { limit: Number(values.limit ?? 20) });
      for (const v of data.registry.history) {
        console.log(`${String(v.version).padStart(4)}  ${v.composedAt}  ${v.action.padEnd(9)} ${(v.subgraph ?? '').padEnd(10)} by ${v.publishedBy}${v.forced ? ' (forced)' : ''}  [${v.subgraphs.map((s: any) => `${s.name}@${s.sdlHash.slice(0, 8)}`).join(' ')}]`);
      }
      process.exit(0);
    }
    default:
      fail(`unknown command ${JSON.stringify(command ?? '')}: expected publish, check, remove, rollback or history`);
  }
} catch (err) {
  fail((err as Error).message);
}
