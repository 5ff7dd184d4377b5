import { readFileSync } from 'node:fs';
import { ClientRegistry } from './gateway/clients.js';
import { gatewayConfigFromEnv } from './gateway/config.js';
import { callerHeaders } from './subgraphs/kit/caller.js';
import { SERVICES } from './subgraphs/services.js';
import { buildQueryPlans } from './scripts/bench/query-plans.js';
import { SCENARIOS } from './scripts/bench/scenarios.js';
import { captureChecks } from './scripts/bench/sql-capture-run.js';
import { seededIdsByKind } from './scripts/bench/ids.js';
const env = { ...process.env, DATA_DIR: '/tmp/b16/data', REQUIRE_GATEWAY_SIGNATURE: 'false' };
const cfg = gatewayConfigFromEnv(['--port', '4490'], env);
const clients = new ClientRegistry(cfg.clients);
const sdl = readFileSync(cfg.supergraphFile, 'utf8');
const plan = buildQueryPlans(sdl, { check: SCENARIOS.check.query }).check;
const k = seededIdsByKind(2000);
const res = await captureChecks({ services: SERVICES.map((s, i) => ({ name: s.name, port: 4490 + i })), env, host: '127.0.0.1', cores: undefined, dir: '/tmp/b16', plan,
  access: { callerHeaders: callerHeaders(clients.authenticate('Bearer demo-approval-key')!), timeoutMs: 10000, connections: 2, signingSecret: null }, subjects: [k.legal[0], k.legal[1], k.natural[0]] });
for (const c of res) { console.log('==', c.subject); for (const s of c.statements) console.log(s.subgraph, s.rows, s.sql.slice(0, 300), JSON.stringify(s.bindings).slice(0, 300)); }
