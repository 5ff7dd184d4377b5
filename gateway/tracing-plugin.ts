import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, visit, type DocumentNode } from 'graphql';
import { annotateRequest, tracingEnabled } from '../subgraphs/kit/tracing.js';
import type { GatewayContext } from './subgraph-datasource.js';

/** The approval matters an operation names (`creditCheck(matter: …)`, literal or variable). */
export function mattersOf(document: DocumentNode, variables: Record<string, unknown> | undefined): string[] {
  const matters = new Set<string>();
  visit(document, {
    Argument(node) {
      if (node.name.value !== 'matter') return;
      if (node.value.kind === Kind.ENUM || node.value.kind === Kind.STRING) matters.add(node.value.value);
      if (node.value.kind === Kind.VARIABLE) {
        const value = variables?.[node.value.name.value];
        if (typeof value === 'string' && /^[A-Z_]{1,64}$/.test(value)) matters.add(value);
      }
    },
  });
  return [...matters].sort();
}

/**
 * Puts the request's client, role, operation and approval matter on the gateway's request span
 * (the parent of @apollo/gateway's own gateway.request, gateway.plan and gateway.fetch spans).
 * No arguments or variables otherwise: a subject id may be an identity number.
 */
export function tracingPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      if (!tracingEnabled()) return {};
      return {
        async didResolveOperation({ contextValue, document, operation, request }) {
          const matters = mattersOf(document, request.variables);
          annotateRequest({
            'credit.client': contextValue.caller.clientId,
            'credit.role': contextValue.caller.role,
            ...(operation ? { 'graphql.operation.type': operation.operation } : {}),
            ...(request.operationName || operation?.name ? { 'graphql.operation.name': (request.operationName ?? operation?.name?.value)! } : {}),
            ...(matters.length ? { 'credit.matter': matters.join(',') } : {}),
          });
        },
      };
    },
  };
}
