import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import { exampleTabs } from './graphiql-examples.js';

/** The registered operations (gateway/safelist.graphql), always a source of metric labels. */
export const REGISTERED_OPERATIONS_FILE = new URL('./safelist.graphql', import.meta.url);

/**
 * Operations the platform's own clients send: the pages (gateway/static/*.js) and the push relay.
 * A change of one of their names belongs here too, or its requests are counted as `other`.
 */
const OWN_CLIENT_OPERATIONS = ['Dashboard', 'Certificate', 'Name', 'Verify', 'Enterprises', 'List', 'Names', 'RelayEvents'];

function operationNamesIn(source: string): string[] {
  return parse(source)
    .definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION && d.name)
    .map((d) => (d as { name: { value: string } }).name.value);
}

/**
 * The operation names that may become metric labels: the registered (safelisted) operations, those
 * of a SAFELIST_FILE if another is configured, GraphiQL's example operations and the platform's own
 * clients. Any other name a client chooses is counted as `other`, so a label never carries client
 * text (an identity number in an operation name) and the number of series stays bounded.
 */
export function knownOperationNames(safelistFile?: string | null): ReadonlySet<string> {
  const names = new Set<string>(OWN_CLIENT_OPERATIONS);
  for (const source of [readFileSync(REGISTERED_OPERATIONS_FILE, 'utf8'), ...(safelistFile ? [readFileSync(safelistFile, 'utf8')] : [])]) {
    for (const name of operationNamesIn(source)) names.add(name);
  }
  for (const tab of exampleTabs('2000-01-01')) for (const name of operationNamesIn(tab.query)) names.add(name);
  return names;
}
