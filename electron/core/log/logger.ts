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
  mkdirSync(dirname(filePath), { recursive: true });
  let approxSize = safeSize(filePath);

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
    appendFileSync(filePath, line);
    approxSize += Buffer.byteLength(line);
    if (options.echo) process.stderr.write(line);
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
