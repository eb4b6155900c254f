import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { redact } from './redact.ts';

// Structured JSON-lines log with a size cap: when the file passes `maxBytes` it is rotated to `.1`
// (one generation kept), so a till that runs for years never fills its disk.
export interface Logger {
  info(event: string, data?: Record<string, unknown>): void;
  warn(event: string, data?: Record<string, unknown>): void;
  error(event: string, data?: Record<string, unknown>): void;
}

export function createFileLogger(
  filePath: string,
  options: { maxBytes?: number; clock?: () => Date; echo?: boolean } = {},
): Logger {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const clock = options.clock ?? (() => new Date());
  try {
    mkdirSync(dirname(filePath), { recursive: true });
  } catch {
    // reported by the first write that fails
  }
  let approxSize = safeSize(filePath);
  let failing = false;

  function write(level: string, event: string, data: Record<string, unknown> = {}): void {
    const line =
      JSON.stringify({ at: clock().toISOString(), level, event, ...(redact(data) as Record<string, unknown>) }) + '\n';
    if (approxSize + line.length > maxBytes) {
      try {
        renameSync(filePath, `${filePath}.1`);
      } catch {
        // nothing to rotate yet
      }
      approxSize = 0;
    }
    if (options.echo) process.stderr.write(line);
    try {
      appendFileSync(filePath, line);
      approxSize += Buffer.byteLength(line);
      failing = false;
    } catch (error) {
      // A read-only or full data folder must not turn every log call into an exception in the caller (often
      // an error path already). Said once on stderr per failing stretch, then retried on each line.
      if (!failing)
        process.stderr.write(
          `sequra-pos: cannot write the log ${filePath}: ${(error as NodeJS.ErrnoException).code}\n`,
        );
      failing = true;
    }
  }

  return {
    info: (event, data) => write('info', event, data),
    warn: (event, data) => write('warn', event, data),
    error: (event, data) => write('error', event, data),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

function safeSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
