/**
 * The push relay as its own process (信息推送): `node --import tsx subgraphs/platform/relay.ts`.
 * Reads the departments' outboxes through the gateway with the credit office's key, appends them
 * to the platform's feed (its database: DATABASE_URL / DATA_DIR as for the platform subgraph) and
 * delivers webhooks. Settings: RELAY_GATEWAY_URL, RELAY_KEY, RELAY_POLL_MS, RELAY_DEPARTMENTS,
 * RELAY_WEBHOOK_BATCH, RELAY_WEBHOOK_TIMEOUT_MS, RELAY_RETRY_BASE_MS, RELAY_RETRY_MAX_MS (README).
 * Safe to kill at any moment: it resumes from what the platform database says.
 */
import { databaseConfigFromEnv } from '../kit/database.js';
import { stopOnSignals } from '../kit/listen.js';
import { createLogger } from '../kit/logger.js';
import { Relay, relayConfigFromEnv } from './push/relay.js';

const config = relayConfigFromEnv();
const relay = await Relay.open(databaseConfigFromEnv('platform'), config);
relay.start();
createLogger('relay').info(`push relay: reading ${config.departments?.join(', ') ?? 'the departments the registry lists'} through ${config.gatewayUrl} every ${config.pollMs} ms`);
stopOnSignals('relay', () => relay.stop());
