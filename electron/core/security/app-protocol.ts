import { PRODUCTION_CSP } from './csp.ts';
import { resolveRendererFile } from './renderer-files.ts';

// What the `app://` protocol answers, as a pure function of the request so the rules are unit-tested
// under plain Node; electron/main/app-protocol.ts only turns the result into a `Response`.
// The built renderer is the only thing served: one host (`pos`), GET/HEAD only, every path checked by
// resolveRendererFile, every answer carrying the production CSP.
export const APP_SCHEME = 'app';
export const APP_HOST = 'pos';

export interface AppProtocolAnswer {
  status: number;
  headers: Record<string, string>;
  /** null for errors and HEAD requests. */
  body: Uint8Array | null;
}

export type ReadRendererFile = (filePath: string) => Promise<Uint8Array>;

export async function answerAppRequest(
  rendererDir: string,
  request: { url: string; method: string },
  readFile: ReadRendererFile,
): Promise<AppProtocolAnswer> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return refuse(400);
  }
  // Another host under our scheme (app://evil/) is a different origin, one the IPC sender check does not
  // trust; serving the app there would only give a working copy of it to an origin we never load.
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return refuse(404);
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405);

  // `pathname` keeps percent-encoding, so resolveRendererFile sees `%2e%2e` and decodes it itself.
  const file = resolveRendererFile(rendererDir, url.pathname);
  if (!file.ok) return refuse(file.status);

  let body: Uint8Array;
  try {
    body = await readFile(file.filePath);
  } catch {
    return refuse(404);
  }
  return {
    status: 200,
    headers: {
      'Content-Type': file.contentType,
      'Content-Security-Policy': PRODUCTION_CSP,
      // Stops Chromium from sniffing a file into a more powerful type than the one we declared.
      'X-Content-Type-Options': 'nosniff',
      // Files come from the local asar; caching only risks serving an old index.html after an upgrade.
      'Cache-Control': 'no-store',
    },
    body: request.method === 'HEAD' ? null : body,
  };
}

function refuse(status: number): AppProtocolAnswer {
  // Even error pages carry the CSP: nothing served under app:// may run without it.
  return {
    status,
    headers: { 'Content-Security-Policy': PRODUCTION_CSP, 'X-Content-Type-Options': 'nosniff' },
    body: null,
  };
}
