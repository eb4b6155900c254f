// The window-security rules of the Electron shell, tested as the pure functions main delegates to:
// the production CSP, the app:// file resolution and answers, the IPC sender check, the dev-server
// override, the webPreferences, and the schema filter on main → renderer events.
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTrustedSenderUrl } from '../../electron/core/ipc/sender.ts';
import { answerAppRequest } from '../../electron/core/security/app-protocol.ts';
import { buildContentSecurityPolicy, PRODUCTION_CSP } from '../../electron/core/security/csp.ts';
import { devServerUrlFrom } from '../../electron/core/security/dev-server.ts';
import { toRendererEvent } from '../../electron/core/ipc/events.ts';
import { resolveRendererFile, type RendererFile } from '../../electron/core/security/renderer-files.ts';
import { secureWebPreferences } from '../../electron/core/security/web-preferences.ts';
import { guardNavigation } from '../../electron/core/security/navigation.ts';

describe('production Content-Security-Policy', () => {
  it('is pinned exactly: loosening it must be a deliberate edit of this test', () => {
    expect(PRODUCTION_CSP).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'",
    );
  });

  it('allows no inline or evaluated script, and no network from the page', () => {
    expect(PRODUCTION_CSP).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|\*|https?:|ws:/);
    expect(PRODUCTION_CSP).toContain("connect-src 'none'");
  });

  it('only the preview host opens connect-src, and only to what it names', () => {
    expect(buildContentSecurityPolicy({ connectSrc: ['ws://127.0.0.1:4000'] })).toContain(
      'connect-src ws://127.0.0.1:4000;',
    );
    expect(buildContentSecurityPolicy({ connectSrc: [] })).toBe(PRODUCTION_CSP);
  });
});

