// The app never opens windows of its own. The one link a cashier may follow out of it is the training
// sandbox's virtual shopper phone (loopback, training mode only), which opens in the system browser.
export function isTrainingPhoneUrl(url: string, trainingSandboxBaseUrl: string | null): boolean {
  if (!trainingSandboxBaseUrl) return false;
  let target: URL;
  let sandbox: URL;
  try {
    target = new URL(url);
    sandbox = new URL(trainingSandboxBaseUrl);
  } catch {
    return false;
  }
  return (
    target.protocol === 'http:' &&
    target.hostname === '127.0.0.1' &&
    target.origin === sandbox.origin &&
    (target.pathname === '/phone' || target.pathname.startsWith('/phone/')) &&
    target.username === '' &&
    target.password === ''
  );
}
