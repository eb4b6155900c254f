// The production Content-Security-Policy. Pinned by a test: loosening it must be a deliberate change.
// The renderer needs only its own scripts and styles; it never talks to the network (main does).
// `connectSrc` is used only by the browser preview host for its loopback WebSocket bridge.
export function buildContentSecurityPolicy(options: { connectSrc?: string[] } = {}): string {
  const connect = options.connectSrc && options.connectSrc.length > 0 ? options.connectSrc.join(' ') : "'none'";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

export const PRODUCTION_CSP = buildContentSecurityPolicy();
