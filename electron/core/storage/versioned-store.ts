import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
  existsSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { KeyValueStore, StoreFactory, StoreOptions } from './store.ts';

// Every JSON file the till keeps goes through here before the store engine (conf / electron-store) opens
// it, because the engine alone has only two answers to a bad file: throw (the app would not start) or, with
// clearInvalidConfig, silently start empty (a lost journal is a lost sale). Here instead:
//  - a file that is not JSON (truncated, garbage) or not the shape we write is *set aside*: renamed to
//    `<name>.corrupt-<timestamp>.json` in the same folder, kept for store IT and support, and reported as a
//    recovery notice; the store then starts from its defaults, and the notice stays until someone
//    acknowledges it (nothing is reset silently);
//  - a file written by an older version is migrated with our own tested migrations (conf's are documented as
//    unsupported), the original kept as `<name>.v<old>-backup-<timestamp>.json`, and re-saved;
//  - a file written by a *newer* version (the till was downgraded) is never touched by this older code: it
//    is set aside as `<name>.newer-v<version>-<timestamp>.json` with a notice, never overwritten;
//  - temp files an interrupted atomic write left behind (`<name>.json.tmp-…`) are removed: the rename never
//    happened, so the real file still holds the last complete write.

/** What one store's files look like across versions. */
export interface StoreSpec {
  /** The version this build writes. */
  currentVersion: number;
  /** `migrations[n]` turns a version-n file into a version-(n+1) one. Pure functions, tested one by one. */
  migrations: Readonly<Record<number, (data: Record<string, unknown>) => Record<string, unknown>>>;
  /** Shape check of a current-version file: a short reason when it is not what we write, else null. */
  validate: (data: Record<string, unknown>) => string | null;
}

export type RecoveryReason = 'corrupt' | 'newer_version';

export interface SetAsideFile {
  /** The store's name: 'journal', 'outbox', 'settings', 'history-2026-05'. */
  name: string;
  /** Where the bad file now is (absolute). */
  setAsidePath: string;
  reason: RecoveryReason;
  /** What was wrong, when known (this session only; a later start only knows the reason from the file name). */
  detail: string | null;
  at: string;
}

export interface VersionedStoreEvents {
  onSetAside?: (file: SetAsideFile) => void;
  onMigrated?: (info: { name: string; from: number; to: number; backupPath: string }) => void;
  onTempFilesRemoved?: (info: { name: string; count: number }) => void;
}

export interface VersionedStoreOptions extends VersionedStoreEvents {
  /** Which spec applies to a store name (null: only "must be a JSON object" is checked). */
  specFor: (name: string) => StoreSpec | null;
  clock?: () => Date;
}

/** Outcome of looking at the file before the engine opens it. */
export type Inspection =
  | { kind: 'absent' }
  | { kind: 'current' }
  | { kind: 'migrate'; from: number; data: Record<string, unknown> }
  | { kind: 'corrupt'; detail: string }
  | { kind: 'newer'; version: number };

export function storeFilePath(options: Pick<StoreOptions<unknown>, 'cwd' | 'name'>): string {
  return join(options.cwd, `${options.name}.json`);
}

/** Reads and classifies a store file without changing anything. */
export function inspectStoreFile(path: string, spec: StoreSpec | null): Inspection {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    // Unreadable (permissions, I/O error): setting it aside would fail too; let the engine report it.
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return {
      kind: 'corrupt',
      detail: `not valid JSON (${text.length} bytes): ${(error as Error).message}`.slice(0, 300),
    };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return {
      kind: 'corrupt',
      detail: `not a JSON object (${data === null ? 'null' : Array.isArray(data) ? 'array' : typeof data})`,
    };
  }
  const record = data as Record<string, unknown>;
  if (!spec) return { kind: 'current' };
  const version = record.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return {
      kind: 'corrupt',
      detail: `schemaVersion is missing or not a positive integer (${JSON.stringify(version)?.slice(0, 40)})`,
    };
  }
  if (version > spec.currentVersion) return { kind: 'newer', version };
  if (version < spec.currentVersion) return { kind: 'migrate', from: version, data: record };
  const problem = spec.validate(record);
  return problem ? { kind: 'corrupt', detail: problem.slice(0, 300) } : { kind: 'current' };
}

