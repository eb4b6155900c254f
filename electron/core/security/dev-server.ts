// During development the renderer may come from Vite's dev server (React refresh) instead of app://pos.
// That URL is trusted by the IPC sender check, so it is accepted only in unpackaged builds and only on
// loopback: an environment variable on a shop till must never point the app at a remote page.
export const DEV_SERVER_ENV = 'SEQURA_POS_DEV_SERVER_URL';

export function devServerUrlFrom(env: Record<string, string | undefined>, isPackaged: boolean): string | undefined {
  const raw = env[DEV_SERVER_ENV];
  if (isPackaged || !raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // The same two names isTrustedSenderUrl accepts for a dev origin.
  if (!['127.0.0.1', 'localhost'].includes(url.hostname)) return undefined;
  return url.href;
}
