import { serveSubgraph } from '../kit/serve.js';
import { defaultPort } from '../services.js';
import { courts } from './server.js';

await serveSubgraph(courts, defaultPort('courts'));