/** Runs the migration chain from `from` to the spec's current version; throws if a step is missing or fails. */
export function migrate(spec: StoreSpec, from: number, data: Record<string, unknown>): Record<string, unknown> {
  let current = structuredClone(data);
  for (let version = from; version < spec.currentVersion; version += 1) {
    const step = spec.migrations[version];
    if (!step) throw new Error(`no migration from schemaVersion ${version}`);
    current = step(current);
    if (current.schemaVersion !== version + 1)
      throw new Error(`the migration from ${version} did not produce schemaVersion ${version + 1}`);
  }
  const problem = spec.validate(current);
  if (problem) throw new Error(`migrated file is not valid: ${problem}`);
  return current;
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

/** A name next to `path` that does not exist yet: `<name>.<label>-<stamp>.json` (suffixed if taken). */
function sideName(path: string, label: string, date: Date): string {
  const dir = dirname(path);
  const name = basename(path, '.json');
  for (let n = 0; n < 1000; n += 1) {
    const candidate = join(dir, `${name}.${label}-${stamp(date)}${n ? `-${n}` : ''}.json`);
    if (!existsSync(candidate)) return candidate;
  }
  throw new Error(`cannot find a free name to set ${path} aside`);
}

/** Writes a whole file atomically (temp file, fsync, rename), as conf does. */
export function writeJsonAtomically(path: string, value: unknown): void {
  const temp = `${path}.tmp-migrate-${process.pid}`;
  const fd = openSync(temp, 'w', 0o666);
  try {
    writeSync(fd, JSON.stringify(value, undefined, '\t'));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/** Leftovers of atomic writes that never got renamed (the process died mid-write): never the real data. */
function removeStaleTempFiles(path: string): number {
  const dir = dirname(path);
  const prefix = `${basename(path)}.tmp-`;
  let count = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    try {
      rmSync(join(dir, entry), { force: true });
      count += 1;
    } catch {
      // Someone else's lock on Windows, say: harmless, it is tried again at the next start.
    }
  }
  return count;
}

/**
 * Prepares the file of one store (set aside / migrate / clean up) and returns what happened. Call it only
 * from the single writer (the app holds a single-instance lock), before the engine opens the file.
 */
export function prepareStoreFile(
  options: Pick<StoreOptions<unknown>, 'cwd' | 'name'>,
  spec: StoreSpec | null,
  events: VersionedStoreEvents & { clock?: () => Date } = {},
): Inspection {
  const clock = events.clock ?? (() => new Date());
  const path = storeFilePath(options);
  const removed = removeStaleTempFiles(path);
  if (removed > 0) events.onTempFilesRemoved?.({ name: options.name, count: removed });
  const inspection = inspectStoreFile(path, spec);
  const setAside = (reason: RecoveryReason, label: string, detail: string | null) => {
    const now = clock();
    const target = sideName(path, label, now);
    renameSync(path, target);
    events.onSetAside?.({ name: options.name, setAsidePath: target, reason, detail, at: now.toISOString() });
  };
  if (inspection.kind === 'corrupt') {
    setAside('corrupt', 'corrupt', inspection.detail);
  } else if (inspection.kind === 'newer') {
    setAside(
      'newer_version',
      `newer-v${inspection.version}`,
      `written by a newer version of the app (schemaVersion ${inspection.version}, this one reads up to ${spec!.currentVersion})`,
    );
  } else if (inspection.kind === 'migrate') {
    let migrated: Record<string, unknown>;
    try {
      migrated = migrate(spec!, inspection.from, inspection.data);
    } catch (error) {
      // A file we cannot migrate is treated like a corrupt one: kept aside, reported, never half-converted.
      setAside(
        'corrupt',
        'corrupt',
        `migration from schemaVersion ${inspection.from} failed: ${(error as Error).message}`,
      );
      return { kind: 'corrupt', detail: (error as Error).message };
    }
    const now = clock();
    const backupPath = sideName(path, `v${inspection.from}-backup`, now);
    writeFileSync(backupPath, readFileSync(path));
    writeJsonAtomically(path, migrated);
    events.onMigrated?.({ name: options.name, from: inspection.from, to: spec!.currentVersion, backupPath });
  }
  return inspection;
}

/**
 * Wraps a store engine so every store it opens is prepared first. If the engine still refuses the file
 * (a check we do not make), the file is set aside and opened once more from defaults rather than crashing.
 */
export function versionedStoreFactory(engine: StoreFactory, options: VersionedStoreOptions): StoreFactory {
  return <T extends Record<string, unknown>>(storeOptions: StoreOptions<T>): KeyValueStore<T> => {
    const spec = options.specFor(storeOptions.name);
    prepareStoreFile(storeOptions, spec, options);
    try {
      return engine(storeOptions);
    } catch (error) {
      const path = storeFilePath(storeOptions);
      if (!existsSync(path)) throw error;
      const now = (options.clock ?? (() => new Date()))();
      const target = sideName(path, 'corrupt', now);
      renameSync(path, target);
      options.onSetAside?.({
        name: storeOptions.name,
        setAsidePath: target,
        reason: 'corrupt',
        detail: `the store engine refused it: ${(error as Error).message}`.slice(0, 300),
        at: now.toISOString(),
      });
      return engine(storeOptions);
    }
  };
}

const SET_ASIDE_PATTERN = /^(.+)\.(corrupt|newer-v\d+)-(\d{8}T\d{9}Z)(?:-\d+)?\.json$/;

/** Set-aside files found in these folders (from this start or an earlier one), oldest first. */
export function findSetAsideFiles(dirs: string[]): SetAsideFile[] {
  const found: SetAsideFile[] = [];
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const match = SET_ASIDE_PATTERN.exec(entry);
      if (!match) continue;
      const [, name, label, when] = match as unknown as [string, string, string, string];
      const at = `${when.slice(0, 4)}-${when.slice(4, 6)}-${when.slice(6, 8)}T${when.slice(9, 11)}:${when.slice(11, 13)}:${when.slice(13, 15)}.${when.slice(15, 18)}Z`;
      found.push({
        name,
        setAsidePath: join(dir, entry),
        reason: label === 'corrupt' ? 'corrupt' : 'newer_version',
        detail: null,
        at,
      });
    }
  }
  return found.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
