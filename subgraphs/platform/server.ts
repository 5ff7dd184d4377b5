import { readFileSync } from 'node:fs';
import type { SubgraphDefinition } from '../kit/subgraph-server.js';
import { creditSourcesSdl, DEFAULT_CREDIT_SOURCES, type CreditSource } from './credit-sources.js';
import { createPlatformLoaders, type PlatformLoaders } from './loaders.js';
import { checksTable } from './migrations/20261127001200_checks.js';
import { measureCatalogue } from './migrations/20261127001100_measure_catalogue.js';
import { measuresTable } from './migrations/20261127001000_measures.js';
import { auditChecksBaseline } from './migrations/20261201000100_audit_checks_baseline.js';
import { auditLog } from '../kit/migrations/20261201000000_audit_log.js';
import { auditRowSeals } from '../kit/migrations/20261204000000_audit_row_seals.js';
import { platformResolvers } from './resolvers.js';
import { feedbackModule } from './feedback/module.js';
import { statsModule } from './stats/module.js';
import { certificateModule } from './certificate/module.js';
import { CERTIFICATE_SECRET } from './certificate/verification-code.js';
import { pushModule } from './push/module.js';
import { lookupsModule } from './lookups/module.js';
import type { PlatformModule } from './module.js';
import { mergeResolvers } from '../kit/resolver-maps.js';

const OWN_SDL = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');
const CREDIT_RECORD_SDL = readFileSync(new URL('../kit/credit-record.graphql', import.meta.url), 'utf8');

/** The platform's concerns beyond subjects, measures and the check: an explicit list. */
const MODULES: readonly PlatformModule[] = [feedbackModule, statsModule, certificateModule, pushModule, lookupsModule];

/** The platform's full SDL for a set of credit sources. */
export function platformSdl(sources: readonly CreditSource[] = DEFAULT_CREDIT_SOURCES): string {
  return [OWN_SDL, creditSourcesSdl(sources), ...MODULES.map((m) => m.sdl), CREDIT_RECORD_SDL].map((part) => part.trimEnd()).join('\n\n') + '\n';
}

/** The credit office's subgraph (省信用办): subjects, and the check before approval built on them. */
export const platform: SubgraphDefinition<PlatformLoaders> = {
  name: 'platform',
  sdl: platformSdl(),
  resolvers: mergeResolvers(platformResolvers, ...MODULES.map((m) => m.resolvers)),
  migrations: [measuresTable, measureCatalogue, checksTable, ...MODULES.flatMap((m) => m.migrations), auditLog, auditChecksBaseline, auditRowSeals],
  createLoaders: createPlatformLoaders,
  productionSecrets: [{ name: CERTIFICATE_SECRET, purpose: 'the secret check certificates\' verification codes are made with (at least 32 characters)' }],
};
