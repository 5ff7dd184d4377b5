import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { Kind, parse, type DocumentNode } from 'graphql';
import type { Knex } from 'knex';
import { callerFromHeaders, CallerHeader, type Caller } from './caller.js';
import { SignatureVerifier, signingConfigFromEnv, type SigningConfig } from './request-signing.js';
import { migrate, openDatabase, type DatabaseConfig, type Migration } from './database.js';
import type { ProductionSetting } from './env.js';
import { BodyTooLargeError, executeGraphQL, readBody, sendGraphQLError, sendJson } from './http.js';
import { listen, type RunningServer } from './listen.js';
import { closeReads } from './sql.js';
import { createLogger } from './logger.js';
import { fastGraphQL } from './fast-graphql.js';
import { internalErrorLogger, maskErrorsPlugin, maskInternalErrors } from './mask-errors.js';
import { refuseOperation } from './policy.js';
import { accessPolicyPlugin, maskAnswerFor } from './policy-plugin.js';
import { captureQueries } from './sql-capture.js';
import { traceQueries, traceRequest, traceResolvers } from './tracing.js';

/** Result keys a subgraph never masks: the gateway joins entities on them. */
const ENTITY_KEYS = new Set(['id', 'asOf']);

/** What every resolver of every subgraph receives. */
export interface SubgraphContext<L> {
  db: Knex;
  /** Created anew for each request: a DataLoader cache never outlives its request. */
  loaders: L;
  caller: Caller | null;
  requestId: string;
}

/** Everything that makes a subgraph what it is; the shared machinery does the rest. */
export interface SubgraphDefinition<L> {
  name: string;
  sdl: string;
  resolvers: GraphQLResolverMap<SubgraphContext<L>>;
  migrations: readonly Migration[];
  createLoaders(db: Knex): L;
  /** Runs once after the migrations, before serving (e.g. filling an empty registry). */
  init?(db: Knex): Promise<void>;
  /** Secrets of its own it cannot serve without in production (NODE_ENV=production), besides the signing secret. */
  productionSecrets?: readonly ProductionSetting[];
}

export interface SubgraphOptions {
  database: DatabaseConfig;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** How the gateway's signature is checked; from the environment when absent. */
  signing?: SigningConfig;
}

export interface Subgraph {
  name: string;
  db: Knex;
  handler(req: IncomingMessage, res: ServerResponse): void;
  listen(port: number, host?: string): Promise<RunningServer>;
  /** How many GraphQL requests were answered by the direct path (fast-graphql.ts) rather than by Apollo Server. */
  directAnswers(): number;
  /** Stops the HTTP server (if listening) and closes the database pool. */
  close(): Promise<void>;
}

/** `Type.field` of every field that takes arguments (the ones worth a span of their own). */
function fieldsWithArguments(document: DocumentNode): Set<string> {
  const found = new Set<string>();
  for (const def of document.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of def.fields ?? []) if (field.arguments?.length) found.add(`${def.name.value}.${field.name.value}`);
  }
  return found;
}

/** Opens the subgraph's database, runs its migrations and builds its GraphQL server (without listening). */
export async function createSubgraph<L>(definition: SubgraphDefinition<L>, options: SubgraphOptions): Promise<Subgraph> {
  const db = await openDatabase(options.database);
  await migrate(db, definition.migrations);
  await definition.init?.(db);
  traceQueries(db, options.database.engine);
  captureQueries(db, options.database.engine, definition.name);
  const typeDefs = parse(definition.sdl);
  const resolvers = traceResolvers(definition.resolvers as Record<string, unknown>, fieldsWithArguments(typeDefs));
  const schema = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> }]);
  const server = new ApolloServer<SubgraphContext<L>>({
    schema,
    includeStacktraceInErrorResponses: false,
    formatError: maskInternalErrors,
    plugins: [
      // Cache hints mean nothing between the gateway and a subgraph, and computing them wraps every
      // field's resolver: off.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      maskErrorsPlugin(definition.name),
      // The access policy again, on what the gateway sends; entity keys stay whole for its joins.
      accessPolicyPlugin<SubgraphContext<L>>({ keepWhole: ENTITY_KEYS }),
    ],
  });
  await server.start();
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  // The caller headers are believed only on a request the gateway signed.
  const verifier = new SignatureVerifier(options.signing ?? signingConfigFromEnv(), definition.name);

  const logInternalErrors = internalErrorLogger(definition.name);
  let direct = 0;
  const fast = fastGraphQL<SubgraphContext<L>>(schema, {
    refuse: (document, operationName, variables, context) => refuseOperation(schema, document, operationName, variables, context.caller),
    didEncounterErrors: (errors, context) => logInternalErrors(errors, context.requestId),
    formatError: maskInternalErrors,
    willSendResponse: (answer, context) => maskAnswerFor(context.caller, answer, ENTITY_KEYS),
  });

  const log = createLogger(definition.name);
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = (req.headers[CallerHeader.requestId] as string | undefined) ?? randomUUID();
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health/live') {
      sendJson(res, 200, { status: 'ok', subgraph: definition.name });
      return;
    }
    if (path === '/health/ready') {
      db.raw('select 1').then(
        () => sendJson(res, 200, { status: 'ready', subgraph: definition.name }),
        () => sendJson(res, 503, { status: 'database unreachable', subgraph: definition.name }),
      );
      return;
    }
    if (path !== '/graphql') {
      sendGraphQLError(res, 404, 'NOT_FOUND', `no route ${path}; GraphQL is served at /graphql`);
      return;
    }
    // The gateway's request id on every line: one request can be followed through every subgraph.
    const started = performance.now();
    res.once('close', () => log.debug('request', { requestId, status: res.statusCode, ms: Math.round((performance.now() - started) * 10) / 10 }));
    traceRequest(req, res, `subgraph ${definition.name}`, { 'credit.subgraph': definition.name, 'credit.request_id': requestId }, () => serveGraphQL(req, res, requestId));
  };

  const serveGraphQL = (req: IncomingMessage, res: ServerResponse, requestId: string): void => {
    readBody(req, maxBodyBytes)
      .then((body) => {
        const refusal = verifier.refuse(req.method ?? 'GET', req.url ?? '/', req.headers, body);
        if (refusal) {
          sendGraphQLError(res, 401, 'UNAUTHENTICATED', `refused: ${refusal}`);
          return;
        }
        const contextOf = async (): Promise<SubgraphContext<L>> => ({
          db,
          loaders: definition.createLoaders(db),
          caller: callerFromHeaders(req.headers),
          requestId,
        });
        return fast(req.method, req.headers, body, contextOf).then((answer) => {
          if (!answer) return executeGraphQL(server, req, res, body, contextOf);
          direct += 1;
          res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(answer.body) });
          res.end(answer.body);
        });
      })
      .catch((err: unknown) => {
        if (err instanceof BodyTooLargeError) sendGraphQLError(res, 413, 'PAYLOAD_TOO_LARGE', err.message);
        else {
          log.error('request failed', { requestId, err });
          if (!res.headersSent) sendGraphQLError(res, 500, 'INTERNAL_SERVER_ERROR', `internal error (request id ${requestId})`);
        }
      });
  };

  let running: RunningServer | undefined;
  return {
    name: definition.name,
    db,
    handler,
    directAnswers: () => direct,
    async listen(port, host) {
      running = await listen(handler, port, host);
      return running;
    },
    async close() {
      await running?.close();
      await server.stop();
      closeReads(db);
      await db.destroy();
    },
  };
}
