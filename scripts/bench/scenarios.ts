/**
 * What `npm run bench` measures: each scenario is one client operation, sent with varied ids,
 * through the gateway and then by the floor (floor.ts).
 */
import type { LoadMode } from './protocol.js';

export type ScenarioName = LoadMode;
export const SCENARIO_NAMES: readonly ScenarioName[] = ['subject', 'batch', 'check', 'batch-check'];

export interface Scenario {
  name: ScenarioName;
  /** The client's operation; its name also names the gateway's subgraph operations. */
  query: string;
  /** The API key the client sends (a demo client of gateway/clients.ts). */
  token: string;
  /** Which connection count applies: --connections or --batch-connections. */
  connections: 'single' | 'batch';
  /** Per-request timeout of the gateway's load generator, in seconds. */
  timeoutSeconds: number;
}

const ANALYST_KEY = 'demo-analyst-key';
const APPROVAL_KEY = 'demo-approval-key';

export const SCENARIOS: Record<ScenarioName, Scenario> = {
  /** One subject's view across all departments. */
  subject: {
    name: 'subject',
    query: `query Subject($id: ID!) {
  subject(id: $id) {
    id kind
    tax { records { category listType status } grades { year grade } }
    market { registration { name status } records { category listType } }
    courts { records { category listType } }
    finance { records { category listType } }
  }
}`,
    token: ANALYST_KEY,
    connections: 'single',
    timeoutSeconds: 10,
  },
  /** `subjects(ids:)` with a batch of ids. */
  batch: {
    name: 'batch',
    query: `query Batch($ids: [ID!]!) {
  subjects(ids: $ids) {
    id
    tax { records { category } }
    market { records { category } }
    courts { records { category } }
    finance { records { category } }
  }
}`,
    token: ANALYST_KEY,
    connections: 'batch',
    timeoutSeconds: 30,
  },
  /** The one-subject check an approval system sends before granting. */
  check: {
    name: 'check',
    query: `query Check($id: ID!) {
  subject(id: $id) {
    creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: "BENCH-1") {
      checkId verdict missingSources
      measures { code mandatory evidence { record { id department } } }
    }
  }
}`,
    token: APPROVAL_KEY,
    connections: 'single',
    timeoutSeconds: 10,
  },
  /** A batch of checks, as an approval system screening a list of bidders sends it. */
  'batch-check': {
    name: 'batch-check',
    query: `query BatchCheck($ids: [ID!]!) {
  subjects(ids: $ids) {
    id
    creditCheck(matter: PUBLIC_RESOURCE_TRADING, caseRef: "BENCH-BATCH") { verdict missingSources }
  }
}`,
    token: APPROVAL_KEY,
    connections: 'batch',
    timeoutSeconds: 30,
  },
};

/** The scenario's name in the report, with its ids per request: `batch-check (1000 ids)`. */
export function scenarioLabel(name: ScenarioName, batchSize: number): string {
  const batch = SCENARIOS[name].connections === 'batch';
  return `${name} (${batch ? batchSize : 1} id${batch && batchSize !== 1 ? 's' : ''})`;
}
