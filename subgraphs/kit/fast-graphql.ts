import type { IncomingHttpHeaders } from 'node:http';
import {
  execute,
  getOperationAST,
  type GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';

/**
 * The common case of a subgraph request — a JSON POST of a valid, already-seen operation that the
 * access policy allows — executed with graphql-js directly, without Apollo Server's per-request
 * pipeline (content negotiation, plugin hooks, incremental-delivery wrapping), which cost a
 * department about a fifth of its CPU per check. Everything else (GET, other media types, batches,
 * persisted queries, a document that does not parse or validate or that introspects, variables
 * that do not coerce, a refusal by the access policy) is answered by Apollo Server itself, so that
 * every error keeps Apollo Server's exact answer; none of those cases has run a resolver.
 *
 * An executed operation is answered as Apollo Server answers it: `{ errors, data }` (errors first,
 * then data), each error as Apollo Server normalises it (`extensions.code` defaulting to
 * INTERNAL_SERVER_ERROR, `extensions.http` turned into the HTTP status) and then through the
 * subgraph's own `formatError`.
 */
export interface FastPathHooks<C> {
  /** The refusal of the access policy for this operation, or null when it may run. */
  refuse(document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined, context: C): unknown;
  /** Told of the errors of an executed operation before they are formatted (to log the internal ones). */
  didEncounterErrors(errors: readonly GraphQLError[], context: C): void;
  /** The subgraph's formatError (masks internal errors). */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  /** Last changes to the answer for this caller (masking identity numbers). */
  willSendResponse(result: { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] }, context: C): void;
}

export interface FastAnswer {
  status: number;
  body: string;
}

/** How many validated documents are kept: the gateway sends a few operations over and over. */
const DOCUMENT_CACHE = 1000;

const RULES = [...specifiedRules, NoSchemaIntrospectionCustomRule];

interface Body {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

/** The parts of a JSON body the fast path serves, or null for anything else. */
function plainRequest(raw: string): Body | null {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return null;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const { query, variables, operationName, extensions, ...rest } = body as Record<string, unknown>;
  if (typeof query !== 'string' || extensions !== undefined || Object.keys(rest).length > 0) return null;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return null;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
  return { query, variables: (variables ?? undefined) as Record<string, unknown> | undefined, operationName: (operationName ?? undefined) as string | undefined };
}

/** Whether the request asks for plain JSON the way the gateway does (anything else: Apollo Server negotiates). */
function plainJson(headers: IncomingHttpHeaders, method: string | undefined): boolean {
  if (method !== 'POST') return false;
  const type = headers['content-type'];
  if (type !== 'application/json' && type !== 'application/json; charset=utf-8') return false;
  const accept = headers.accept;
  return accept === undefined || accept === 'application/json' || accept === '*/*';
}

function statusOf(extensions: Record<string, unknown>): number | undefined {
  const http = extensions.http as { status?: unknown } | undefined;
  return http && typeof http.status === 'number' ? http.status : undefined;
}

export function fastGraphQL<C>(schema: GraphQLSchema, hooks: FastPathHooks<C>) {
  /** Validated documents by query text, least recently used first. */
  const documents = new Map<string, DocumentNode>();

  const documentOf = (query: string): DocumentNode | null => {
    const known = documents.get(query);
    if (known) {
      documents.delete(query);
      documents.set(query, known);
      return known;
    }
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch {
      return null;
    }
    if (validate(schema, document, RULES).length > 0) return null;
    documents.set(query, document);
    if (documents.size > DOCUMENT_CACHE) documents.delete(documents.keys().next().value!);
    return document;
  };

  /** The answer, or null when Apollo Server must answer (nothing has been executed then). */
  return async function tryExecute(method: string | undefined, headers: IncomingHttpHeaders, raw: string, contextOf: () => Promise<C>): Promise<FastAnswer | null> {
    if (!plainJson(headers, method)) return null;
    const request = plainRequest(raw);
    if (!request) return null;
    const document = documentOf(request.query);
    if (!document) return null;
    const operation = getOperationAST(document, request.operationName);
    if (!operation || operation.operation === 'subscription') return null;
    const context = await contextOf();
    if (hooks.refuse(document, request.operationName, request.variables, context)) return null;

    const result = (await execute({
      schema,
      document,
      contextValue: context,
      variableValues: request.variables,
      operationName: request.operationName,
    })) as ExecutionResult;
    // No data at all: the variables did not coerce, nothing ran; Apollo Server answers that (HTTP 400).
    if (!('data' in result) || result.data === undefined) return null;

    let status = 200;
    let errors: GraphQLFormattedError[] | undefined;
    if (result.errors?.length) {
      hooks.didEncounterErrors(result.errors, context);
      errors = result.errors.map((error) => {
        const extensions: Record<string, unknown> = { ...error.extensions, code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR' };
        const httpStatus = statusOf(extensions);
        if ('http' in extensions) {
          if (httpStatus !== undefined) status = httpStatus;
          delete extensions.http;
        }
        try {
          return hooks.formatError({ ...error.toJSON(), extensions }, error);
        } catch {
          return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
        }
      });
    }
    const answer: { errors?: GraphQLFormattedError[]; data?: Record<string, unknown> | null; extensions?: unknown } = {
      errors,
      data: result.data as Record<string, unknown> | null,
      extensions: result.extensions,
    };
    hooks.willSendResponse(answer, context);
    return { status, body: `${JSON.stringify(answer)}\n` };
  };
}

