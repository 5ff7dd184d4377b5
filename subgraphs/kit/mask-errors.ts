import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode } from './errors.js';
import { createLogger } from './logger.js';

/** True for errors meant for the client: GraphQL errors raised on purpose, with a code. */
function isClientError(error: unknown): boolean {
  const original = unwrapResolverError(error);
  return original instanceof GraphQLError && typeof original.extensions?.code === 'string' && original.extensions.code !== ErrorCode.Internal;
}

/**
 * Replaces internal errors (a failed SQL statement, a bug) with a fixed message, so no SQL, stack
 * or internal detail reaches a client. Use with `maskErrorsPlugin`, which logs what was masked.
 */
export function maskInternalErrors(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (isClientError(error) || formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' || formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED' || formatted.extensions?.code === 'BAD_USER_INPUT') {
    return formatted;
  }
  return { message: 'internal error: the request id in the x-request-id header finds it in the logs', path: formatted.path, extensions: { code: ErrorCode.Internal } };
}

/** Logs the internal errors of a request with its request id before they are masked. */
export function maskErrorsPlugin(service: string): ApolloServerPlugin<{ requestId: string }> {
  const logErrors = internalErrorLogger(service);
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          logErrors(errors, contextValue.requestId);
        },
      };
    },
  };
}

/** Logs the internal errors among `errors` (those `maskInternalErrors` will hide) with the request id. */
export function internalErrorLogger(service: string): (errors: readonly GraphQLError[], requestId: string) => void {
  const log = createLogger(service);
  return (errors, requestId) => {
    for (const error of errors) {
      if (!isClientError(error) && !(error.extensions?.code === 'GRAPHQL_VALIDATION_FAILED')) {
        const original = unwrapResolverError(error);
        log.error('internal error, masked in the answer', { requestId, path: error.path?.join('.'), err: original instanceof Error ? original : new Error(String(original)) });
      }
    }
  };
}
