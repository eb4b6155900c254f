import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { MAX_REQUEST_CHARS } from '../core/ipc/dispatcher.ts';
import { buildContentSecurityPolicy } from '../core/security/csp.ts';
import { resolveRendererFile } from '../core/security/renderer-files.ts';
import type { Core } from '../core/app-core.ts';
import { silentLogger, type Logger } from '../core/log/logger.ts';

// The browser preview host: the same Node-side core and contract handlers as the Electron app, with the
// built renderer served on 127.0.0.1 and the contract carried over a WebSocket that requires a random
// per-run token. Loopback only and never packaged: it is how machines without an Electron binary (CI,
// this one) see and drive the real app.
//
// Any local process can reach the port, and any web page in a browser on the machine can open a WebSocket to
// it (the token and origin checks refuse it only after the upgrade), so nothing that arrives may end the
// process: oversize frames and protocol errors close that connection (ws answers 1009/1002/1007), messages
// that are not a JSON object get a typed error, and every socket and server error is handled here.
export interface PreviewHostOptions {
  core: Core;
  rendererDir: string;
  port?: number;
  /** Fixed token (tests that restart the host keep the page's URL valid); random otherwise. */
  token?: string;
  /** Where socket and server errors are noted (never a frame's content). */
  log?: Logger;
}

export interface RunningPreviewHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export async function startPreviewHost(options: PreviewHostOptions): Promise<RunningPreviewHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const log = options.log ?? silentLogger;
  const server: Server = createServer();
  // Compression stays off (ws's default for servers): no decompression bomb through the bridge.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_CHARS, perMessageDeflate: false });
  const sockets = new Set<WebSocket>();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const csp = buildContentSecurityPolicy({ connectSrc: [`ws://127.0.0.1:${port}`] });
  server.on('error', (error) => safely(() => log.error('preview.server_error', { error: errorName(error) })));
  // A malformed HTTP request: answer 400 if the socket still can, never let the error escape.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

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
    // Errors on the raw socket before ws takes it over (a reset mid-handshake) end only that socket.
    socket.on('error', () => socket.destroy());
    const accepted = acceptUpgrade(req, origin, token);
    try {
      wss.handleUpgrade(req, socket, head, (ws) => {
        // A frame over the size limit, invalid UTF-8 or a protocol error: ws has already closed the
        // connection with the right code (1009, 1007, 1002); without this listener the error would end the
        // process.
        ws.on('error', () => undefined);
        if (!accepted) {
          // A distinct close code lets the page say "open the URL the host printed" instead of retrying.
          ws.close(4401, 'token or origin refused');
          return;
        }
        sockets.add(ws);
        ws.on('close', () => sockets.delete(ws));
        ws.on('message', (data, isBinary) => {
          answer(ws, data, isBinary).catch((error: unknown) => {
            safely(() => log.error('preview.answer_failed', { error: errorName(error) }));
            ws.terminate();
          });
        });
      });
    } catch (error) {
      safely(() => log.warn('preview.upgrade_failed', { error: errorName(error) }));
      socket.destroy();
    }
  });

  function send(ws: WebSocket, message: unknown): void {
    if (ws.readyState !== ws.OPEN) return;
    // A client that sends requests but never reads the answers is cut off before it can fill our memory.
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(message));
  }

  function refuse(ws: WebSocket, id: number | null, message: string): void {
    send(ws, { id, result: { ok: false, error: { code: 'invalid_request', message, retryable: false } } });
  }

  async function answer(ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) return refuse(ws, null, 'Text messages only.');
    let message: unknown;
    try {
      message = JSON.parse(rawText(data));
    } catch {
      return refuse(ws, null, 'Malformed message.');
    }
    // JSON null, arrays, numbers and strings are well-formed JSON but not a request.
    if (typeof message !== 'object' || message === null || Array.isArray(message))
      return refuse(ws, null, 'A request is a JSON object.');
    const { id: rawId, channel, request } = message as Record<string, unknown>;
    const id = typeof rawId === 'number' && Number.isFinite(rawId) ? rawId : null;
    // Same validation as Electron IPC: the dispatcher checks channel, request schema and response.
    const result = await options.core.dispatch(channel, request, true);
    send(ws, { id, result });
  }

  const unsubscribe = options.core.onEvent((event, payload) => {
    for (const ws of sockets) send(ws, { event, payload });
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

/** Answers waiting to be read by one client beyond which it is disconnected. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function errorName(error: unknown): string {
  return error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.name) : 'unknown';
}

/** Logging is best effort here: a failing log (a read-only data folder) must not take the host down. */
function safely(write: () => void): void {
  try {
    write();
  } catch {
    // nothing else to tell
  }
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
