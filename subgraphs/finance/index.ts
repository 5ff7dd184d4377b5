import { serveSubgraph } from '../kit/serve.js';
import { defaultPort } from '../services.js';
import { finance } from './server.js';

await serveSubgraph(finance, defaultPort('finance'));
