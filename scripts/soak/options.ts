/** Command line of `npm run soak`. */
import { parseArgs } from 'node:util';
import { DEPARTMENTS } from '../../subgraphs/services.js';
import { FAULT_KINDS, type FaultKind } from './faults.js';
import type { Department } from './operations.js';

export interface SoakOptions {
  rate: number;
  minutes: number;
  subjects: number;
  portBase: number;
  dbPrefix: string;
  kill: Department;
  pause: Department;
  faults: FaultKind[];
  keepData: boolean;
  verbose: boolean;
}

export const USAGE = `Usage: npm run soak -- [options]

Resilience under load: seeds its own MySQL databases, starts the stack as separate processes
(gateway, subgraphs, push relay) on its own ports, sends checks, publications and feedback at a
fixed rate while it kills and restarts a department, pauses another past the gateway's timeout,
restarts the MySQL server and kills the push relay; then counts rows against acknowledged
requests. Prints a table, also written to bench-results/soak-latest.md. Exit code 1 when a
correctness figure is not zero, 2 on bad options or a missing MySQL server.

MySQL: with the restart fault, a private MariaDB server of the soak's own in a temporary folder
(port base + 90; /usr/sbin/mariadbd and mariadb-install-db needed), stopped and started by the
fault and deleted at the end: the machine's shared server is never restarted. Without the restart
(or without MariaDB's binaries, when the restart is skipped): DATABASE_URL (default
mysql://root@127.0.0.1:3306).

Options:
  --rate N              requests a second (first attempts; retries come on top), default 20
  --minutes M           length of the load, at least 1, default 10
  --subjects N          demo subjects to seed, default 2000
  --port-base N         gateway port; the subgraphs take the next ones (default 4600)
  --db-prefix P         MySQL database prefix, dropped and seeded afresh (default soak_; not credit_)
  --kill DEPARTMENT     department killed with SIGKILL and restarted (default courts)
  --pause DEPARTMENT    department stopped with SIGSTOP past the timeout (default tax)
  --faults LIST         which faults, in this order: kill,pause,mysql,relay (default all four)
  --no-mysql-restart    leave the MySQL server alone (the same as leaving mysql out of --faults)
  --keep-data           keep the soak's databases afterwards (dropped by default)
  --verbose             the stack's own output on this terminal
  -h, --help            show this help

npm run soak -- --cluster [--help]: the failover run behind HAProxy instead (its own options).`;

export class UsageError extends Error {
  override name = 'UsageError';
}

function number(option: string, raw: string, min: number, max: number, integer: boolean): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${option} ${JSON.stringify(raw)} is not valid: expected ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}

function department(option: string, raw: string): Department {
  if (!(DEPARTMENTS as readonly string[]).includes(raw)) throw new UsageError(`--${option} ${JSON.stringify(raw)} is not a department: expected one of ${DEPARTMENTS.join(', ')}`);
  return raw as Department;
}

function faultList(raw: string): FaultKind[] {
  const names = raw.split(',').map((f) => f.trim()).filter(Boolean);
  const bad = names.find((f) => !(FAULT_KINDS as readonly string[]).includes(f));
  if (bad !== undefined) throw new UsageError(`--faults: ${JSON.stringify(bad)} is not a fault: expected some of ${FAULT_KINDS.join(', ')}`);
  if (new Set(names).size !== names.length) throw new UsageError(`--faults ${JSON.stringify(raw)} names a fault twice`);
  return names as FaultKind[];
}

/** Parses the options; null when help was asked for. */
export function parseSoakOptions(argv: readonly string[]): SoakOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        rate: { type: 'string', default: '20' },
        minutes: { type: 'string', default: '10' },
        subjects: { type: 'string', default: '2000' },
        'port-base': { type: 'string', default: '4600' },
        'db-prefix': { type: 'string', default: 'soak_' },
        kill: { type: 'string', default: 'courts' },
        pause: { type: 'string', default: 'tax' },
        faults: { type: 'string', default: FAULT_KINDS.join(',') },
        'no-mysql-restart': { type: 'boolean', default: false },
        'keep-data': { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return null;
  if (!/^[A-Za-z0-9_]+$/.test(values['db-prefix'])) throw new UsageError(`--db-prefix ${JSON.stringify(values['db-prefix'])} is not valid: expected letters, digits and underscores`);
  // The soak drops the databases of its prefix: never those of `npm start` (credit_, the default).
  if (values['db-prefix'] === 'credit_') throw new UsageError('--db-prefix credit_ is the databases of `npm start`, which the soak would drop: choose another prefix');
  const options: SoakOptions = {
    rate: number('rate', values.rate, 1, 1000, false),
    minutes: number('minutes', values.minutes, 1, 24 * 60, false),
    subjects: number('subjects', values.subjects, 100, 1_000_000, true),
    portBase: number('port-base', values['port-base'], 1024, 65_000, true),
    dbPrefix: values['db-prefix'],
    kill: department('kill', values.kill),
    pause: department('pause', values.pause),
    faults: faultList(values.faults).filter((f) => !(f === 'mysql' && values['no-mysql-restart'])),
    keepData: values['keep-data'],
    verbose: values.verbose,
  };
  if (options.kill === options.pause) throw new UsageError(`--kill and --pause name the same department (${options.kill}): expected two different ones`);
  return options;
}
