import assert from '../kit/assert.js';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from '@jest/globals';
import { parse } from 'graphql';
import { composeSupergraph, CompositionError } from '../../gateway/compose.js';
import { SCHEMA_DIR, staleSchemaFiles } from '../../scripts/schema-files.js';

describe('checked-in schema', () => {
  it('matches what the subgraph SDL composes to (run npm run compose when this fails)', () => {
    assert.deepEqual(staleSchemaFiles(), []);
  });

  it('is reported stale when a checked-in file differs from the composition', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'schema-'));
    try {
      cpSync(SCHEMA_DIR, dir, { recursive: true });
      const file = path.join(dir, 'supergraph.graphql');
      writeFileSync(file, readFileSync(file, 'utf8').replace('LEGAL_PERSON', 'LEGAL_ENTITY'));
      assert.deepEqual(staleSchemaFiles(dir), ['supergraph.graphql']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has a description on every type, field and enum value clients see', () => {
    const doc = parse(readFileSync(path.join(SCHEMA_DIR, 'supergraph.graphql'), 'utf8'));
    const internal = (name: string) => /^(join__|link__|_)/.test(name) || ['Query', 'Mutation'].includes(name);
    const missing: string[] = [];
    for (const def of doc.definitions) {
      if (!('name' in def) || !def.name || !('fields' in def || 'values' in def)) continue;
      const typeName = def.name.value;
      if (/^(join__|link__|_)/.test(typeName)) continue;
      if (!internal(typeName) && !('description' in def && def.description)) missing.push(`type ${typeName}`);
      for (const field of ('fields' in def && def.fields) || []) {
        if (field.name.value.startsWith('_')) continue;
        if (!field.description) missing.push(`${typeName}.${field.name.value}`);
      }
      for (const value of ('values' in def && def.values) || []) if (!value.description) missing.push(`${typeName}.${value.name.value}`);
    }
    assert.deepEqual(missing, []);
  });

  it('reports composition errors with their messages', () => {
    assert.throws(
      () => composeSupergraph([
        { name: 'a', url: 'http://a', sdl: 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"]) type Query { x: Int }' },
        { name: 'b', url: 'http://b', sdl: 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"]) type Query { x: String }' },
      ]),
      (err: unknown) => err instanceof CompositionError && err.messages.some((m) => m.includes('Query.x')),
    );
  });
});
