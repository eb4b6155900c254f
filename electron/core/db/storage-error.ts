// Storage faults as one typed family. Whatever layer noticed it (Node's fs with an errno, SQLite with its
// result code), the till reacts the same way: the action that needed the write is refused with one of these
// codes, no SeQura call is made whose outcome could not be recorded, and nothing already recorded is touched.
// The codes are the ones the IPC contract carries to the renderer, which words them for the cashier.
export const STORAGE_ERROR_CODES = [
  'storage_full', // the disk (or the user's quota) is full: free space
  'storage_read_only', // the data folder cannot be written (read-only volume, permissions)
  'storage_io', // the disk reported an I/O error: hardware, a removed drive, a network share that went away
  'storage_corrupt', // the database file is damaged (or is not a database)
  'storage_newer_version', // the database was written by a newer version of the app (a downgrade)
] as const;
export type StorageErrorCode = (typeof STORAGE_ERROR_CODES)[number];

export class StorageError extends Error {
  override readonly name = 'StorageError';

  constructor(
    readonly code: StorageErrorCode,
    message: string,
    /** The errno or SQLite code it came from ('ENOSPC', 'SQLITE_FULL', 'SQLITE_IOERR_WRITE'…). */
    readonly cause_code: string | null = null,
  ) {
    super(message);
  }
}

// Node errno → family. EDQUOT is a full quota, which to the cashier is the same as a full disk.
const ERRNO: Readonly<Record<string, StorageErrorCode>> = {
  ENOSPC: 'storage_full',
  EDQUOT: 'storage_full',
  EROFS: 'storage_read_only',
  EACCES: 'storage_read_only',
  EPERM: 'storage_read_only',
  EIO: 'storage_io',
};

// SQLite primary result code → family. better-sqlite3 reports extended codes (SQLITE_IOERR_WRITE,
// SQLITE_READONLY_DBMOVED…), so the primary code is the part before the second underscore.
const SQLITE: Readonly<Record<string, StorageErrorCode>> = {
  SQLITE_FULL: 'storage_full',
  SQLITE_READONLY: 'storage_read_only',
  SQLITE_PERM: 'storage_read_only',
  SQLITE_IOERR: 'storage_io',
  SQLITE_CANTOPEN: 'storage_io',
  SQLITE_CORRUPT: 'storage_corrupt',
  SQLITE_NOTADB: 'storage_corrupt',
};

const MESSAGES: Readonly<Record<StorageErrorCode, string>> = {
  storage_full: 'The disk of this till is full: nothing can be recorded until space is freed.',
  storage_read_only: 'The data folder of this till cannot be written.',
  storage_io: 'The disk of this till reported an error while recording.',
  storage_corrupt: 'The till database is damaged.',
  storage_newer_version: 'The till database was written by a newer version of the app.',
};

function primarySqliteCode(code: string): string {
  const [, family] = /^(SQLITE_[A-Z]+)/.exec(code) ?? [];
  return family ?? code;
}

/** The storage fault this error stands for, or null when it is something else (a bug, a constraint…). */
export function storageErrorOf(error: unknown): StorageError | null {
  if (error instanceof StorageError) return error;
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return null;
  const family = code.startsWith('SQLITE_') ? SQLITE[primarySqliteCode(code)] : ERRNO[code];
  if (!family) return null;
  const detail = error instanceof Error ? error.message : code;
  return new StorageError(family, `${MESSAGES[family]} (${detail})`.slice(0, 500), code);
}

/** Rethrows a storage fault as its typed StorageError; anything else unchanged. */
export function rethrowAsStorageError(error: unknown): never {
  throw storageErrorOf(error) ?? error;
}
