import { createConnection } from 'node:net';
import { READ_ONLY_HEADER } from '../../gateway/subgraph-datasource.js';

/** One group of replicas HAProxy balances: a frontend port and its servers' ports. */
export interface BalancedGroup {
  name: string;
  /** Where HAProxy listens for the group (what clients and the supergraph's routing URLs use). */
  frontendPort: number;
  /** The replicas' ports. */
  serverPorts: readonly number[];
  /**
   * Replay a request the replica received but did not answer (it died holding it) on another
   * replica — only when the request carries READ_ONLY_HEADER. For the subgraph groups: the
   * gateway marks the fetches that store nothing (gateway/subgraph-datasource.ts). Never for the
   * gateways: a client's request may be a check that was stored before the gateway died.
   */
  replayReadOnly: boolean;
}


/** The name of a replica's server in HAProxy: `<group>_replicas/<group><n>`. */
export function serverName(group: string, index: number): { backend: string; server: string } {
  return { backend: `${group}_replicas`, server: `${group}${index + 1}` };
}

/**
 * HAProxy's configuration for the cluster: per group a frontend and a backend that balances the
 * replicas round-robin, health-checks each on `/health/ready` every 500 ms (each check may take 5 s;
 * out after 2 failures, back after 2 successes).
 *
 * Every server starts `disabled` (maintenance): HAProxy 2.6 counts a server it has not checked yet
 * as up, so a replica still starting would get requests. The launcher enables each through the
 * runtime API (`socketPath`) once the replica answers ready itself, and waits for HAProxy to report
 * it UP (see HaproxyRuntime). A replica restarted later is DOWN for HAProxy until 2 checks pass.
 *
 * Retries: a request whose connection to a replica could not be made goes to another
 * (`retry-on conn-failure`, `option redispatch 1`). A request the replica received and died on
 * (`empty-response`, `junk-response`, `response-timeout`) is replayed elsewhere only in groups with
 * `replayReadOnly` and only if it carries READ_ONLY_HEADER; `disable-l7-retry` keeps every other
 * request — a check or a publication that may have been stored — to the connection-failure case.
 */
export function haproxyConfig(host: string, groups: readonly BalancedGroup[], socketPath: string): string {
  const lines = [
    'global',
    '  maxconn 4000',
    `  stats socket ${socketPath} mode 600 level admin`,
    // Logs on HAProxy's standard output (run with -db): only requests that went wrong, with their termination state.
    '  log stdout format raw local0',
    '',
    'defaults',
    '  mode http',
    '  log global',
    '  option httplog',
    '  option dontlog-normal',
    '  timeout connect 1s',
    // An idle keep-alive connection is closed by the client first (the gateway's pools keep theirs
    // 60 s): a proxy that closes it first races with a request the client is sending on it, which
    // then fails without having reached anything.
    '  timeout client 75s',
    '  timeout server 60s',
    '  timeout http-keep-alive 75s',
    // A gateway's readiness asks every subgraph: give a check longer than the interval on a busy machine.
    '  timeout check 5s',
    '  retries 3',
    '  option redispatch 1',
    '  option forwardfor',
    '',
  ];
  for (const g of groups) {
    lines.push(
      `frontend ${g.name}`,
      `  bind ${host}:${g.frontendPort}`,
      `  default_backend ${g.name}_replicas`,
      '',
      `backend ${g.name}_replicas`,
      '  balance roundrobin',
      '  option httpchk GET /health/ready',
      '  http-check expect status 200',
      ...(g.replayReadOnly
        ? ['  retry-on conn-failure empty-response junk-response response-timeout', `  http-request disable-l7-retry unless { req.hdr(${READ_ONLY_HEADER}) -m str 1 }`]
        : ['  retry-on conn-failure']),
      // The replicas' Keep-Alive hint (65 s) is theirs, not HAProxy's: clients go by their own idle timeout.
      '  http-response del-header keep-alive',
      // No on-marked-down shutdown-sessions: it would also cut requests HAProxy is about to retry elsewhere.
      '  default-server inter 500ms fall 2 rise 2',
      ...g.serverPorts.map((port, i) => `  server ${serverName(g.name, i).server} ${host}:${port} check disabled`),
      '',
    );
  }
  return lines.join('\n');
}

/** HAProxy's runtime API over its stats socket: enable servers, read their state. */
export class HaproxyRuntime {
  constructor(readonly socketPath: string) {}

  /** Sends one command, returns the answer (the socket closes after it). */
  command(text: string, timeoutMs = 5000): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(this.socketPath);
      let answer = '';
      socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`HAProxy's runtime API did not answer ${JSON.stringify(text)} within ${timeoutMs} ms`)));
      socket.on('connect', () => socket.end(`${text}\n`));
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('error', reject);
      socket.on('close', () => resolve(answer));
    });
  }

  async enable(backend: string, server: string): Promise<void> {
    const answer = await this.command(`enable server ${backend}/${server}`);
    if (answer.trim()) throw new Error(`HAProxy refused to enable ${backend}/${server}: ${answer.trim()}`);
  }

  /** The status column of `show stat` per `backend/server` (UP, DOWN, MAINT, "UP 1/2"...). */
  async statuses(): Promise<Map<string, string>> {
    const csv = await this.command('show stat');
    const [header, ...rows] = csv.replace(/^# /, '').trim().split('\n');
    const cols = header!.split(',');
    const px = cols.indexOf('pxname'), sv = cols.indexOf('svname'), st = cols.indexOf('status');
    const out = new Map<string, string>();
    for (const row of rows) {
      const f = row.split(',');
      if (f[sv] === 'FRONTEND' || f[sv] === 'BACKEND') continue;
      out.set(`${f[px]}/${f[sv]}`, f[st]!);
    }
    return out;
  }
}
