/** One group of replicas HAProxy balances: a frontend port and its servers' ports. */
export interface BalancedGroup {
  name: string;
  /** Where HAProxy listens for the group (what clients and the supergraph's routing URLs use). */
  frontendPort: number;
  /** The replicas' ports. */
  serverPorts: readonly number[];
}

/**
 * HAProxy's configuration for the cluster: per group a frontend and a backend that balances the
 * replicas round-robin, health-checks each on `/health/ready` every 500 ms (each check may take 5 s;
 * out after 2 failures, back after 2 successes) and retries a request elsewhere only when the connection to a replica
 * could not be made (`retry-on conn-failure`): a request a replica has received — a check that
 * may have been stored — is never sent twice.
 */
export function haproxyConfig(host: string, groups: readonly BalancedGroup[]): string {
  const lines = [
    'global',
    '  maxconn 4000',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout http-keep-alive 10s',
    // A gateway's readiness asks every subgraph: give a check longer than the interval on a busy machine.
    '  timeout check 5s',
    '  retries 3',
    '  retry-on conn-failure',
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
      '  default-server inter 500ms fall 2 rise 2 on-marked-down shutdown-sessions',
      ...g.serverPorts.map((port, i) => `  server ${g.name}${i + 1} ${host}:${port} check`),
      '',
    );
  }
  return lines.join('\n');
}