describe('resolveRendererFile (app:// and preview host file mapping)', () => {
  const root = resolve('/srv/renderer');

  function staysInside(result: RendererFile): boolean {
    if (!result.ok) return true;
    const rel = relative(root, result.filePath);
    return !rel.startsWith('..') && !isAbsolute(rel);
  }

  it.each([
    ['/../etc/passwd'],
    ['/assets/../../etc/passwd'],
    ['/%2e%2e/etc/passwd'],
    ['/%2E%2E/%2E%2E/etc/passwd'],
    ['/%2F..'],
    ['/assets%2F..%2F..%2Fetc%2Fpasswd'],
    ['/assets/..'],
    ['/./index.html'],
  ])('refuses the dot-dot path %s with 403', (path) => {
    expect(resolveRendererFile(root, path)).toEqual({ ok: false, status: 403 });
  });

  it.each([['/..\\..\\windows\\win.ini'], ['/..%5C..%5Cwindows%5Cwin.ini'], ['/C:\\Windows\\win.ini']])(
    'refuses backslashes %s with 400',
    (path) => {
      expect(resolveRendererFile(root, path)).toEqual({ ok: false, status: 400 });
    },
  );

  it('refuses NUL bytes and malformed percent-encoding with 400', () => {
    expect(resolveRendererFile(root, '/index.html%00.js')).toEqual({ ok: false, status: 400 });
    expect(resolveRendererFile(root, '/index.html\0')).toEqual({ ok: false, status: 400 });
    expect(resolveRendererFile(root, '/%E0%A4%A')).toEqual({ ok: false, status: 400 });
  });

  it.each([['/etc/passwd'], ['//etc/passwd'], ['/C:/Windows/win.ini'], ['/%2Fetc%2Fpasswd'], [`/${root}/index.html`]])(
    'never leaves the root for the absolute-looking path %s',
    (path) => {
      const result = resolveRendererFile(root, path);
      expect(staysInside(result)).toBe(true);
    },
  );

  it('serves index.html for "/" and for extensionless (client-side) routes', () => {
    const index = { ok: true, filePath: join(root, 'index.html'), contentType: 'text/html; charset=utf-8' };
    expect(resolveRendererFile(root, '/')).toEqual(index);
    expect(resolveRendererFile(root, '')).toEqual(index);
    expect(resolveRendererFile(root, '/sale/new')).toEqual(index);
    expect(resolveRendererFile(root, '/status?tab=1#x')).toEqual(index);
  });

  it('serves assets with their content type, and unknown types as opaque bytes', () => {
    expect(resolveRendererFile(root, '/assets/index-abc123.js')).toEqual({
      ok: true,
      filePath: join(root, 'assets', 'index-abc123.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(resolveRendererFile(root, '/assets/app.css')).toMatchObject({
      ok: true,
      contentType: 'text/css; charset=utf-8',
    });
    expect(resolveRendererFile(root, '/assets/blob.bin')).toMatchObject({
      ok: true,
      contentType: 'application/octet-stream',
    });
  });
});

describe('app:// protocol answers', () => {
  let rendererDir: string;
  let outsideDir: string;
  const read = (path: string) => readFile(path);

  beforeAll(() => {
    const base = mkdtempSync(join(tmpdir(), 'sequra-pos-app-protocol-'));
    rendererDir = join(base, 'renderer');
    outsideDir = base;
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>till</title>');
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(outsideDir, 'secret.txt'), 'merchant password');
  });
  afterAll(() => rmSync(outsideDir, { recursive: true, force: true }));

  it('serves the page with the production CSP and nosniff', async () => {
    const answer = await answerAppRequest(rendererDir, { url: 'app://pos/index.html', method: 'GET' }, read);
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': PRODUCTION_CSP,
      'X-Content-Type-Options': 'nosniff',
    });
    expect(Buffer.from(answer.body!).toString()).toContain('<title>till</title>');
  });

  it('serves assets and falls back to index.html for routes', async () => {
    const asset = await answerAppRequest(rendererDir, { url: 'app://pos/assets/app.js', method: 'GET' }, read);
    expect(asset.status).toBe(200);
    expect(asset.headers['Content-Type']).toBe('text/javascript; charset=utf-8');
    const route = await answerAppRequest(rendererDir, { url: 'app://pos/sale/new', method: 'GET' }, read);
    expect(Buffer.from(route.body!).toString()).toContain('<title>till</title>');
  });

  it('answers 404 for any host other than pos', async () => {
    for (const url of [
      'app://evil/index.html',
      'app://pos.evil/index.html',
      'app://evil.pos/index.html',
      'app://POS.example/index.html',
    ]) {
      const answer = await answerAppRequest(rendererDir, { url, method: 'GET' }, read);
      expect(answer.status, url).toBe(404);
      expect(answer.body).toBeNull();
    }
  });

  it('never reads a file outside the renderer directory', async () => {
    const reads: string[] = [];
    const spyRead = (path: string) => {
      reads.push(path);
      return readFile(path);
    };
    for (const url of [
      'app://pos/..%2Fsecret.txt',
      'app://pos/assets%2F..%2F..%2Fsecret.txt',
      'app://pos/%2e%2e/secret.txt',
      'app://pos/..%5Csecret.txt',
    ]) {
      const answer = await answerAppRequest(rendererDir, { url, method: 'GET' }, spyRead);
      expect(Buffer.from(answer.body ?? new Uint8Array()).toString(), url).not.toContain('merchant password');
    }
    for (const path of reads) expect(relative(rendererDir, path).startsWith('..'), path).toBe(false);
  });

  it('refuses encoded traversal with 403 and backslashes with 400, CSP still attached', async () => {
    const traversal = await answerAppRequest(
      rendererDir,
      { url: 'app://pos/assets%2F..%2F..%2Fsecret.txt', method: 'GET' },
      read,
    );
    expect(traversal.status).toBe(403);
    expect(traversal.headers['Content-Security-Policy']).toBe(PRODUCTION_CSP);
    const backslash = await answerAppRequest(rendererDir, { url: 'app://pos/..%5Csecret.txt', method: 'GET' }, read);
    expect(backslash.status).toBe(400);
  });

  it('answers 404 for a missing file and 405 for anything but GET/HEAD; HEAD has no body', async () => {
    expect(
      (await answerAppRequest(rendererDir, { url: 'app://pos/assets/missing.js', method: 'GET' }, read)).status,
    ).toBe(404);
    expect((await answerAppRequest(rendererDir, { url: 'app://pos/index.html', method: 'POST' }, read)).status).toBe(
      405,
    );
    const head = await answerAppRequest(rendererDir, { url: 'app://pos/index.html', method: 'HEAD' }, read);
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
  });
});

