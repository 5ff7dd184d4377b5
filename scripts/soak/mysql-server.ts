/**
 * Stopping and starting the MySQL (MariaDB) server the stack runs on, for the restart fault, and
 * making sure it is running again whatever happens to the soak.
 *
 * Stop: `mysqladmin shutdown` with the credentials of DATABASE_URL. Start: SOAK_MYSQL_START, a
 * shell command, or by default the way this project's CI starts it:
 * `start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';

const run = promisify(execFile);

const DEFAULT_START = 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd';

export class MysqlServer {
  /** True between a stop and the start that follows it: what `ensureRunning` must undo. */
  private stoppedByUs = false;

  constructor(
    private readonly url: string,
    private readonly startCommand: string = process.env.SOAK_MYSQL_START || DEFAULT_START,
  ) {}

  /** Why the restart fault cannot run here, or null when it can. */
  cannotRestart(): string | null {
    const host = new URL(this.url).hostname;
    if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) return `MySQL at ${host} is not on this machine`;
    if (spawnSync('mysqladmin', ['--version'], { stdio: 'ignore' }).status !== 0) return 'mysqladmin is not installed';
    if (!process.env.SOAK_MYSQL_START && !existsSync('/usr/sbin/mariadbd')) return 'no /usr/sbin/mariadbd: set SOAK_MYSQL_START to the command that starts the server';
    return null;
  }

  private connect(): Promise<mysql.Connection> {
    const u = new URL(this.url);
    return mysql.createConnection({
      host: u.hostname,
      port: u.port ? Number(u.port) : 3306,
      user: decodeURIComponent(u.username || 'root'),
      password: decodeURIComponent(u.password),
      connectTimeout: 1000,
    });
  }

  /** Whether the server answers a query now. */
  async alive(): Promise<boolean> {
    let conn: mysql.Connection | undefined;
    try {
      conn = await this.connect();
      await conn.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await conn?.end().catch(() => {});
    }
  }

  /** Databases other than those named `prefix…` with open connections: whoever else a restart disturbs. */
  async otherDatabasesInUse(prefix: string): Promise<string[]> {
    const conn = await this.connect();
    try {
      const [rows] = await conn.query('SELECT DISTINCT db FROM information_schema.PROCESSLIST WHERE db IS NOT NULL AND id <> CONNECTION_ID()');
      return (rows as { db: string }[]).map((r) => r.db).filter((db) => !db.startsWith(prefix)).sort();
    } finally {
      await conn.end().catch(() => {});
    }
  }

  /** Shuts the server down and waits until it no longer answers. */
  async stop(timeoutMs = 60_000): Promise<void> {
    const u = new URL(this.url);
    const args = ['-h', u.hostname, '-P', u.port || '3306', '-u', decodeURIComponent(u.username || 'root')];
    if (u.password) args.push(`-p${decodeURIComponent(u.password)}`);
    this.stoppedByUs = true;
    await run('mysqladmin', [...args, 'shutdown'], { timeout: timeoutMs });
    await this.waitFor(false, timeoutMs);
  }

  /** Starts the server and waits until it answers. */
  async start(timeoutMs = 60_000): Promise<void> {
    await run('/bin/sh', ['-c', this.startCommand], { timeout: timeoutMs });
    await this.waitFor(true, timeoutMs);
    this.stoppedByUs = false;
  }

  /** After an error or Ctrl-C: starts the server again if the soak had stopped it. */
  async ensureRunning(): Promise<void> {
    if (!this.stoppedByUs) return;
    if (await this.alive()) this.stoppedByUs = false;
    else await this.start();
  }

  private async waitFor(up: boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.alive()) !== up) {
      if (Date.now() > deadline) throw new Error(`MySQL did not ${up ? 'come up' : 'go down'} within ${timeoutMs / 1000} s`);
      await sleep(200);
    }
  }
}
