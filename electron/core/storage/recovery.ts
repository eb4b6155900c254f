import { readdirSync } from 'node:fs';
import { relative, join } from 'node:path';
import type { RecoveryNotice } from '../../../shared/ipc/status-schemas.ts';
import type { SettingsFile } from '../settings/migrations.ts';
import type { KeyValueStore } from './store.ts';
import { findSetAsideFiles, type SetAsideFile } from './versioned-store.ts';

// The recovery notice: every store file that had to be set aside (this start or an earlier one) and that
// nobody has acknowledged yet. It is rebuilt from the set-aside files on disk, not from memory, so a crash
// right after a file was set aside cannot lose the notice; acknowledging records the files in settings.
export class RecoveryRegistry {
  private readonly thisRun: SetAsideFile[] = [];
  private settings: KeyValueStore<SettingsFile> | null = null;
  // The status is asked for often (every status.changed); the folders only change when a file is set aside
  // (this process is the only writer) or a notice is acknowledged.
  private cached: { notice: RecoveryNotice | null } | null = null;

  constructor(
    private readonly dataDir: string,
    /** Every folder a store of this till lives in (data dir, training folder, their history folders). */
    private readonly dirs: () => string[],
  ) {}

  record(file: SetAsideFile): void {
    this.thisRun.push(file);
    this.cached = null;
  }

  /** Files set aside during this run (for logs and tests). */
  setAsideThisRun(name?: string): SetAsideFile[] {
    return this.thisRun.filter((f) => name === undefined || f.name === name);
  }

  attachSettings(settings: KeyValueStore<SettingsFile>): void {
    this.settings = settings;
    this.cached = null;
  }

  private key(file: SetAsideFile): string {
    return relative(this.dataDir, file.setAsidePath).split('\\').join('/');
  }

  notice(): RecoveryNotice | null {
    this.cached ??= { notice: this.scan() };
    return this.cached.notice;
  }

  private scan(): RecoveryNotice | null {
    const acknowledged = new Set(this.settings?.get('acknowledgedRecoveries') ?? []);
    const details = new Map(this.thisRun.map((f) => [f.setAsidePath, f.detail]));
    const files = findSetAsideFiles(this.dirs())
      .filter((f) => !acknowledged.has(this.key(f)))
      .map((f) => ({ ...f, detail: details.get(f.setAsidePath) ?? null }));
    // The schema bounds the list; the newest are the ones that matter if a till somehow piled up more.
    return files.length ? { files: files.slice(-50) } : null;
  }

  acknowledge(): void {
    if (!this.settings) return;
    const current = this.notice();
    if (!current) return;
    const acknowledged = new Set(this.settings.get('acknowledgedRecoveries') ?? []);
    for (const file of current.files) acknowledged.add(this.key(file));
    this.settings.set('acknowledgedRecoveries', [...acknowledged].slice(-10_000));
    this.cached = null;
  }
}

/** The data folder and its subfolders (training, history…) down to a small depth, logs excepted. */
export function storeDirs(dataDir: string, depth = 3): string[] {
  const dirs = [dataDir];
  if (depth === 0) return dirs;
  let entries: Array<{ name: string; isDirectory(): boolean }>;
  try {
    entries = readdirSync(dataDir, { withFileTypes: true });
  } catch {
    return dirs;
  }
  for (const entry of entries) {
    if (entry.isDirectory() && entry.name !== 'logs' && !entry.name.startsWith('.'))
      dirs.push(...storeDirs(join(dataDir, entry.name), depth - 1));
  }
  return dirs;
}