describe('isTrustedSenderUrl (IPC sender check)', () => {
  it('accepts the app page', () => {
    expect(isTrustedSenderUrl('app://pos/index.html')).toBe(true);
    expect(isTrustedSenderUrl('app://pos/')).toBe(true);
    expect(isTrustedSenderUrl('app://pos/sale/new?x=1#y')).toBe(true);
  });

  it.each([
    ['app://evil/'],
    ['app://pos.evil/index.html'],
    ['app://evil.pos/index.html'],
    ['https://example.com/'],
    ['https://pos/index.html'],
    ['http://127.0.0.1:5173/'],
    ['file:///usr/lib/sequra-pos/resources/app.asar/dist/renderer/index.html'],
    ['about:blank'],
    ['data:text/html,<script>1</script>'],
    ['javascript:alert(1)'],
    ['devtools://devtools/bundled/inspector.html'],
    ['not a url'],
    [''],
  ])('refuses %s', (url) => {
    expect(isTrustedSenderUrl(url)).toBe(false);
  });

  it('refuses a missing sender (frame destroyed or navigated away)', () => {
    expect(isTrustedSenderUrl(undefined)).toBe(false);
  });

  it('trusts the dev server only when it is configured, and only that exact loopback origin', () => {
    const dev = 'http://127.0.0.1:5173';
    expect(isTrustedSenderUrl('http://127.0.0.1:5173/', undefined)).toBe(false);
    expect(isTrustedSenderUrl('http://127.0.0.1:5173/', dev)).toBe(true);
    expect(isTrustedSenderUrl('http://127.0.0.1:5174/', dev)).toBe(false);
    expect(isTrustedSenderUrl('http://localhost:5173/', dev)).toBe(false);
    expect(isTrustedSenderUrl('https://example.com/', dev)).toBe(false);
    // The app page stays trusted with a dev origin configured.
    expect(isTrustedSenderUrl('app://pos/index.html', dev)).toBe(true);
    // A non-loopback "dev server" is never trusted, even for its own origin.
    expect(isTrustedSenderUrl('https://example.com/', 'https://example.com')).toBe(false);
    expect(isTrustedSenderUrl('http://127.0.0.1:5173/', 'garbage')).toBe(false);
  });
});

describe('dev server override', () => {
  const env = (value: string) => ({ SEQURA_POS_DEV_SERVER_URL: value });

  it('is honoured only in unpackaged builds and only on loopback http(s)', () => {
    expect(devServerUrlFrom(env('http://127.0.0.1:5173'), false)).toBe('http://127.0.0.1:5173/');
    expect(devServerUrlFrom(env('http://localhost:5173/'), false)).toBe('http://localhost:5173/');
    expect(devServerUrlFrom(env('http://127.0.0.1:5173'), true)).toBeUndefined();
    expect(devServerUrlFrom(env('https://example.com'), false)).toBeUndefined();
    expect(devServerUrlFrom(env('http://127.0.0.1.example.com:5173'), false)).toBeUndefined();
    expect(devServerUrlFrom(env('file:///tmp/index.html'), false)).toBeUndefined();
    expect(devServerUrlFrom(env('nonsense'), false)).toBeUndefined();
    expect(devServerUrlFrom({}, false)).toBeUndefined();
  });

  it('what it returns is exactly what the sender check then trusts', () => {
    const url = devServerUrlFrom(env('http://127.0.0.1:5173'), false);
    expect(isTrustedSenderUrl('http://127.0.0.1:5173/index.html', url)).toBe(true);
  });
});

describe('webPreferences of the till window', () => {
  it('pins sandbox, context isolation, no Node, web security, no webview', () => {
    const prefs = secureWebPreferences({ preloadPath: '/app/dist/electron/preload.cjs', allowDevTools: false });
    expect(prefs).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      devTools: false,
    });
  });

  it('devtools follow the packaged flag and nothing else', () => {
    expect(secureWebPreferences({ preloadPath: 'p', allowDevTools: true }).devTools).toBe(true);
    expect(secureWebPreferences({ preloadPath: 'p', allowDevTools: true }).sandbox).toBe(true);
  });
});

