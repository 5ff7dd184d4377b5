/**
 * The gateway's query plans, for the floor to follow. They come from the same planner the gateway
 * runs (@apollo/query-planner, the exact version @apollo/gateway depends on) over the supergraph
 * the gateway serves, built the way ApolloGateway builds them (Supergraph.build, then
 * operationFromDocument over the API schema, then buildQueryPlan with the default config): the
 * floor sends the very operations, variables and representations the gateway sends, in the same
 * order and parallelism, and follows any change of the schema without being edited.
 */
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode } from '@apollo/query-planner';
import { parse } from 'graphql';

/** Builds the plan of each query; throws when a plan holds a node the floor does not execute. */
export function buildQueryPlans<K extends string>(supergraphSdl: string, queries: Record<K, string>): Record<K, PlanNode> {
  const supergraph = Supergraph.build(supergraphSdl);
  const planner = new QueryPlanner(supergraph);
  const api = supergraph.apiSchema();
  const plans = {} as Record<K, PlanNode>;
  for (const [name, query] of Object.entries(queries) as [K, string][]) {
    const plan = planner.buildQueryPlan(operationFromDocument(api, parse(query)));
    if (!plan.node || plan.node.kind === 'Subscription') throw new Error(`${name}: the query plan has no executable node`);
    assertExecutable(name, plan.node);
    plans[name] = stripDocuments(plan.node);
  }
  return plans;
}

/** The floor executes Sequence, Parallel, Flatten and Fetch; nothing here needs more. */
function assertExecutable(name: string, node: PlanNode): void {
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      for (const child of node.nodes) assertExecutable(name, child);
      return;
    case 'Flatten':
      return assertExecutable(name, node.node);
    case 'Fetch':
      if (node.inputRewrites?.length || node.outputRewrites?.length || node.contextRewrites?.length) {
        throw new Error(`${name}: the fetch to ${node.serviceName} rewrites data, which the floor does not do`);
      }
      return;
    default:
      throw new Error(`${name}: the query plan has a ${node.kind} node, which the floor does not execute`);
  }
}

/** A plain copy of the plan, fit for IPC: no parsed documents. */
function stripDocuments(node: PlanNode): PlanNode {
  return JSON.parse(JSON.stringify(node, (key, value) => (key === 'operationDocumentNode' ? undefined : value))) as PlanNode;
}

/** The fetches of a plan, e.g. `platform → [finance | courts | (market → [tax | courts]) | tax] → platform`. */
export function describePlan(node: PlanNode): string {
  switch (node.kind) {
    case 'Sequence':
      return node.nodes.map(describePlan).join(' → ');
    case 'Parallel':
      return `[${node.nodes.map((n) => (n.kind === 'Sequence' ? `(${describePlan(n)})` : describePlan(n))).join(' | ')}]`;
    case 'Flatten':
      return describePlan(node.node);
    case 'Fetch':
      return (node as FetchNode).serviceName;
    default:
      return node.kind;
  }
}
