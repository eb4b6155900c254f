import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seededRandom } from '../crash/random.ts';
import { makeDataDir, removeDir } from '../support/till.ts';

// The preview host is reachable by every local process (and by any web page in a browser on the machine,
// which can open a WebSocket to 127.0.0.1 without the token). It must survive whatever arrives: this drives
// the real `npm run preview` process with thousands of random and malformed WebSocket frames — at the frame
// level (bad headers, oversize frames, invalid UTF-8, unmasked frames, stray control frames) and at the message
// level (JSON null, arrays, numbers, deep nesting, random channels and requests) — with and without the token,
// then checks the same process still answers a normal request and logged no unhandled error.
const FRAMES = 3_000;
const SEED = 20_261_206;

let child: ChildProcess;
let output = '';
let port = 0;
let token = '';
const dataDir = makeDataDir('preview-fuzz-');

beforeAll(async () => {
  child = spawn('npx', ['tsx', 'electron/preview/cli.ts', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setInterval(() => {
      const found = /SeQura POS preview: http:\/\/127\.0\.0\.1:(\d+)\/#token=(\S+)/.exec(output);
      if (found) {
        clearInterval(timer);
        resolve(found);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`preview exited ${code}: ${output}`));
    });
  });
  port = Number(match[1]);
  token = match[2]!;
}, 60_000);

afterAll(() => {
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    // already gone
  }
  removeDir(dataDir);
});

/** One WebSocket frame as a client writes it (masked unless told otherwise). */
function frame(opcode: number, payload: Buffer, options: { fin?: boolean; mask?: boolean; rsv?: number } = {}): Buffer {
  const fin = options.fin ?? true;
  const mask = options.mask ?? true;
  const first = (fin ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | (opcode & 0x0f);
  let header: Buffer;
  if (payload.length < 126) header = Buffer.from([first, (mask ? 0x80 : 0) | payload.length]);
  else if (payload.length < 65_536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  if (!mask) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, index) => byte ^ key[index % 4]!));
  return Buffer.concat([header, key, masked]);
}

const CHANNELS = [
  'app.getStatus',
  'session.signIn',
  'session.unlock',
  'sale.current',
  'sale.create',
  'sale.saveDraft',
  'operators.bootstrapManager',
  'diagnostics.export',
  'app.setLanguage',
  '__proto__',
  'constructor',
  '',
];

function randomJsonValue(random: () => number, depth = 0): unknown {
  const pick = Math.floor(random() * (depth > 3 ? 6 : 8));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return Math.floor(random() * 2 ** 40) * (random() < 0.5 ? -1 : 1);
    case 2:
      return random() < 0.5;
    case 3:
      return randomBytes(Math.floor(random() * 20)).toString('latin1');
    case 4:
      return 1e308 * 10 * (random() < 0.5 ? 1 : 0);
    case 5:
      return '9'.repeat(Math.floor(random() * 40));
    case 6:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomJsonValue(random, depth + 1));
    default: {
      const value: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 4); i > 0; i -= 1)
        value[['pin', 'operatorId', 'saleId', 'language', '__proto__', 'id'][Math.floor(random() * 6)]!] =
          randomJsonValue(random, depth + 1);
      return value;
    }
  }
}

/** A message-level payload: valid UTF-8 text a careless parser could trip on. */
function randomMessage(random: () => number): string {
  const choice = Math.floor(random() * 12);
  switch (choice) {
    case 0:
      return 'null';
    case 1:
      return JSON.stringify(randomJsonValue(random));
    case 2:
      return '['.repeat(50_000) + ']'.repeat(50_000);
    case 3:
      return '{"id":1,"channel":"app.getStatus","request":' + '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_001);
    case 4:
      return JSON.stringify({ id: { toString: 1 }, channel: { length: 1 }, request: null });
    case 5:
      return JSON.stringify({ __proto__: { channel: 'app.getStatus' }, request: {} });
    case 6:
      return '"' + 'x'.repeat(Math.floor(random() * 1000)) + '"';
    case 7:
      return randomBytes(Math.floor(random() * 200))
        .toString('utf8')
        .replace(/\uFFFD/g, '?');
    default:
      return JSON.stringify({
        id: random() < 0.8 ? Math.floor(random() * 1000) : randomJsonValue(random),
        channel: CHANNELS[Math.floor(random() * CHANNELS.length)],
        request: randomJsonValue(random),
      });
  }
}

/** One frame of any kind: most are hostile at the protocol level, a third are messages. */
function randomFrame(random: () => number): Buffer {
  const choice = Math.floor(random() * 14);
  switch (choice) {
    case 0: // invalid UTF-8 in a text frame
      return frame(0x1, Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]));
    case 1: // random bytes in a text frame
      return frame(0x1, randomBytes(1 + Math.floor(random() * 300)));
    case 2: // binary frame
      return frame(0x2, randomBytes(Math.floor(random() * 300)));
    case 3: // over the size limit
      return frame(0x1, Buffer.alloc(256 * 1024 + 1 + Math.floor(random() * 4096), 0x41));
    case 4: // announces 2^63 bytes
      return Buffer.from([0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]);
    case 5: // not a frame at all
      return randomBytes(1 + Math.floor(random() * 64));
    case 6: // unmasked client frame (forbidden by RFC 6455)
      return frame(0x1, Buffer.from(randomMessage(random)), { mask: false });
    case 7: // reserved bits / reserved opcode
      return frame(random() < 0.5 ? 0x3 : 0xb, randomBytes(8), { rsv: Math.floor(random() * 8) });
    case 8: // continuation without a start, or a fragmented control frame
      return random() < 0.5 ? frame(0x0, randomBytes(10)) : frame(0x9, randomBytes(10), { fin: false });
    case 9: // close with a bad code or an oversize control payload
      return random() < 0.5 ? frame(0x8, Buffer.from([0x03, 0xe8 + 10, 0xff])) : frame(0xa, randomBytes(200));
    default:
      return frame(0x1, Buffer.from(randomMessage(random)));
  }
}

