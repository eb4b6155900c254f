import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeDataDir, removeDir } from '../support/till.ts';

// The commands the README gives, run as a user runs them: the preview host prints a URL whose page and
// bridge work; the sandbox prints its URL and credentials, and they work with curl-like requests.
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  // npx → tsx → node: end the whole process group, not just npx (which would leave the server running).
  for (const child of children.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; output: () => string; waitFor: (pattern: RegExp) => Promise<RegExpExecArray> } {
  const child = spawn('npx', ['tsx', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  return {
    child,
    output: () => text,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const timer = setInterval(() => {
          const match = pattern.exec(text);
          if (match) {
            clearInterval(timer);
            resolve(match);
          }
        }, 50);
        child.once('exit', (code) => {
          clearInterval(timer);
          reject(new Error(`exited ${code}: ${text}`));
        });
      }),
  };
}

describe('README commands', () => {
  it('npm run preview prints a URL whose page is served and whose bridge answers with the token', async () => {
    const dataDir = makeDataDir('preview-cli-');
    dirs.push(dataDir);
    const preview = run(['electron/preview/cli.ts', '--data-dir', dataDir]);
    const [, url, port, token] = await preview.waitFor(
      /SeQura POS preview: (http:\/\/127\.0\.0\.1:(\d+)\/#token=(\S+))/,
    );
    expect(url).toContain(`#token=${token}`);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge?token=${token}`, {
      headers: { Origin: `http://127.0.0.1:${port}` },
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const reply = await new Promise<{ result: { ok: boolean; data: { mode: string; language: string } } }>(
      (resolve) => {
        ws.once('message', (data) => resolve(JSON.parse(data.toString())));
        ws.send(JSON.stringify({ id: 1, channel: 'app.getStatus', request: {} }));
      },
    );
    ws.close();
    expect(reply.result.ok).toBe(true);
    expect(reply.result.data).toMatchObject({ mode: 'training', language: 'es' });
    expect(preview.output()).toMatch(/Training sandbox: http:\/\/127\.0\.0\.1:\d+/);
  }, 60_000);

  it('npm run sandbox prints its URL and credentials, and they work', async () => {
    const sandbox = run(['sandbox/cli.ts'], { SANDBOX_PORT: '0' });
    const [, baseUrl] = await sandbox.waitFor(/Base URL\s+(http:\/\/127\.0\.0\.1:\d+)/);
    const [, username] = await sandbox.waitFor(/Username\s+(\S+)/);
    const [, password] = await sandbox.waitFor(/Password\s+(\S+)/);
    const [, merchant] = await sandbox.waitFor(/Merchants\s+(\S+)/);
    const auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    const credentials = await fetch(`${baseUrl}/merchants/credentials`, {
      headers: { Authorization: auth, Accept: 'application/json' },
    });
    expect(credentials.status).toBe(200);
    expect(JSON.stringify(await credentials.json())).toContain(merchant!.replace(/,.*/, ''));
    const refused = await fetch(`${baseUrl}/merchants/credentials`, {
      headers: { Authorization: 'Basic eDp5', Accept: 'application/json' },
    });
    expect(refused.status).toBe(401);
    expect(await refused.text()).toBe('HTTP Basic: Access denied.');
  }, 60_000);
});
