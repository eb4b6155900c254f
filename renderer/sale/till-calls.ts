import type { IpcResult } from '../../shared/ipc/result.ts';

// Guards for calls to main. A call made while the bridge to main is down can wait forever (the preview
// transport only answers once a socket opens), and a sale screen whose buttons wait forever is a till that
// cannot sell. So a call is not made while the bridge is down, and one that gets no answer in time is
// reported as such; main's journal stays the truth and is reloaded when the bridge comes back.

/** Marks failures the renderer produced itself (no answer from main), so they get their own words. */
export const TILL_NOT_ANSWERING = 'renderer: the till did not answer';

/** Saves are small and local: 10 s without an answer means main or the bridge is gone. */
export const SAVE_TIMEOUT_MS = 10_000;
/** Actions may wait for SeQura (main waits up to 20 s for a confirmation), so they get longer. */
export const ACTION_TIMEOUT_MS = 60_000;

export function tillNotAnswering<T>(): IpcResult<T> {
  return { ok: false, error: { code: 'internal', message: TILL_NOT_ANSWERING, retryable: true } };
}

export function withTimeout<T>(call: Promise<IpcResult<T>>, ms: number): Promise<IpcResult<T>> {
  let timer: number | undefined;
  const timeout = new Promise<IpcResult<T>>((resolve) => {
    timer = window.setTimeout(() => resolve(tillNotAnswering<T>()), ms);
  });
  return Promise.race([call, timeout]).finally(() => window.clearTimeout(timer));
}
