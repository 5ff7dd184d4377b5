import { stopOnSignals } from '../subgraphs/kit/listen.js';
import { gatewayConfigFromEnv } from './config.js';
import { createGateway } from './server.js';

const config = gatewayConfigFromEnv();
const gateway = await createGateway(config);
const running = await gateway.listen();
console.log(`gateway listening on ${running.url} (supergraph ${config.supergraphFile})`);
stopOnSignals('gateway', () => gateway.close());
