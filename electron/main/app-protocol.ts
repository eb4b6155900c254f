import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_HOST, APP_SCHEME, answerAppRequest } from '../core/security/app-protocol.ts';

// The built renderer is served from app://pos/, never file://: a standard, secure origin of its own that
// the CSP and the IPC sender check can name. The rules live in core/security/app-protocol.ts (tested).
export const APP_START_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Must run before `app` is ready: Chromium fixes scheme privileges at start-up. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      // standard: real origin and relative URLs; secure: counts as a secure context like https;
      // supportFetchAPI: the renderer's module scripts are loaded through fetch. Nothing else: no
      // bypassCSP, no service workers, no CORS opening.
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    },
  ]);
}

/** After ready: answer app:// requests on the default session from the built renderer directory. */
export function serveRendererOverAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const answer = await answerAppRequest(rendererDir, { url: request.url, method: request.method }, (filePath) =>
      readFile(filePath),
    );
    return new Response(answer.body as BodyInit | null, { status: answer.status, headers: answer.headers });
  });
}
