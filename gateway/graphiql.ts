import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { today } from '../subgraphs/kit/clock.js';
import { exampleTabs } from './graphiql-examples.js';
import { StaticAsset } from './static-assets.js';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));
const STATIC_DIR = path.resolve(import.meta.dirname, 'static');
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/**
 * GraphiQL 3's prebuilt browser bundle (it expects React 18 as globals) and React 18's own
 * browser builds, served from node_modules: nothing is fetched from the internet, and there is
 * no build step.
 */
const ASSETS = new Map<string, StaticAsset>([
  ['react.production.min.js', new StaticAsset(path.join(packageDir('react'), 'umd/react.production.min.js'), JS)],
  ['react-dom.production.min.js', new StaticAsset(path.join(packageDir('react-dom'), 'umd/react-dom.production.min.js'), JS)],
  ['graphiql.min.js', new StaticAsset(path.join(packageDir('graphiql'), 'graphiql.min.js'), JS)],
  ['graphiql.min.css', new StaticAsset(path.join(packageDir('graphiql'), 'graphiql.min.css'), CSS)],
  ['app.js', new StaticAsset(path.join(STATIC_DIR, 'graphiql-app.js'), JS)],
  ['page.css', new StaticAsset(path.join(STATIC_DIR, 'graphiql-page.css'), CSS)],
]);

/** Everything the page loads comes from the gateway itself; GraphiQL sets inline styles and data: fonts. */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** JSON inside a <script> element: `<` escaped so no string can close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

function page(): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL · 信用联合奖惩 Credit federation</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.min.css">
<link rel="stylesheet" href="/graphiql/assets/page.css">
</head>
<body>
<header class="bar">
  <span class="title">信用联合奖惩 · GraphiQL</span>
  <form id="key-form" class="key-form" autocomplete="off">
    <label for="api-key">API 密钥 API key</label>
    <input id="api-key" name="api-key" type="password" spellcheck="false" required>
    <button type="submit">打开 Open</button>
    <span id="key-message" class="key-message" role="alert"></span>
  </form>
  <span class="signed-in"><span id="who"></span><button id="forget" type="button">更换密钥 Change key</button></span>
  <nav><a href="/status">系统状态 Status</a></nav>
</header>
<main id="graphiql" class="graphiql-host"><p class="hint">输入分析员密钥后打开示例查询。Enter your analyst key to open the example operations; it is kept in this tab only and sent as <code>Authorization: Bearer</code>.</p></main>
<script id="examples" type="application/json">${scriptJson(exampleTabs(today()))}</script>
<script src="/graphiql/assets/react.production.min.js"></script>
<script src="/graphiql/assets/react-dom.production.min.js"></script>
<script src="/graphiql/assets/graphiql.min.js"></script>
<script src="/graphiql/assets/app.js"></script>
</body>
</html>
`;
}

/**
 * Serves GraphiQL for analysts at `/graphiql` and its files at `/graphiql/assets/<name>`; true
 * when `pathname` was one of them (and answered).
 */
export function serveGraphiQL(req: IncomingMessage, res: ServerResponse, pathname: string, headers: Record<string, string>): boolean {
  if (pathname === '/graphiql' || pathname === '/graphiql/') {
    const body = page();
    res.writeHead(200, { ...headers, ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }
  if (!pathname.startsWith('/graphiql/assets/')) return false;
  const asset = ASSETS.get(pathname.slice('/graphiql/assets/'.length));
  if (!asset) {
    res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
    res.end(`no such file: ${pathname}`);
    return true;
  }
  asset.send(req, res, { ...headers, 'x-content-type-options': 'nosniff' });
  return true;
}
