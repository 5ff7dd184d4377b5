import DataLoader from 'dataloader';

/**
 * A DataLoader that fetches the rows of many keys with one call and hands each key its own rows,
 * in key order. `fetch` must run one statement (a `whereIn`) for the whole batch.
 */
export function groupLoader<K extends string, R>(
  fetch: (keys: readonly K[]) => Promise<readonly R[]>,
  keyOf: (row: R) => K,
): DataLoader<K, R[]> {
  return new DataLoader<K, R[]>(
    async (keys) => {
      const byKey = new Map<K, R[]>();
      for (const row of await fetch(keys)) {
        const key = keyOf(row);
        const list = byKey.get(key);
        if (list) list.push(row);
        else byKey.set(key, [row]);
      }
      return keys.map((key) => byKey.get(key) ?? []);
    },
    { maxBatchSize: 5000 },
  );
}

/** Like `groupLoader`, for keys that have at most one row. */
export function oneLoader<K extends string, R>(
  fetch: (keys: readonly K[]) => Promise<readonly R[]>,
  keyOf: (row: R) => K,
): DataLoader<K, R | null> {
  return new DataLoader<K, R | null>(
    async (keys) => {
      const byKey = new Map<K, R>();
      for (const row of await fetch(keys)) byKey.set(keyOf(row), row);
      return keys.map((key) => byKey.get(key) ?? null);
    },
    { maxBatchSize: 5000 },
  );
}
