/**
 * Composes the default supergraph from the subgraphs' SDL and writes it, with each subgraph's
 * full SDL, under schema/. `--check` writes nothing and fails if a checked-in file is stale.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expectedSchemaFiles, SCHEMA_DIR, staleSchemaFiles } from './schema-files.js';

if (process.argv.includes('--check')) {
  const stale = staleSchemaFiles();
  if (stale.length > 0) {
    console.error(`schema/ is stale (${stale.join(', ')}): run npm run compose`);
    process.exit(1);
  }
  console.log('schema/ is up to date');
} else {
  for (const [file, content] of expectedSchemaFiles()) writeFileSync(path.join(SCHEMA_DIR, file), content);
  console.log(`wrote ${[...expectedSchemaFiles().keys()].map((f) => `schema/${f}`).join(', ')}`);
}
