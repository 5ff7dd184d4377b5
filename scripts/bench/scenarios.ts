/**
 * What `npm run bench` measures: each scenario is one client operation, sent with varied ids,
 * through the gateway and then by the floor (floor.ts).
 */
import type { LoadMode } from './protocol.js';

export type ScenarioName = LoadMode;
export const SCENARIO_NAMES: readonly ScenarioName[] = ['subject', 'batch', 'check', 'check-1', 'batch-check', 'mixed'];
/** What `npm run bench` measures unless --scenarios says otherwise. */
export const DEFAULT_SCENARIOS: readonly ScenarioName[] = ['subject', 'check', 'check-1', 'batch-check', 'mixed'];

/** A department's publication of a record, sent in place of some requests of a mixed load. */
export interface Publication {
  query: string;
  /** A DEPARTMENT key (gateway/clients.ts) of the department whose record is published. */
  token: string;
  /** Every n-th request publishes. */
  every: number;
  /** A record category of that department. */
  category: string;
}

export interface Scenario {
  name: ScenarioName;
  /** The client's operation; its name also names the gateway's subgraph operations. */
  query: string;
  /** The API key the client sends (a demo client of gateway/clients.ts). */
  token: string;
  /** Which connection count applies: --connections, --batch-connections, or one connection (no queueing). */
  connections: 'single' | 'batch' | 'one';
  /** Per-request timeout of the gateway's load generator, in seconds. */
  timeoutSeconds: number;
  /** Mixed loads: the publications sent among the requests. */
  publish?: Publication;
  /** Check scenarios: the approval matter asked (the verdict depends on it). */
  matter?: string;
  /**
   * Only enterprises and organisations are asked for: the client is an analyst, whom the access
   * policy refuses natural persons (rule subject-view.natural-persons).
   */
  enterprisesOnly?: true;
}

/** A batch check of any matter: how the floor finds every subject's verdict before the load. */
export function verdictQuery(matter: string): string {
  return `query Verdicts($ids: [ID!]!) {
  subjects(ids: $ids) { id creditCheck(matter: ${matter}, caseRef: "BENCH-REFERENCE") { verdict missingSources } }
}`;
}

const ANALYST_KEY = 'demo-analyst-key';
const APPROVAL_KEY = 'demo-approval-key';
const COURTS_KEY = 'demo-courts-key';

const CHECK_QUERY = `query Check($id: ID!) {
  subject(id: $id) {
    creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: "BENCH-1") {
      checkId verdict missingSources
      measures { code mandatory evidence { record { id department } } }
    }
  }
}`;

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
    enterprisesOnly: true,
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
    enterprisesOnly: true,
    connections: 'batch',
    timeoutSeconds: 30,
  },
  /** The one-subject check an approval system sends before granting. */
  check: {
    name: 'check',
    query: CHECK_QUERY,
    token: APPROVAL_KEY,
    connections: 'single',
    timeoutSeconds: 10,
    matter: 'GOVERNMENT_PROCUREMENT',
  },
  /**
   * The same check at one connection: one request at a time, no queueing anywhere, so its
   * latency is the service time of a check (what a caseworker waits for).
   */
  'check-1': {
    name: 'check-1',
    query: CHECK_QUERY,
    token: APPROVAL_KEY,
    connections: 'one',
    timeoutSeconds: 10,
    matter: 'GOVERNMENT_PROCUREMENT',
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
    matter: 'PUBLIC_RESOURCE_TRADING',
  },
  /**
   * Checks while a department publishes: nine checks in ten, and in place of every tenth a court
   * publishes a new record (a decision number never used before, so every one really writes: the
   * record, its version and its event). The bench keeps the subjects published for apart from
   * those checked, so that every check's verdict stays the one the floor found before the load.
   */
  mixed: {
    name: 'mixed',
    query: CHECK_QUERY,
    token: APPROVAL_KEY,
    connections: 'single',
    timeoutSeconds: 10,
    matter: 'GOVERNMENT_PROCUREMENT',
    publish: {
      query: `mutation Publish($input: PublishRecordInput!) {
  courts { publishRecord(input: $input) { id version subjectId decisionNo status listType } }
}`,
      token: COURTS_KEY,
      every: 10,
      category: 'DISHONEST_JUDGMENT_DEBTOR',
    },
  },
};

/** The scenario's name in the report, with its ids per request: `batch-check (1000 ids)`. */
export function scenarioLabel(name: ScenarioName, batchSize: number): string {
  const batch = SCENARIOS[name].connections === 'batch';
  if (name === 'mixed') return `mixed (checks, 1 in ${SCENARIOS.mixed.publish!.every} a publish)`;
  if (name === 'check-1') return 'check-1 (1 id, 1 connection)';
  return `${name} (${batch ? batchSize : 1} id${batch && batchSize !== 1 ? 's' : ''})`;
}
