// The persistence engine is injected: Electron's main passes electron-store, plain Node (preview host,
// tests, crash harness) passes `conf`. electron-store is a thin wrapper over conf, so both behave the
// same: one JSON file per store, written atomically on every set.
export interface KeyValueStore<T extends Record<string, unknown> = Record<string, unknown>> {
  readonly path: string;
  get store(): T;
  /**
   * Replaces the whole file in one atomic write. Stores with a single writer that keep their state in
   * memory use this: conf's `set(key, …)` first re-reads and re-parses the file, which makes every write
   * cost the file's size twice.
   */
  set store(value: T);
  get<K extends keyof T>(key: K): T[K];
  set<K extends keyof T>(key: K, value: T[K]): void;
  /** Several keys in one atomic write. */
  set(values: Partial<T>): void;
  delete<K extends keyof T>(key: K): void;
}

export interface StoreOptions<T> {
  /** File name without extension, e.g. 'settings', 'journal'. */
  name: string;
  cwd: string;
  defaults: T;
}

export type StoreFactory = <T extends Record<string, unknown>>(options: StoreOptions<T>) => KeyValueStore<T>;
