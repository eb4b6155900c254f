// Which pages may talk to main. The packaged app serves its renderer from app://pos/; during
// development Vite's dev server may serve it from a loopback URL given at start-up.

export function isTrustedSenderUrl(senderUrl: string | undefined, devServerOrigin?: string): boolean {
  if (!senderUrl) return false;
  let url: URL;
  try {
    url = new URL(senderUrl);
  } catch {
    return false;
  }
  if (url.protocol === 'app:' && url.host === 'pos') return true;
  if (devServerOrigin) {
    try {
      return url.origin === new URL(devServerOrigin).origin && ['127.0.0.1', 'localhost'].includes(url.hostname);
    } catch {
      return false;
    }
  }
  return false;
}
