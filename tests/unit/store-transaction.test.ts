import assert from '../kit/assert.js';
import { afterAll, beforeAll, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { openDatabase } from '../../subgraphs/kit/database.js';
import { insertMany } from '../../subgraphs/kit/insert-many.js';
import { closeReads, runStatement, storeTransaction } from '../../subgraphs/kit/sql.js';

/** The check store's transaction on SQLite (subgraphs/kit/sql.ts): all or nothing, and the connection back clean. */
let dir: string;
let db: Knex;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'store-trx-'));
  db = await openDatabase({ engine: 'sqlite', file: path.join(dir, 't.sqlite') });
  await db.schema.createTable('items', (t) => {
    t.string('id').primary();
    t.integer('n').notNullable();
  });
});
afterAll(async () => {
  closeReads(db);
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const ids = async () => (await db('items').select('id').orderBy('id')).map((r: { id: string }) => r.id);

it('commits every statement of the work together', async () => {
  const answer = await storeTransaction(db, async (trx) => {
    await insertMany(trx, 'items', ['id', 'n'], [{ id: 'a', n: 1 }]);
    await insertMany(trx, 'items', ['id', 'n'], [{ id: 'b', n: 2 }, { id: 'c', n: 3 }]);
    return 'stored';
  });
  assert.equal(answer, 'stored');
  assert.deepEqual(await ids(), ['a', 'b', 'c']);
});

it('keeps nothing of a work that fails, and leaves the connection outside any transaction', async () => {
  await assert.rejects(
    storeTransaction(db, async (trx) => {
      await insertMany(trx, 'items', ['id', 'n'], [{ id: 'd', n: 4 }]);
      await insertMany(trx, 'items', ['id', 'n'], [{ id: 'a', n: 5 }]); // duplicate key
    }),
    /UNIQUE constraint failed/,
  );
  assert.deepEqual(await ids(), ['a', 'b', 'c']);
  // The same (single) connection serves the next transaction and knex's own statements normally.
  await storeTransaction(db, (trx) => runStatement(trx, 'update items set n = n + 10 where id = ?', ['b']));
  assert.equal(((await db('items').where({ id: 'b' }).first()) as { n: number }).n, 12);
  await db.transaction(async (trx) => trx('items').insert({ id: 'e', n: 6 }));
  assert.deepEqual(await ids(), ['a', 'b', 'c', 'e']);
});
