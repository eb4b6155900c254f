import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { storageErrorOf } from './storage-error.ts';

// PRAGMA quick_check of the till database, run where it does not hold up the start: on a second, read-only
// connection in a worker thread, while the core opens the database on its own connection and shows the screen.
// A read-only connection can neither write the file nor fold its -wal into it, and while it is open the core's
// connection is not the last one, so closing that one does not checkpoint either: a database the check finds
// damaged is still byte for byte as it was found (db/startup.ts then moves it aside).

/** What the check found: sound, or what is wrong in SQLite's words (shown to store IT). */
export type CheckVerdict = { ok: true } | { ok: false; detail: string };

export interface RunningCheck {
  /** Settles once, with the verdict; rejects only when the file could not be read at all (a disk error). */
  readonly verdict: Promise<CheckVerdict>;
  /** Closes the check's connection and ends its thread (once the verdict is in, or to give up on it). */
  close(): Promise<void>;
}

/** Starts a check of the database at `path`. */
export type QuickCheckRunner = (path: string) => RunningCheck;

/**
 * The worker's code. Inline (evaluated as CommonJS) rather than a file of its own, so that it runs the same
 * from the TypeScript sources and from the app's single bundled main file; it loads the database binding from
 * the path the main thread resolved. It keeps its connection open after answering until it is told to close.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.bindingPath);
let sql = null;
try {
  sql = new Database(workerData.path, { readonly: true, fileMustExist: true });
  const rows = sql.pragma('quick_check');
  const problems = rows.map((row) => Object.values(row)[0] ?? '').filter((text) => text !== 'ok');
  parentPort.postMessage({ kind: 'checked', problems });
} catch (error) {
  parentPort.postMessage({ kind: 'failed', code: error && error.code, message: String((error && error.message) || error) });
}
parentPort.once('message', () => {
  try { if (sql) sql.close(); } catch {}
  parentPort.close();
});
`;

type WorkerAnswer =
  { kind: 'checked'; problems: string[] } | { kind: 'failed'; code: string | undefined; message: string };

export interface WorkerCheckOptions {
  /** Where the worker loads better-sqlite3 from; tests pass a wrong one to exercise the fallback. */
  bindingPath?: string;
  /** Told when the worker could not run the check and it was run on this thread instead. */
  onFallback?: (reason: string) => void;
}

/**
 * The production runner: the check in a worker thread. If the worker cannot start or dies before it answers,
 * the check runs here, synchronously, as it did at every start before: the verdict is never skipped.
 */
export function quickCheckInWorker(options: WorkerCheckOptions = {}): QuickCheckRunner {
  return (path) => {
    let worker: Worker | null = null;
    let exited: Promise<void> = Promise.resolve();
    let fellBack = false;
    const verdict = new Promise<CheckVerdict>((resolve, reject) => {
      const fallBack = (reason: string) => {
        if (fellBack) return;
        fellBack = true;
        options.onFallback?.(reason);
        try {
          const problem = quickCheckHere(path);
          resolve(problem === null ? { ok: true } : { ok: false, detail: problem });
        } catch (error) {
          reject(error);
        }
      };
      try {
        worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { path, bindingPath: options.bindingPath ?? bindingPath() },
        });
      } catch (error) {
        fallBack(error instanceof Error ? error.message : String(error));
        return;
      }
      const started = worker;
      exited = new Promise<void>((resolve) => started.once('exit', () => resolve()));
      // Never what keeps a process alive (a host quitting, a test ending).
      worker.unref();
      let answered = false;
      worker.once('message', (answer: WorkerAnswer) => {
        answered = true;
        if (answer.kind === 'checked') {
          resolve(
            answer.problems.length === 0 ? { ok: true } : { ok: false, detail: describeProblems(answer.problems) },
          );
          return;
        }
        const fault = storageErrorOf(Object.assign(new Error(answer.message), { code: answer.code }));
        // Damage (not a database, malformed) is the verdict; anything else (the binding would not load, a
        // disk error) is checked again here, where a disk error is reported as such.
        if (fault?.code === 'storage_corrupt') resolve({ ok: false, detail: fault.message.slice(0, 300) });
        else fallBack(answer.message);
      });
      worker.once('error', (error) => {
        if (!answered) fallBack(error.message);
      });
      worker.once('exit', (code) => {
        if (!answered) fallBack(`the check's thread ended (${code})`);
      });
    });
    return {
      verdict,
      async close() {
        const running = worker;
        worker = null;
        // A thread that already ended ignores the message; either way it has ended once `exited` settles.
        // Held alive until it has closed its connection, so that a process ending now waits for that.
        running?.ref();
        running?.postMessage('close');
        await exited;
      },
    };
  };
}

/** PRAGMA quick_check through a read-only connection on this thread: null when sound, else what is wrong. */
export function quickCheckHere(path: string): string | null {
  let sql: Database.Database | null = null;
  try {
    sql = new Database(path, { readonly: true, fileMustExist: true });
    const rows = sql.pragma('quick_check') as Array<Record<string, string>>;
    const problems = rows.map((row) => Object.values(row)[0] ?? '').filter((text) => text !== 'ok');
    return problems.length === 0 ? null : describeProblems(problems);
  } catch (error) {
    const fault = storageErrorOf(error);
    // Damage (not a database, malformed): reported. Anything else (a disk error, no permission) is not the
    // file's fault and must not move it: the caller fails with that error instead.
    if (fault?.code === 'storage_corrupt') return fault.message.slice(0, 300);
    throw fault ?? error;
  } finally {
    try {
      sql?.close();
    } catch {
      // a connection that never opened
    }
  }
}

function describeProblems(problems: string[]): string {
  return problems.slice(0, 5).join('; ').slice(0, 300);
}

function bindingPath(): string {
  return createRequire(import.meta.url).resolve('better-sqlite3');
}
