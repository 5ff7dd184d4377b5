import type { GatewayStatus } from './gateway-status.js';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const time = (iso: string | null) => (iso ? escape(iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')) : '—');
const RECENT_SHOWN = 20;

const STYLE = `
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Noto Sans CJK SC', 'WenQuanYi Zen Hei', sans-serif; color: #1f2933; background: #f5f7fa; }
header { display: flex; align-items: baseline; gap: 1rem; padding: 0.75rem 1.5rem; background: #12355b; color: #fff; }
header h1 { margin: 0; font-size: 18px; font-weight: 600; }
header nav { margin-left: auto; display: flex; gap: 1rem; }
header a { color: #cfe3ff; }
main { padding: 1rem 1.5rem 2rem; max-width: 80rem; }
h2 { font-size: 15px; margin: 1.5rem 0 0.5rem; }
table { border-collapse: collapse; width: 100%; background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,0.08); }
th, td { text-align: left; padding: 0.4rem 0.75rem; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
th { background: #eef2f7; font-weight: 600; font-size: 13px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 12px ui-monospace, 'Fira Code', monospace; }
.badge { display: inline-block; padding: 0 0.5rem; border-radius: 999px; font-size: 12px; font-weight: 600; }
.up, .ready { background: #d3f9d8; color: #1b5e20; }
.down, .not-ready { background: #ffe3e3; color: #a61b1b; }
.marked-down { background: #fff3bf; color: #7a5a00; }
.facts { display: grid; grid-template-columns: max-content auto; gap: 0.25rem 1rem; background: #fff; padding: 0.75rem 1rem; box-shadow: 0 1px 2px rgba(0,0,0,0.08); }
.facts dt { color: #52606d; }
.facts dd { margin: 0; }
.empty { color: #52606d; background: #fff; padding: 0.75rem 1rem; }
`;

/** The status page: subgraphs, the supergraph version, recent errors by source and by client. No script, nothing external. */
export function renderStatusPage(status: GatewayStatus): string {
  const { supergraph } = status;
  const subgraphRows = status.subgraphs
    .map(
      (s) => `<tr data-subgraph="${escape(s.name)}">
  <td><strong>${escape(s.name)}</strong></td>
  <td><span class="badge ${s.status.replace(' ', '-')}">${escape(s.status)}</span></td>
  <td class="num">${s.latencyMs === null ? '—' : `${s.latencyMs} ms`}</td>
  <td><code title="${escape(s.sdlHash ?? '')}">${s.sdlHash ? escape(s.sdlHash.slice(0, 12)) : '—'}</code></td>
  <td><code>${escape(s.url)}</code></td>
  <td>${s.detail ? escape(s.detail) : ''}</td>
</tr>`,
    )
    .join('\n');
  const bySource = status.errors.bySource
    .map((e) => `<tr><td><strong>${escape(e.source)}</strong></td><td class="num">${e.count}</td><td>${time(e.lastAt)}</td><td>${escape(e.lastMessage)}</td></tr>`)
    .join('\n');
  const client = (clientId: string | null | undefined) => (clientId ? escape(clientId) : '<em>no client</em>');
  const byClient = status.errors.byClient
    .map(
      (c) =>
        `<tr data-client="${escape(c.clientId ?? '')}"><td><strong>${client(c.clientId)}</strong></td><td class="num">${c.count}</td><td>${escape(c.sources.join(', '))}</td><td>${time(c.lastAt)}</td><td>${escape(c.lastSource)}: ${escape(c.lastMessage)}</td><td><code>${escape(c.lastRequestId ?? '')}</code></td></tr>`,
    )
    .join('\n');
  const recent = status.errors.recent
    .slice(0, RECENT_SHOWN)
    .map((e) => `<tr><td>${time(e.at)}</td><td>${client(e.clientId)}</td><td>${escape(e.source)}</td><td><code>${escape(e.code)}</code></td><td>${escape(e.message)}</td><td><code>${escape(e.requestId ?? '')}</code></td></tr>`)
    .join('\n');
  const registry = status.registry;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="15">
<title>系统状态 Status · 信用联合奖惩 Credit federation</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>系统状态 Status</h1>
  <span id="readiness" class="badge ${status.ready ? 'ready' : 'not-ready'}">${status.ready ? 'ready' : 'not ready'}</span>
  <nav><a href="/graphiql">GraphiQL</a><a href="/status.json">status.json</a><a href="/health/ready">/health/ready</a><a href="/metrics">/metrics</a></nav>
</header>
<main>
<h2>超级图 Supergraph</h2>
<dl class="facts" id="supergraph">
  <dt>版本 Version</dt><dd>${supergraph.source === 'registry' ? `<strong>${supergraph.version}</strong> (registry)` : 'supergraph file (no registry version)'}</dd>
  <dt>组合时间 Composed at</dt><dd>${time(supergraph.composedAt)}</dd>
  <dt>哈希 SHA-256</dt><dd><code>${escape(supergraph.hash)}</code></dd>
  <dt>注册中心 Registry</dt><dd>${registry ? `${registry.loaded ? 'loaded' : 'not loaded'}, database ${registry.databaseReachable ? 'reachable' : '<strong>unreachable</strong>'}` : 'not used (serving a file)'}</dd>
  <dt>网关启动 Gateway started</dt><dd>${time(status.startedAt)}</dd>
  <dt>生成时间 Generated at</dt><dd>${time(status.generatedAt)}</dd>
</dl>
<h2>子图 Subgraphs (${status.subgraphs.length})</h2>
<table id="subgraphs">
<thead><tr><th>名称 Name</th><th>健康 Health</th><th>延迟 Latency</th><th>版本 SDL hash</th><th>地址 URL</th><th>说明 Detail</th></tr></thead>
<tbody>
${subgraphRows}
</tbody>
</table>
<h2>近期错误（按来源）Recent errors by source</h2>
${
  bySource
    ? `<table id="errors-by-source"><thead><tr><th>来源 Source</th><th>次数 Count</th><th>最近 Last at</th><th>最近错误 Last error</th></tr></thead><tbody>
${bySource}
</tbody></table>
<h2>近期错误（按客户端）Recent errors by client</h2>
<p>Each client's failures are kept apart: a client that fails often (the push relay polling a department that is down) does not push another client's out of this table.</p>
<table id="errors-by-client"><thead><tr><th>客户端 Client</th><th>次数 Count</th><th>来源 Sources</th><th>最近 Last at</th><th>最近错误 Last error</th><th>请求 Request id</th></tr></thead><tbody>
${byClient}
</tbody></table>
<h2>最近 ${Math.min(RECENT_SHOWN, status.errors.recent.length)} 条 Latest errors</h2>
<table id="recent-errors"><thead><tr><th>时间 At</th><th>客户端 Client</th><th>来源 Source</th><th>代码 Code</th><th>错误 Error</th><th>请求 Request id</th></tr></thead><tbody>
${recent}
</tbody></table>`
    : '<p class="empty" id="errors-by-source">No subgraph errors since the gateway started. 网关启动以来没有子图错误。</p>'
}
</main>
</body>
</html>
`;
}
