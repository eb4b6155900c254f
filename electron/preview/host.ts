import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_REQUEST_CHARS } from '../core/ipc/dispatcher.ts';
import { buildContentSecurityPolicy } from '../core/security/csp.ts';
import { resolveRendererFile } from '../core/security/renderer-files.ts';
import type { Core } from '../core/app-core.ts';

// The browser preview host: the same Node-side core and contract handlers as the Electron app, with the
// built renderer served on 127.0.0.1 and the contract carried over a WebSocket that requires a random
// per-run token. Loopback only and never packaged: it is how machines without an Electron binary (CI,
// this one) see and drive the real app.
export interface PreviewHostOptions {
  core: Core;
  rendererDir: string;
  port?: number;
  /** Fixed token (tests that restart the host keep the page's URL valid); random otherwise. */
  token?: string;
}

export interface RunningPreviewHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export async function startPreviewHost(options: PreviewHostOptions): Promise<RunningPreviewHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const server: Server = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_CHARS });
  const sockets = new Set<WebSocket>();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const csp = buildContentSecurityPolicy({ connectSrc: [`ws://127.0.0.1:${port}`] });

  server.on('request', async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const file = resolveRendererFile(options.rendererDir, new URL(req.url ?? '/', origin).pathname);
    if (!file.ok) {
      res.writeHead(file.status).end();
      return;
    }
    try {
      const body = await readFile(file.filePath);
      res.writeHead(200, {
        'Content-Type': file.contentType,
        'Content-Security-Policy': csp,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404).end();
    }
  });

  server.on('upgrade', (req, socket, head) => {
    const accepted = acceptUpgrade(req, origin, token);
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!accepted) {
        // A distinct close code lets the page say "open the URL the host printed" instead of retrying.
        ws.close(4401, 'token or origin refused');
        return;
      }
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => void answer(ws, data.toString()));
    });
  });

  async function answer(ws: WebSocket, text: string): Promise<void> {
    let message: { id?: unknown; channel?: unknown; request?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      ws.send(
        JSON.stringify({
          id: null,
          result: { ok: false, error: { code: 'invalid_request', message: 'Malformed message.', retryable: false } },
        }),
      );
      return;
    }
    const id = typeof message.id === 'number' ? message.id : null;
    // Same validation as Electron IPC: the dispatcher checks channel, request schema and response.
    const result = await options.core.dispatch(message.channel, message.request, true);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, result }));
  }

  const unsubscribe = options.core.onEvent((event, payload) => {
    const text = JSON.stringify({ event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  return {
    url: `${origin}/#token=${token}`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function acceptUpgrade(req: IncomingMessage, origin: string, token: string): boolean {
  const url = new URL(req.url ?? '/', origin);
  if (url.pathname !== '/bridge') return false;
  // Browsers always send Origin on WebSocket upgrades; a page from any other origin is refused.
  if (req.headers.origin !== origin) return false;
  const given = Buffer.from(url.searchParams.get('token') ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
