/**
 * The gateway's clients and API keys in the registry database (what the gateway reads with
 * CLIENTS_SOURCE=database, and with the demo source beside the demo keys, as `npm start` runs it;
 * a revoked key or a disabled client is refused within CLIENTS_REFRESH_MS).
 *
 *   npm run clients -- add --client ID --role ROLE [--department D] [--matters A,B] [--label L] [--update]
 *   npm run clients -- issue-key --client ID [--expires YYYY-MM-DD | ISO time | never] [--quiet]   (default: in one year; --quiet prints only the key)
 *   npm run clients -- revoke-key --client ID (--key-prefix HEX | --sha256 HEX)
 *   npm run clients -- list
 *   npm run clients -- disable --client ID
 *   npm run clients -- import --file clients.json [--update]                              (the CLIENTS_FILE format)
 *
 * Keys are stored as their SHA-256 only: `issue-key` prints the new key once, and `list` shows
 * the first 12 characters of each hash, never more. Each change is one transaction: a refused one
 * writes nothing. `add` of the same definition again changes nothing; a different definition under
 * the same id needs --update. The database is the registry's (DATABASE_URL, DATABASE_PREFIX, DATA_DIR).
 * Exit status: 0 done, 1 refused or failed, 2 bad input.
 */
import { parseArgs } from 'node:util';
import { ClientChangeRefused, ClientStore, type StoredClient } from '../gateway/client-store.js';
import { checkClient, loadClientsFile } from '../gateway/clients.js';
import { databaseConfigFromEnv, redactUrl, type DatabaseConfig } from '../subgraphs/kit/database.js';
import { ConfigError } from '../subgraphs/kit/env.js';

const DEFAULT_KEY_DAYS = 365;
const USAGE = `usage: npm run clients -- <command> [options]
  add --client ID --role ROLE [--department D] [--matters A,B] [--label L] [--update]
  issue-key --client ID [--expires YYYY-MM-DD | ISO time | never] [--quiet]   (default: in ${DEFAULT_KEY_DAYS} days; --quiet: only the key on stdout)
  revoke-key --client ID (--key-prefix HEX | --sha256 HEX)
  list
  disable --client ID
  import --file clients.json [--update]`;
const COMMANDS = ['add', 'issue-key', 'revoke-key', 'list', 'disable', 'import'] as const;
type Command = (typeof COMMANDS)[number];
const SHOWN_HASH = 12;

/** Input that is wrong before anything is read or written: exit status 2. */
class BadInput extends Error {
  override name = 'BadInput';
}

