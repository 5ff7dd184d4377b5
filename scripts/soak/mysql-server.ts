/**
 * The MySQL server the soak runs on, for the restart fault. The restart stops a private MariaDB
 * server of the soak's own (scripts/cluster/private-mysql.ts: a temporary data directory, a port of
 * its own): the machine's shared server serves other work at the same time and is never
 * restarted. Without MariaDB's server binaries the soak runs on DATABASE_URL and skips the restart.
 */
import { mysqlAnswers, PrivateMysql, privateMysqlSkipReason } from '../cluster/private-mysql.js';

/** What the soak and its faults ask of the server. */
export interface SoakMysql {
  readonly url: string;
  alive(): Promise<boolean>;
  /** Why the restart fault cannot run, or null when it can. */
  cannotRestart(): string | null;
  /** Databases other than `prefix…` with open connections: whoever else a restart disturbs. */
  otherDatabasesInUse(prefix: string): Promise<string[]>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** After an error or Ctrl-C: starts the server again if the soak had stopped it. */
  ensureRunning(): Promise<void>;
  /** At the end: a private server is stopped and its data deleted. */
  dispose(): Promise<void>;
}

/** A private server when the restart fault is wanted and MariaDB's binaries are here, else the shared one at `sharedUrl` (not restarted). */
export async function soakMysql(sharedUrl: string, restart: boolean, port: number): Promise<SoakMysql> {
  const skip = privateMysqlSkipReason();
  if (restart && !skip) {
    const server = await PrivateMysql.create(port);
    return {
      url: server.url,
      alive: () => server.alive(),
      cannotRestart: () => null,
      otherDatabasesInUse: async () => [],
      stop: () => server.stop(),
      start: () => server.start(),
      ensureRunning: async () => {
        if (!server.running) await server.start();
      },
      dispose: () => server.destroy(),
    };
  }
  const never = () => Promise.reject(new Error('the shared MySQL server is never restarted'));
  return {
    url: sharedUrl,
    alive() {
      const u = new URL(sharedUrl);
      return mysqlAnswers({ host: u.hostname, port: u.port ? Number(u.port) : 3306, user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password) });
    },
    cannotRestart: () => `the restart runs on a private MariaDB server only, never the shared one: ${skip ?? 'not wanted'}`,
    otherDatabasesInUse: async () => [],
    stop: never,
    start: never,
    ensureRunning: async () => {},
    dispose: async () => {},
  };
}
