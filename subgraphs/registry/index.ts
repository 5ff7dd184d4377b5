import { serveSubgraph } from '../kit/serve.js';
import { defaultPort } from '../services.js';
import { registry } from './server.js';

await serveSubgraph(registry, defaultPort('registry'));
