/**
 * `npm run audit:verify`: checks the tamper-evident audit chain (subgraphs/kit/audit.ts) of every
 * subgraph database, found as the services find them (DATABASE_URL, DATABASE_PREFIX, DATA_DIR).
 * Per database it prints how many entries it verified and the first altered entry (its content no
 * longer matches its hash) or missing one (a gap in seq, or a chain that ends before its head).
 * For the platform it also cross-checks the `checks` table with the entries: a stored check that
 * no longer matches its entry is altered; a row without entry, or an entry without row, missing.
 * In every database it compares the rows of the sealed tables (credit records and their versions,
 * objections, repair applications, measures: subgraphs/kit/audit-seals.ts) with their last seal:
 * a row edited, inserted or deleted with SQL is reported with its table and key.
 * Entries and rows are read page by page, so memory stays flat however long the chain is.
 *
 * Options: --json (the report as JSON), --database NAME (repeatable; default every subgraph of
 * the default supergraph, and ecology when its database exists), --page-size N (1000),
 * --heads (print only each database's head `{ "<name>": { "seq": N, "hash": "…" } }`, to publish
 * outside the databases), --anchor FILE (such a file published earlier: each chain must still hold
 * the entry at that seq with that hash, which a rewrite of the whole chain cannot fake).
 * Exit codes: 0 every chain intact, 1 something altered or missing, 2 configuration error or a
 * database that could not be read.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Knex } from 'knex';
import { verifyChain, type AuditProblem, type ChainReport } from '../subgraphs/kit/audit-verify.js';
import { SealsCrossCheck, type SealsReport } from '../subgraphs/kit/audit-seals-verify.js';
import { databaseConfigFromEnv, databaseExists, openDatabase, redactUrl, type DatabaseConfig } from '../subgraphs/kit/database.js';
import { ConfigError } from '../subgraphs/kit/env.js';
import { ChecksCrossCheck, type ChecksReport } from '../subgraphs/platform/check/audit-cross-check.js';
import { SERVICES } from '../subgraphs/services.js';

/** Subgraphs registered at runtime rather than part of the default supergraph: verified when their database exists. */
const OPTIONAL_DATABASES = ['ecology'];
const KNOWN = [...SERVICES.map((s) => s.name as string), ...OPTIONAL_DATABASES];

export interface DatabaseReport {
  name: string;
  /** Where it is: the SQLite file, or the MySQL database and server (password hidden). */
  location: string;
  intact: boolean;
  chain: ChainReport;
  /** The platform only: the `checks` table against its entries. */
  checks?: ChecksReport;
  /** The sealed tables the database has, against their seals. */
  seals: SealsReport;
}

export interface AuditReport {
  intact: boolean;
  databases: DatabaseReport[];
}

/** Heads published earlier, by database name. */
export type Anchors = Record<string, { seq: number; hash: string }>;

export interface VerifyOptions {
  env?: NodeJS.ProcessEnv;
  /** Heads published earlier (`--heads`): each chain must still hold them. */
  anchors?: Anchors;
  /** Databases to verify, by subgraph name; all by default. */
  names?: readonly string[];
  pageSize?: number;
}

function locationOf(config: DatabaseConfig): string {
  return config.engine === 'sqlite' ? config.file : `${config.database} on ${redactUrl(config.serverUrl)}`;
}

