import { serveSubgraph } from '../kit/serve.js';
import { defaultPort } from '../services.js';
import { platform } from './server.js';

await serveSubgraph(platform, defaultPort('platform'));
