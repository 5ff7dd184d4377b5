import assert from '../kit/assert.js';
import { it } from '@jest/globals';
import { expandLists } from '../../subgraphs/kit/sql.js';

it('writes list parameters out as placeholders and flattens their values, as mysql2 sends them', () => {
  assert.deepEqual(expandLists('select * from t where a in (?) and b = ?', [['x', 'y', 'z'], 3]), {
    sql: 'select * from t where a in (?, ?, ?) and b = ?',
    bindings: ['x', 'y', 'z', 3],
  });
  assert.deepEqual(expandLists('insert into t (a, b) values ?', [[[1, 'p'], [2, null]]]), {
    sql: 'insert into t (a, b) values (?, ?), (?, ?)',
    bindings: [1, 'p', 2, null],
  });
  assert.deepEqual(expandLists('update t set a = ? where id = 1', ['v']), { sql: 'update t set a = ? where id = 1', bindings: ['v'] });
});
