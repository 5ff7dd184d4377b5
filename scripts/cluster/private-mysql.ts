/**
 * A private MariaDB server in a temporary directory, for faults that stop and start the database
 * server (the cluster test's and `npm run soak -- --cluster`'s MySQL restart): the machine's shared
 * server serves other work at the same time and must never be restarted.
 *
 * `mariadb-install-db` creates the data directory (root without a password, the way the shared
 * server here is set up); `mariadbd --no-defaults` runs it on 127.0.0.1:<port> with its socket, pid
 * file and error log in the directory. `stop()` sends SIGTERM (a clean shutdown: InnoDB flushes and
 * every acknowledged commit stays), `start()` starts the same server on the same data again.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';

export const MARIADBD = process.env.MARIADBD_PATH ?? '/usr/sbin/mariadbd';
export const MARIADB_INSTALL_DB = process.env.MARIADB_INSTALL_DB_PATH ?? '/usr/bin/mariadb-install-db';

/** Why a private server cannot run here, or null when it can. */
export function privateMysqlSkipReason(): string | null {
  if (!existsSync(MARIADBD)) return `no MariaDB server at ${MARIADBD} (apt-get install mariadb-server, or set MARIADBD_PATH)`;
  if (!existsSync(MARIADB_INSTALL_DB)) return `no ${MARIADB_INSTALL_DB} (apt-get install mariadb-server, or set MARIADB_INSTALL_DB_PATH)`;
  return null;
}

export class PrivateMysql {
  readonly url: string;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  private constructor(readonly port: number, readonly dir: string) {
    this.url = `mysql://root@127.0.0.1:${port}`;
  }

  /** Creates the data directory and starts the server; resolves once it answers a query. */
  static async create(port: number, options: { timeoutMs?: number } = {}): Promise<PrivateMysql> {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`private MySQL port ${port} is not valid: expected 1 to 65535`);
    const skip = privateMysqlSkipReason();
    if (skip) throw new Error(skip);
    const dir = mkdtempSync(path.join(tmpdir(), 'credit-mysql-'));
    const install = spawnSync(MARIADB_INSTALL_DB, ['--no-defaults', `--datadir=${path.join(dir, 'data')}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...userArgs()], { encoding: 'utf8' });
    if (install.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`mariadb-install-db failed (exit ${install.status}): ${(install.stderr || install.stdout).slice(-500)}`);
    }
    const server = new PrivateMysql(port, dir);
    try {
      await server.start(options.timeoutMs);
    } catch (err) {
      await server.destroy();
      throw err;
    }
    return server;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the server on its data directory; resolves once it answers a query. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.running) throw new Error(`the private MySQL server on port ${this.port} is already running`);
    const child = spawn(MARIADBD, [
      '--no-defaults',
      `--datadir=${path.join(this.dir, 'data')}`,
      `--socket=${path.join(this.dir, 'sock')}`,
      `--pid-file=${path.join(this.dir, 'mariadbd.pid')}`,
      `--log-error=${path.join(this.dir, 'error.log')}`,
      `--port=${this.port}`,
      '--bind-address=127.0.0.1',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=128M',
      '--max-connections=500',
      ...userArgs(),
    ], { stdio: 'ignore' });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + timeoutMs;
    while (!(await this.alive())) {
      if (!this.running) throw new Error(`the private MySQL server on port ${this.port} exited (${child.exitCode ?? child.signalCode}): ${this.errorLog().slice(-500)}`);
      if (Date.now() > deadline) throw new Error(`the private MySQL server on port ${this.port} did not answer within ${timeoutMs / 1000} s: ${this.errorLog().slice(-500)}`);
      await sleep(100);
    }
  }

  /** Clean shutdown (SIGTERM); resolves once the process has exited. */
  async stop(timeoutMs = 60_000): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Whether the server answers a query now. */
  async alive(): Promise<boolean> {
    return mysqlAnswers({ host: '127.0.0.1', port: this.port, user: 'root' });
  }

  errorLog(): string {
    try {
      return readFileSync(path.join(this.dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Stops the server and deletes its data. */
  async destroy(): Promise<void> {
    await this.stop(10_000);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** mariadbd refuses to run as root unless told to. */
function userArgs(): string[] {
  return process.getuid?.() === 0 ? ['--user=root'] : [];
}

/** Whether a MySQL server answers `SELECT 1` within a second on these settings. */
export async function mysqlAnswers(options: mysql.ConnectionOptions): Promise<boolean> {
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection({ connectTimeout: 1000, ...options });
    await conn.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await conn?.end().catch(() => {});
  }
}
