import { serveSubgraph } from '../kit/serve.js';
import { ECOLOGY_DEFAULT_PORT, ecology } from './server.js';

await serveSubgraph(ecology, ECOLOGY_DEFAULT_PORT);
