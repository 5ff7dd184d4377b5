import { serveSubgraph } from '../kit/serve.js';
import { defaultPort } from '../services.js';
import { tax } from './server.js';

await serveSubgraph(tax, defaultPort('tax'));
