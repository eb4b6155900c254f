import type { Logger } from './log/logger.ts';

// The last line of defence of a long-running host process (Electron main, the preview host). A promise
// nobody awaited that rejects is logged and the process keeps serving: the journal and outbox are written
// before any step is acknowledged, so the failed operation's own caller has already been answered or will
// retry. An uncaught exception leaves the process in an unknown state (Node's own advice): it is logged and
// handed to `onFatal`, which ends the process; the journal makes the next start resume every sale.
export interface ProcessGuardOptions {
  log: Logger;
  onFatal: (error: unknown) => void;
}

interface GuardedProcess {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  off(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  off(event: 'uncaughtException', listener: (error: Error) => void): unknown;
}

export function installProcessGuard(options: ProcessGuardOptions, target: GuardedProcess = process): () => void {
  const onRejection = (reason: unknown): void => {
    tryLog(() => options.log.error('process.unhandled_rejection', describe(reason)));
  };
  const onException = (error: Error): void => {
    tryLog(() => options.log.error('process.uncaught_exception', describe(error)));
    options.onFatal(error);
  };
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
  };
}

function describe(reason: unknown): Record<string, unknown> {
  // Name, code and the first stack frame: enough to find the bug, no message text that could carry data.
  if (!(reason instanceof Error)) return { error: typeof reason };
  const frame = reason.stack?.split('\n').find((line) => line.trim().startsWith('at '));
  return { error: reason.name, code: (reason as NodeJS.ErrnoException).code ?? null, at: frame?.trim() ?? null };
}

function tryLog(write: () => void): void {
  try {
    write();
  } catch {
    // the guard itself must never throw
  }
}