describe('main → renderer events', () => {
  const connectivity = {
    state: 'online',
    since: '2026-01-01T10:00:00.000Z',
    lastCheckedAt: '2026-01-01T10:00:00.000Z',
    lastError: null,
    pendingCount: 0,
    oldestPendingAt: null,
  };

  it('drops keys the event schema does not declare', () => {
    const result = toRendererEvent('connectivity.changed', { ...connectivity, password: 'hunter2' });
    expect(result).toEqual({ ok: true, event: 'connectivity.changed', payload: connectivity });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('refuses unknown events and payloads that do not fit', () => {
    expect(toRendererEvent('app.secrets', connectivity)).toEqual({ ok: false, reason: 'unknown_event' });
    expect(toRendererEvent('connectivity.changed', { ...connectivity, state: 'everything-is-fine' })).toEqual({
      ok: false,
      reason: 'invalid_payload',
    });
  });
});

describe('links allowed out of the app', () => {
  const sandbox = 'http://127.0.0.1:41234';
  it('lets only the training sandbox phone open in the system browser', async () => {
    const { isTrainingPhoneUrl } = await import('../../electron/core/security/external-links.ts');
    expect(isTrainingPhoneUrl(`${sandbox}/phone/7d32c71a-3539-4fcf-8eb8-e7fae64d6c6c`, sandbox)).toBe(true);
    expect(isTrainingPhoneUrl(`${sandbox}/phone`, sandbox)).toBe(true);
    expect(isTrainingPhoneUrl(`${sandbox}/phone/x`, null)).toBe(false);
    expect(isTrainingPhoneUrl(`${sandbox}/__sandbox/reset`, sandbox)).toBe(false);
    expect(isTrainingPhoneUrl('http://127.0.0.1:9999/phone/x', sandbox)).toBe(false);
    expect(isTrainingPhoneUrl('https://evil.example/phone/x', sandbox)).toBe(false);
    expect(isTrainingPhoneUrl(`http://user:pw@127.0.0.1:41234/phone/x`, sandbox)).toBe(false);
    expect(isTrainingPhoneUrl('not a url', sandbox)).toBe(false);
  });
});

describe('navigation guard (every web contents, electron/main/hardening.ts)', () => {
  function fakeContents() {
    const emitter = new EventEmitter();
    let openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
    const contents = {
      on: (event: string, listener: (event: { preventDefault(): void }) => void) => emitter.on(event, listener),
      setWindowOpenHandler: (handler: (details: { url: string }) => { action: 'deny' }) => {
        openHandler = handler;
      },
    };
    const fire = (event: string): boolean => {
      let prevented = false;
      emitter.emit(event, { preventDefault: () => (prevented = true) }, 'https://evil.example/');
      return prevented;
    };
    return { contents, fire, open: (url: string) => openHandler!({ url }) };
  }

  it.each(['will-navigate', 'will-redirect', 'will-frame-navigate', 'will-attach-webview'])('prevents %s', (event) => {
    const { contents, fire } = fakeContents();
    guardNavigation(contents, { trainingSandboxBaseUrl: () => null, openExternal: () => undefined });
    expect(fire(event)).toBe(true);
  });

  it('denies every new window and opens only the training phone outside the app', () => {
    const { contents, open } = fakeContents();
    const opened: string[] = [];
    guardNavigation(contents, {
      trainingSandboxBaseUrl: () => 'http://127.0.0.1:4100',
      openExternal: (url) => opened.push(url),
    });
    expect(open('http://127.0.0.1:4100/phone/abc')).toEqual({ action: 'deny' });
    expect(open('https://evil.example/phone/abc')).toEqual({ action: 'deny' });
    expect(opened).toEqual(['http://127.0.0.1:4100/phone/abc']);
  });

  it('is what main applies to every web contents it creates', async () => {
    const source = await readFile(join('electron', 'main', 'hardening.ts'), 'utf8');
    expect(source).toMatch(/app\.on\('web-contents-created',[\s\S]*guardNavigation\(contents/);
  });
});
