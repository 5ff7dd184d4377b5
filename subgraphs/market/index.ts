import { serveSubgraph } from '../kit/serve.js';
import { defaultPort } from '../services.js';
import { market } from './server.js';

await serveSubgraph(market, defaultPort('market'));
