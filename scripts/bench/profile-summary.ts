/**
 * Where a process spent its CPU, from a V8 `.cpuprofile` (node --cpu-prof): self time by
 * function and by package or source file, as Markdown. Used by `npm run bench -- --profile`;
 * also runnable on its own: node --import tsx scripts/bench/profile-summary.ts FILE [--skip-ms N].
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The package (`undici`, `@apollo/gateway`), the repository file (`gateway/metrics.ts`), or the runtime part a script URL belongs to. */
function moduleOf(url: string, root: string): string {
  if (!url) return '(V8 built-ins and native code)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0] === 'internal' ? url.slice(5).split('/').slice(1, 2).join('/') || 'internal' : url.slice(5)}`;
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = file.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  return path.relative(root, file) || file;
}

function shortUrl(url: string, root: string): string {
  if (url.startsWith('node:')) return url;
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) return file.slice(nm + '/node_modules/'.length);
  return file.startsWith(root) ? path.relative(root, file) : file;
}

/**
 * Self time by function (top `top`) and by module, in ms and in % of the busy time (samples that
 * are not `(idle)`), over the samples after the first `skipMs` of the profile (start-up) and before `untilMs` (shut-down).
 */
export function summariseProfile(profile: CpuProfile, root: string, options: { skipMs?: number; untilMs?: number; top?: number } = {}): string {
  const skipUs = (options.skipMs ?? 0) * 1000;
  const untilUs = options.untilMs !== undefined ? options.untilMs * 1000 : Number.POSITIVE_INFINITY;
  const top = options.top ?? 30;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let t = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t < skipUs || t > untilUs) continue;
    const delta = profile.timeDeltas[i + 1] ?? 0;
    self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + delta);
  }
  // Inclusive time: each sample counts once for every function on its stack.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, { name: string; where: string; us: number }>();
  const keyOf = (id: number) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    return { key: `${functionName}|${url}|${lineNumber}`, name: functionName || '(anonymous)', where: url ? `${shortUrl(url, root)}:${lineNumber + 1}` : '', own: url !== '' && !url.startsWith('node:') && !url.includes('/node_modules/') };
  };
  for (const [id, us] of self) {
    if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = keyOf(at);
      if (!k.own || seen.has(k.key)) continue;
      seen.add(k.key);
      const entry = inclusive.get(k.key) ?? { name: k.name, where: k.where, us: 0 };
      entry.us += us;
      inclusive.set(k.key, entry);
    }
  }
  const functions = new Map<string, { name: string; where: string; module: string; us: number }>();
  const modules = new Map<string, number>();
  /** Packages as they are, the project's own files together. */
  const groups = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    busy += us;
    const module = functionName === '(garbage collector)' ? '(garbage collector)' : functionName === '(program)' ? '(program: V8 and Node outside JavaScript)' : moduleOf(url, root);
    const where = url ? `${shortUrl(url, root)}:${lineNumber + 1}` : '';
    const key = `${functionName}|${where}`;
    const entry = functions.get(key) ?? { name: functionName || '(anonymous)', where, module, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    modules.set(module, (modules.get(module) ?? 0) + us);
    const group = url && !url.startsWith('node:') && !url.includes('/node_modules/') ? "ours (the project's files)" : module;
    groups.set(group, (groups.get(group) ?? 0) + us);
  }
  const ms = (us: number) => (us / 1000).toFixed(0);
  const pct = (us: number) => (busy > 0 ? ((100 * us) / busy).toFixed(1) : '0');
  const lines = [
    `Busy ${ms(busy)} ms of CPU sampled (idle ${ms(idle)} ms${skipUs ? `; the first ${options.skipMs} ms of the process (start-up, warm-up) left out` : ''}${options.untilMs !== undefined ? `, and everything after ${options.untilMs} ms (shut-down)` : ''}). ` +
      'Self time: the time spent in the function itself, not in what it calls.',
    '',
    '### By package (graphql, @apollo/server, knex, better-sqlite3, dataloader, …) with the project\'s own files as one',
    '',
    '| Self ms | % of busy | Package |',
    '|--------:|----------:|---------|',
    ...[...groups.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([m, us]) => `| ${ms(us)} | ${pct(us)} | ${m} |`),
    '',
    '### By package or file',
    '',
    '| Self ms | % of busy | Package / file |',
    '|--------:|----------:|----------------|',
    ...[...modules.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([m, us]) => `| ${ms(us)} | ${pct(us)} | ${m} |`),
    '',
    `### Top ${top} functions`,
    '',
    '| Self ms | % of busy | Function | Where |',
    '|--------:|----------:|----------|-------|',
    ...[...functions.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => `| ${ms(f.us)} | ${pct(f.us)} | ${f.name} | ${f.where} |`),
    '',
    "### The project's own functions by total time (self and everything they call)",
    '',
    '| Total ms | % of busy | Function | Where |',
    '|---------:|----------:|----------|-------|',
    ...[...inclusive.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => `| ${ms(f.us)} | ${pct(f.us)} | ${f.name} | ${f.where} |`),
  ];
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node --import tsx scripts/bench/profile-summary.ts FILE.cpuprofile [--skip-ms N]');
    process.exit(2);
  }
  const skip = process.argv.indexOf('--skip-ms');
  const skipMs = skip > 0 ? Number(process.argv[skip + 1]) : 0;
  console.log(summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, path.resolve(import.meta.dirname, '../..'), { skipMs }));
}
