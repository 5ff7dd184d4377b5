import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Caller } from './caller.js';
import { maskIdentityNumbers, maskIdentityNumbersIn } from './identity-masking.js';
import { policyError, refuseOperation, seesFullIdentity } from './policy.js';

export interface PolicyPluginOptions {
  /**
   * Result keys whose values are never masked. A subgraph keeps entity keys (`id`) whole, since
   * the gateway joins subgraphs on them; the gateway masks them in the answer it sends.
   */
  keepWhole?: ReadonlySet<string>;
}

/**
 * Enforces the access policy (subgraphs/kit/policy.ts) before an operation executes, and masks
 * resident identity numbers in the answer for roles that may not see them in full. Used by the
 * gateway and by every subgraph, each over its own schema.
 */
export function accessPolicyPlugin<C extends { caller: Caller | null }>(options: PolicyPluginOptions = {}): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request, contextValue }) {
          const refusal = refuseOperation(schema, document, operationName ?? request.operationName, request.variables, contextValue.caller);
          if (refusal) throw policyError(refusal);
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind === 'single') maskAnswerFor(contextValue.caller, response.body.singleResult, options.keepWhole);
        },
      };
    },
  };
}

/**
 * Masks resident identity numbers in an answer, in place, for a caller who may not see them in
 * full (data, error messages and extensions); nothing for one who may. `keepWhole`: result keys
 * left as they are (a subgraph's entity keys).
 */
export function maskAnswerFor(
  caller: Caller | null,
  result: { data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[] },
  keepWhole?: ReadonlySet<string>,
): void {
  if (seesFullIdentity(caller)) return;
  if (result.data) maskIdentityNumbers(result.data, keepWhole);
  if (result.errors) {
    result.errors = result.errors.map((e) => ({
      ...e,
      message: maskIdentityNumbersIn(e.message),
      ...(e.extensions ? { extensions: maskIdentityNumbers(JSON.parse(JSON.stringify(e.extensions))) as Record<string, unknown> } : {}),
    }));
  }
}