async function verifyDatabase(name: string, config: DatabaseConfig, pageSize: number, anchor?: Anchors[string]): Promise<DatabaseReport> {
  let db: Knex | undefined;
  try {
    db = await openDatabase(config);
    const checks = name === 'platform' ? new ChecksCrossCheck(db, pageSize) : null;
    const seals = new SealsCrossCheck(db, pageSize);
    const chain = await verifyChain(db, {
      pageSize,
      anchor,
      onPage: async (rows) => {
        seals.onPage(rows);
        await checks?.onPage(rows);
      },
    });
    const checksReport = checks ? await checks.finish() : undefined;
    const sealsReport = await seals.finish();
    const intact = chain.problems === 0 && (checksReport?.problems ?? 0) === 0 && sealsReport.problems === 0;
    return { name, location: locationOf(config), intact, chain, ...(checksReport ? { checks: checksReport } : {}), seals: sealsReport };
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${name} (${locationOf(config)}): ${err.message}`);
    throw err;
  } finally {
    await db?.destroy();
  }
}

/**
 * Verifies the audit chains of the subgraph databases the environment points at. Throws a
 * ConfigError when the settings are wrong or a database is not where they say.
 */
export async function verifyAudit(options: VerifyOptions = {}): Promise<AuditReport> {
  const env = options.env ?? process.env;
  const pageSize = options.pageSize ?? 1000;
  for (const name of options.names ?? []) {
    if (!KNOWN.includes(name)) throw new ConfigError(`database ${JSON.stringify(name)} is not a subgraph: expected one of ${KNOWN.join(', ')}`);
  }
  const databases: DatabaseReport[] = [];
  for (const name of options.names ?? KNOWN) {
    const config = databaseConfigFromEnv(name, env);
    if (!(await databaseExists(config))) {
      if (!options.names && OPTIONAL_DATABASES.includes(name)) continue;
      throw new ConfigError(`no ${name} database at ${locationOf(config)}: expected the DATABASE_URL, DATABASE_PREFIX or DATA_DIR the services use`);
    }
    databases.push(await verifyDatabase(name, config, pageSize, options.anchors?.[name]));
  }
  return { intact: databases.every((d) => d.intact), databases };
}

function describeProblem(p: AuditProblem): string {
  const what = p.seq !== null ? `entry ${p.seq}${p.action ? ` (${p.action} ${p.entity})` : ''}` : `${p.action ?? ''} ${p.entity ?? ''}`.trim();
  return `${p.kind.toUpperCase()} ${what}: ${p.detail}`;
}

/** The first problem in full, and how many more there are. */
function describeProblems(first: AuditProblem, problems: number): string {
  return `${describeProblem(first)}${problems > 1 ? ` (+${problems - 1} more)` : ''}`;
}

/** The report as lines for a terminal. */
export function formatReport(report: AuditReport): string[] {
  const lines: string[] = [];
  const width = Math.max(...report.databases.map((d) => d.name.length), 8);
  for (const d of report.databases) {
    const { chain } = d;
    const counts = `${chain.verified} of ${chain.entries} entries verified`;
    const state = chain.first
      ? `${describeProblems(chain.first, chain.problems)}; ${counts}`
      : chain.entries === 0
        ? 'chain empty: nothing written yet'
        : `chain intact: ${counts}, head ${chain.head!.seq} ${chain.head!.hash}`;
    lines.push(`${d.name.padEnd(width)}  ${state}`);
    if (d.checks) {
      const c = d.checks;
      const pre = c.preChain > 0 ? `, ${c.preChain} from before the chain` : '';
      lines.push(`${''.padEnd(width)}  checks: ${c.first ? `${describeProblems(c.first, c.problems)}; ` : ''}${c.matched} of ${c.rows} rows match their entries${pre}`);
    }
    const s = d.seals;
    if (s.tables.length > 0) {
      const counts = s.tables.map((t) => `${t.table} ${t.matched} of ${t.rows}`).join(', ');
      lines.push(`${''.padEnd(width)}  rows: ${s.first ? `${describeProblems(s.first, s.problems)}; ` : ''}matching their seals: ${counts}`);
    }
  }
  lines.push(report.intact ? 'audit:verify: every chain is intact' : 'audit:verify: ALTERED OR MISSING ENTRIES FOUND');
  return lines;
}

/** Reads an anchors file (the output of --heads); a ConfigError names what is wrong with it. */
function readAnchors(file: string): Anchors {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`--anchor ${file} cannot be read as JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`--anchor ${file}: expected { "<database>": { "seq": N, "hash": "<64 hex>" } } as printed by --heads`);
  for (const [name, head] of Object.entries(parsed as Record<string, unknown>)) {
    const h = head as { seq?: unknown; hash?: unknown } | null;
    if (!KNOWN.includes(name) || !h || !Number.isInteger(h.seq) || typeof h.hash !== 'string' || !/^[0-9a-f]{64}$/.test(h.hash)) {
      throw new ConfigError(`--anchor ${file}: entry ${JSON.stringify(name)} is not valid: expected a subgraph name with { "seq": N, "hash": "<64 hex>" }`);
    }
  }
  return parsed as Anchors;
}

async function main(): Promise<number> {
  let values: { json?: boolean; database?: string[]; 'page-size'?: string; heads?: boolean; anchor?: string };
  try {
    ({ values } = parseArgs({ options: { json: { type: 'boolean' }, database: { type: 'string', multiple: true }, 'page-size': { type: 'string' }, heads: { type: 'boolean' }, anchor: { type: 'string' } }, strict: true }));
  } catch (err) {
    console.error(`audit:verify: ${(err as Error).message}`);
    return 2;
  }
  const pageSize = values['page-size'] === undefined ? 1000 : Number(values['page-size']);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100_000) {
    console.error(`audit:verify: --page-size ${JSON.stringify(values['page-size'])} is not valid: expected a whole number from 1 to 100000`);
    return 2;
  }
  try {
    const anchors = values.anchor === undefined ? undefined : readAnchors(values.anchor);
    const report = await verifyAudit({ names: values.database, pageSize, anchors });
    if (values.heads) console.log(JSON.stringify(Object.fromEntries(report.databases.filter((d) => d.chain.head).map((d) => [d.name, d.chain.head])), null, 2));
    else if (values.json) console.log(JSON.stringify(report, null, 2));
    else for (const line of formatReport(report)) console.log(line);
    return report.intact ? 0 : 1;
  } catch (err) {
    console.error(`audit:verify: ${err instanceof ConfigError ? '' : 'could not read: '}${(err as Error).message}`);
    return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
