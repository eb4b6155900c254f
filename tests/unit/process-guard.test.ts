import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../electron/core/log/logger.ts';
import { installProcessGuard } from '../../electron/core/process-guard.ts';

// The host processes' last line of defence, on an emitter standing in for `process` (a real unhandled
// rejection in the test runner would fail the run for an unrelated reason).
function recordingLog(): Logger & { lines: Array<{ event: string; data?: Record<string, unknown> }> } {
  const lines: Array<{ event: string; data?: Record<string, unknown> }> = [];
  const push = (event: string, data?: Record<string, unknown>) => void lines.push({ event, data });
  return { lines, info: push, warn: push, error: push };
}

describe('installProcessGuard', () => {
  it('logs an unhandled rejection (name and code only) and keeps the process running', () => {
    const target = new EventEmitter();
    const log = recordingLog();
    const fatal: unknown[] = [];
    installProcessGuard({ log, onFatal: (error) => fatal.push(error) }, target);
    const error = Object.assign(new Error('Ana García 12345678Z'), { code: 'EPIPE' });
    target.emit('unhandledRejection', error);
    target.emit('unhandledRejection', 'a string');
    expect(fatal).toEqual([]);
    expect(log.lines.map((line) => line.event)).toEqual(['process.unhandled_rejection', 'process.unhandled_rejection']);
    expect(log.lines[0]!.data).toMatchObject({ error: 'Error', code: 'EPIPE' });
    expect(JSON.stringify(log.lines)).not.toContain('García');
  });

  it('hands an uncaught exception to onFatal after logging it, even when the log itself fails', () => {
    const target = new EventEmitter();
    const fatal: unknown[] = [];
    const failing: Logger = {
      info() {},
      warn() {},
      error() {
        throw new Error('EROFS');
      },
    };
    installProcessGuard({ log: failing, onFatal: (error) => fatal.push(error) }, target);
    const error = new TypeError('boom');
    expect(() => target.emit('uncaughtException', error)).not.toThrow();
    expect(() => target.emit('unhandledRejection', error)).not.toThrow();
    expect(fatal).toEqual([error]);
  });

  it('can be removed again', () => {
    const target = new EventEmitter();
    const remove = installProcessGuard({ log: recordingLog(), onFatal: () => undefined }, target);
    expect(target.listenerCount('unhandledRejection')).toBe(1);
    remove();
    expect(target.listenerCount('unhandledRejection')).toBe(0);
    expect(target.listenerCount('uncaughtException')).toBe(0);
  });
});