const OPTIONS = {
  client: { type: 'string' },
  role: { type: 'string' },
  department: { type: 'string' },
  matters: { type: 'string' },
  label: { type: 'string' },
  update: { type: 'boolean' },
  expires: { type: 'string' },
  'key-prefix': { type: 'string' },
  sha256: { type: 'string' },
  file: { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

/** Which options each command takes; any other is refused. */
const ALLOWED: Record<Command, readonly (keyof typeof OPTIONS)[]> = {
  add: ['client', 'role', 'department', 'matters', 'label', 'update'],
  'issue-key': ['client', 'expires', 'quiet'],
  'revoke-key': ['client', 'key-prefix', 'sha256'],
  list: [],
  disable: ['client'],
  import: ['file', 'update'],
};

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

function parse(argv: readonly string[]): { command: Command; values: Values } {
  const [command, ...rest] = argv;
  if (!COMMANDS.includes(command as Command)) throw new BadInput(`${command === undefined ? 'no command given' : `unknown command ${JSON.stringify(command)}`}: expected one of ${COMMANDS.join(', ')}\n${USAGE}`);
  let values: Values;
  try {
    ({ values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new BadInput(`${command}: ${(err as Error).message}`);
  }
  const allowed = ALLOWED[command as Command];
  for (const name of Object.keys(values)) {
    if (!allowed.includes(name as keyof typeof OPTIONS)) throw new BadInput(`${command} does not take --${name}: it takes ${allowed.length ? allowed.map((o) => `--${o}`).join(', ') : 'no options'}`);
  }
  return { command: command as Command, values };
}

function required(values: Values, command: Command, name: 'client' | 'role' | 'file'): string {
  const value = values[name];
  if (!value) throw new BadInput(`${command} needs --${name}`);
  return value;
}

/**
 * `--expires`: a date (the key stops working at 00:00 UTC that day), an ISO 8601 time with its
 * zone, or `never`; it must lie in the future.
 */
function parseExpiry(raw: string | undefined, now = new Date()): string | null {
  if (raw === undefined) return new Date(now.getTime() + DEFAULT_KEY_DAYS * 86_400_000).toISOString();
  if (raw === 'never') return null;
  const expected = 'expected a date YYYY-MM-DD (the key stops working at 00:00 UTC that day), an ISO 8601 time with its zone such as 2027-06-30T16:00:00Z, or never';
  let at: Date;
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    at = new Date(`${raw}T00:00:00.000Z`);
    if (Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== raw) throw new BadInput(`--expires ${JSON.stringify(raw)} is not a date of the calendar: ${expected}`);
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw) && !Number.isNaN(Date.parse(raw))) {
    at = new Date(raw);
  } else {
    throw new BadInput(`--expires ${JSON.stringify(raw)} is not valid: ${expected}`);
  }
  if (at.getTime() <= now.getTime()) throw new BadInput(`--expires ${raw} is in the past: expected a later date`);
  return at.toISOString();
}

function keyMatch(values: Values): { sha256: string } | { prefix: string } {
  const prefix = values['key-prefix'];
  const sha256 = values.sha256;
  if ((prefix === undefined) === (sha256 === undefined)) throw new BadInput('revoke-key needs either --key-prefix (the start of the key\'s hash, as list shows it) or --sha256 (the whole hash)');
  if (sha256 !== undefined) {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new BadInput(`--sha256 ${JSON.stringify(sha256)} is not valid: expected the 64 lower-case hex characters of the key's SHA-256`);
    return { sha256 };
  }
  if (!/^[0-9a-f]{8,64}$/.test(prefix!)) throw new BadInput(`--key-prefix ${JSON.stringify(prefix)} is not valid: expected at least 8 lower-case hex characters of the key's hash, as list shows it`);
  return { prefix: prefix! };
}

function describeDatabase(config: DatabaseConfig): string {
  return config.engine === 'sqlite' ? `SQLite ${config.file}` : `MySQL ${redactUrl(config.serverUrl)}, database ${config.database}`;
}

function keyState(key: StoredClient['keys'][number], now: number): string {
  if (key.revokedAt) return `revoked ${key.revokedAt}`;
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return `expired ${key.expiresAt}`;
  return `active, expires ${key.expiresAt ?? 'never'}`;
}

function printList(clients: readonly StoredClient[]): void {
  const now = Date.now();
  if (clients.length === 0) console.log('no clients: add one with add --client ID --role ROLE');
  for (const c of clients) {
    let problem = '';
    try {
      checkClient({ clientId: c.clientId, role: c.role, department: c.department, matters: c.matters, label: c.label }, 'stored', (name) => name);
    } catch (err) {
      problem = `  INVALID, refused by the gateway: ${(err as Error).message}`;
    }
    const matters = Array.isArray(c.matters) ? ` matters ${c.matters.join(',')}` : '';
    console.log(`${c.clientId}  ${c.role}${c.department ? ` ${c.department}` : ''}${matters}  ${JSON.stringify(c.label)}  ${c.disabledAt ? `DISABLED ${c.disabledAt}` : 'enabled'}${problem}`);
    if (c.keys.length === 0) console.log('    no keys: issue one with issue-key');
    for (const k of c.keys) console.log(`    key ${k.sha256.slice(0, SHOWN_HASH)}…  issued ${k.createdAt}  ${keyState(k, now)}`);
  }
}

async function run(argv: readonly string[]): Promise<void> {
  if (['help', '--help', '-h'].includes(argv[0] ?? '')) {
    console.log(USAGE);
    return;
  }
  const { command, values } = parse(argv);
  // Every input is checked before the database is opened: bad input writes nothing.
  const input = (() => {
    switch (command) {
      case 'add': {
        const client = checkClient(
          {
            clientId: required(values, command, 'client'),
            role: required(values, command, 'role'),
            department: values.department,
            matters: values.matters?.split(',').map((m) => m.trim()).filter(Boolean),
            label: values.label,
          },
          'add',
          (name) => (name === 'clientId' ? '--client' : `--${name}`),
        );
        return { command, client, update: values.update === true } as const;
      }
      case 'issue-key':
        return { command, clientId: required(values, command, 'client'), expiresAt: parseExpiry(values.expires), quiet: values.quiet === true } as const;
      case 'revoke-key':
        return { command, clientId: required(values, command, 'client'), match: keyMatch(values) } as const;
      case 'disable':
        return { command, clientId: required(values, command, 'client') } as const;
      case 'import':
        return { command, clients: loadClientsFile(required(values, command, 'file')), update: values.update === true } as const;
      case 'list':
        return { command } as const;
    }
  })();

  const database = databaseConfigFromEnv('registry');
  const store = await ClientStore.open(database);
  try {
    switch (input.command) {
      case 'add': {
        const change = await store.add(input.client, { update: input.update });
        console.log(`client ${input.client.clientId} ${change === 'unchanged' ? 'already defined so: nothing changed' : change} (${describeDatabase(database)})`);
        break;
      }
      case 'issue-key': {
        const issued = await store.issueKey(input.clientId, input.expiresAt);
        if (input.quiet) {
          // For a script (KEY=$(npm run -s clients -- issue-key … --quiet)): the key alone on stdout, what it is on stderr.
          console.error(`key ${issued.sha256.slice(0, SHOWN_HASH)}… issued to ${input.clientId}, expires ${issued.expiresAt ?? 'never'}; only its hash is stored`);
          console.log(issued.key);
          break;
        }
        console.log(`key ${issued.sha256.slice(0, SHOWN_HASH)}… issued to ${input.clientId}, expires ${issued.expiresAt ?? 'never'} (${describeDatabase(database)}):\n`);
        console.log(`    ${issued.key}\n`);
        console.log('Hand it to the client now: only its hash is stored, it cannot be shown again.');
        break;
      }
      case 'revoke-key': {
        const revoked = await store.revokeKey(input.clientId, input.match);
        console.log(`key ${revoked.sha256.slice(0, SHOWN_HASH)}… of ${input.clientId} ${revoked.already ? `was already revoked on ${revoked.revokedAt}: nothing changed` : `revoked; gateways refuse it from their next refresh (CLIENTS_REFRESH_MS)`}`);
        break;
      }
      case 'disable': {
        const disabled = await store.disable(input.clientId);
        console.log(`client ${input.clientId} ${disabled.already ? `was already disabled on ${disabled.disabledAt}: nothing changed` : 'disabled; gateways refuse its keys from their next refresh (CLIENTS_REFRESH_MS)'}`);
        break;
      }
      case 'import': {
        const counts = await store.importClients(input.clients, { update: input.update });
        const line = (c: Record<string, number>) => `${c.added} added, ${c.updated} updated, ${c.unchanged} unchanged`;
        console.log(`imported into ${describeDatabase(database)}: clients ${line(counts.clients)}; keys ${line(counts.keys)}`);
        break;
      }
      case 'list':
        console.log(`clients in ${describeDatabase(database)}:`);
        printList(await store.load());
        break;
    }
  } finally {
    await store.close();
  }
}

// `npm run clients -- list | head` closes stdout early: that is not a failure.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});

try {
  await run(process.argv.slice(2));
} catch (err) {
  const bad = err instanceof BadInput || err instanceof ConfigError;
  console.error(`clients: ${(err as Error).message}${bad || err instanceof ClientChangeRefused ? '\nnothing was written' : ''}`);
  process.exitCode = bad ? 2 : 1;
}
