import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import WebSocket from 'ws';
import { makeDataDir, removeDir, startTill, type RunningTill } from '../e2e/harness.ts';

// The preview host's WebSocket is a second door into main: it must validate exactly like IPC does,
// refuse strangers, and keep serving after bad input.
function connect(
  till: RunningTill,
  token = till.host.token,
  origin = `http://127.0.0.1:${till.host.port}`,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${till.host.port}/bridge?token=${token}`, { headers: { Origin: origin } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function ask(
  ws: WebSocket,
  message: string,
): Promise<{
  id: number | null;
  result: { ok: boolean; data?: unknown; error?: { code: string; fields?: Record<string, string> } };
}> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const parsed = JSON.parse(data.toString());
      if ('result' in parsed) {
        ws.off('message', onMessage);
        resolve(parsed);
      }
    };
    ws.on('message', onMessage);
    ws.send(message);
  });
}

describe('preview host bridge', () => {
  let till: RunningTill;
  const dataDir = makeDataDir();

  beforeAll(async () => {
    till = await startTill({ dataDir });
  });
  afterAll(async () => {
    await till.stop();
    removeDir(dataDir);
  });

  it('answers a valid request', async () => {
    const ws = await connect(till);
    const reply = await ask(ws, JSON.stringify({ id: 1, channel: 'app.getStatus', request: {} }));
    expect(reply.id).toBe(1);
    expect(reply.result.ok).toBe(true);
    ws.close();
  });

  it('gives typed errors for malformed JSON, bad payloads and unknown channels, and keeps serving', async () => {
    const ws = await connect(till);
    expect((await ask(ws, '{not json')).result.error?.code).toBe('invalid_request');
    const wrongType = await ask(ws, JSON.stringify({ id: 2, channel: 'app.setLanguage', request: { language: 42 } }));
    expect(wrongType.result.error?.code).toBe('invalid_request');
    expect(wrongType.result.error?.fields).toHaveProperty('language');
    const extraField = await ask(ws, JSON.stringify({ id: 3, channel: 'app.getStatus', request: { sneaky: true } }));
    expect(extraField.result.error?.code).toBe('invalid_request');
    const unknown = await ask(ws, JSON.stringify({ id: 4, channel: 'app.shutdown', request: {} }));
    expect(unknown.result.error?.code).toBe('unknown_channel');
    const stillServing = await ask(ws, JSON.stringify({ id: 5, channel: 'app.getStatus', request: {} }));
    expect(stillServing.result.ok).toBe(true);
    ws.close();
  });

  it('refuses a wrong token and a foreign origin', async () => {
    const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    const wrongToken = await connect(till, 'x'.repeat(till.host.token.length));
    expect(await closed(wrongToken)).toBe(4401);
    const foreign = await connect(till, till.host.token, 'http://evil.example');
    expect(await closed(foreign)).toBe(4401);
  });

  it('serves the renderer with the CSP and refuses path traversal', async () => {
    const base = `http://127.0.0.1:${till.host.port}`;
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'none'");
    // fetch() would normalise the dots away; a raw request sends the path exactly as an attacker would.
    // URL parsing resolves `..` and `%2e%2e` inside the root (→ 404 here); encoded slashes reach the file
    // check, which refuses them (403). Either way the file outside the root is never served.
    const raw = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        request({ host: '127.0.0.1', port: till.host.port, path, method: 'GET' }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
          .on('error', reject)
          .end();
      });
    for (const path of ['/%2e%2e/%2e%2e/package.json', '/../../package.json', '/assets/..%2f..%2f..%2fpackage.json']) {
      const answer = await raw(path);
      expect([403, 404]).toContain(answer.status);
      expect(answer.body).not.toContain('"name": "sequra-pos"');
    }
    expect((await raw('/assets/..%2f..%2f..%2fpackage.json')).status).toBe(403);
  });
});
