/** The generated files under schema/: each subgraph's full SDL and the composed supergraph. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeSupergraph } from '../gateway/compose.js';
import { DEFINITIONS } from '../subgraphs/definitions.js';
import { defaultUrl, SERVICES } from '../subgraphs/services.js';

export const SCHEMA_DIR = path.resolve(import.meta.dirname, '../schema');

/** The files under schema/ as they should be, by file name. */
export function expectedSchemaFiles(): Map<string, string> {
  const sources = SERVICES.map(({ name }) => ({ name, url: defaultUrl(name), sdl: DEFINITIONS[name].sdl }));
  const files = new Map<string, string>();
  for (const s of sources) files.set(`${s.name}.graphql`, s.sdl.endsWith('\n') ? s.sdl : `${s.sdl}\n`);
  files.set('supergraph.graphql', `${composeSupergraph(sources)}\n`);
  return files;
}

/** The generated files in `dir` that differ from what composition produces now. */
export function staleSchemaFiles(dir: string = SCHEMA_DIR): string[] {
  const stale: string[] = [];
  for (const [file, content] of expectedSchemaFiles()) {
    let current = '';
    try {
      current = readFileSync(path.join(dir, file), 'utf8');
    } catch {
      /* missing counts as stale */
    }
    if (current !== content) stale.push(file);
  }
  return stale;
}