function openRaw(withToken: boolean): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      const query = withToken ? `?token=${token}` : wrongTokenQuery();
      socket.write(
        `GET /bridge${query} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
          `Origin: http://127.0.0.1:${port}\r\n\r\n`,
      );
    });
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        socket.off('data', onData);
        if (head.startsWith('HTTP/1.1 101')) resolve(socket);
        else reject(new Error(`handshake refused: ${head.split('\r\n')[0]}`));
      }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error('closed during handshake')));
  });
}

function wrongTokenQuery(): string {
  return `?token=${randomBytes(12).toString('base64url')}`;
}

async function sendFrames(socket: Socket, frames: Buffer[]): Promise<void> {
  for (const bytes of frames) {
    if (socket.destroyed || !socket.writable) break;
    await new Promise<void>((resolve) => socket.write(bytes, () => resolve()));
  }
  // Give the server a moment to answer or close, then hang up from our side.
  await new Promise((resolve) => setTimeout(resolve, 5));
  socket.destroy();
}

function statusRequest(): Promise<{ ok: boolean }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge?token=${token}`, {
      headers: { Origin: `http://127.0.0.1:${port}` },
    });
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ id: 7, channel: 'app.getStatus', request: {} })));
    ws.on('message', (data) => {
      const parsed = JSON.parse(data.toString()) as { id?: number; result?: { ok: boolean } };
      if (parsed.id === 7 && parsed.result) {
        ws.close();
        resolve(parsed.result);
      }
    });
  });
}

describe('preview host under hostile frames', () => {
  it(`survives ${FRAMES} random and malformed frames with and without the token, then serves normally`, async () => {
    expect((await statusRequest()).ok).toBe(true);
    const random = seededRandom(SEED);
    let sent = 0;
    let connections = 0;
    while (sent < FRAMES) {
      // A batch per connection: the host closes the connection at the first protocol error, as it should.
      const batch = Array.from({ length: 1 + Math.floor(random() * 8) }, () => randomFrame(random));
      const socket = await openRaw(random() < 0.7);
      connections += 1;
      await sendFrames(socket, batch);
      sent += batch.length;
      expect(child.exitCode, output).toBeNull();
    }
    expect(connections).toBeGreaterThan(300);
    // Still the same process, still answering.
    expect(child.exitCode, output).toBeNull();
    expect((await statusRequest()).ok).toBe(true);
    const log = readFileSync(join(dataDir, 'logs', 'sequra-pos.log'), 'utf8');
    expect(log).not.toMatch(/process\.unhandled|process\.uncaught/);
  }, 240_000);

  it('answers JSON null and other non-object messages with a typed error on the same connection', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge?token=${token}`, {
      headers: { Origin: `http://127.0.0.1:${port}` },
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const replies: Array<{ id: unknown; result: { ok: boolean; error?: { code: string } } }> = [];
    ws.on('message', (data) => replies.push(JSON.parse(data.toString())));
    for (const text of ['null', '[]', '42', '"text"', 'true', '{"id":3,"channel":"app.getStatus"}']) ws.send(text);
    ws.send(JSON.stringify({ id: 9, channel: 'app.getStatus', request: {} }));
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (replies.some((reply) => reply.id === 9)) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    ws.close();
    expect(replies.filter((reply) => !reply.result.ok).map((reply) => reply.result.error?.code)).toEqual([
      'invalid_request',
      'invalid_request',
      'invalid_request',
      'invalid_request',
      'invalid_request',
      'invalid_request',
    ]);
    expect(replies.find((reply) => reply.id === 9)?.result.ok).toBe(true);
    expect(child.exitCode, output).toBeNull();
  });

  it('closes an oversize frame cleanly with 1009 and an invalid UTF-8 frame with 1007', async () => {
    const closeCode = async (bytes: Buffer): Promise<number> => {
      const socket = await openRaw(true);
      return new Promise((resolve) => {
        let answer = Buffer.alloc(0);
        socket.on('data', (chunk: Buffer) => {
          answer = Buffer.concat([answer, chunk]);
          // A server close frame: 0x88, length, then the 2-byte code.
          const at = answer.indexOf(0x88);
          if (at >= 0 && answer.length >= at + 4) {
            socket.destroy();
            resolve(answer.readUInt16BE(at + 2));
          }
        });
        socket.write(bytes);
      });
    };
    expect(await closeCode(frame(0x1, Buffer.alloc(300 * 1024, 0x41)))).toBe(1009);
    expect(await closeCode(frame(0x1, Buffer.from([0xc3, 0x28])))).toBe(1007);
    expect(child.exitCode, output).toBeNull();
    expect((await statusRequest()).ok).toBe(true);
  });
});
