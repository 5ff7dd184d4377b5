/**
 * The subgraphs of the default supergraph, with the ports they listen on by default. The gateway
 * serves on 4000. Routing URLs in `schema/supergraph.graphql` are composed from these.
 */
export const SERVICES = [
  { name: 'platform', port: 4005 },
  { name: 'tax', port: 4001 },
  { name: 'market', port: 4002 },
  { name: 'courts', port: 4003 },
  { name: 'finance', port: 4004 },
  { name: 'registry', port: 4007 },
] as const;

export type ServiceName = (typeof SERVICES)[number]['name'];

export const DEPARTMENTS = ['tax', 'market', 'courts', 'finance'] as const satisfies readonly ServiceName[];

export const GATEWAY_PORT = 4000;

export function defaultUrl(name: ServiceName, host = '127.0.0.1'): string {
  return `http://${host}:${defaultPort(name)}/graphql`;
}

export function defaultPort(name: ServiceName): number {
  return SERVICES.find((s) => s.name === name)!.port;
}
