// The outbound allow-list: requests to any origin but the configured SeQura host (or the training sandbox)
// are refused before anything leaves the machine, and the SeQura client reports them as "nothing was sent".
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundAllowlist, OutboundRefusedError } from '../../electron/core/security/outbound-allowlist.ts';
import { createSequraClient } from '../../electron/core/sequra/client.ts';
import { SequraError } from '../../electron/core/sequra/errors.ts';

// A real loopback server standing for "another host": it counts every request that reaches it.
let other: Server;
let otherUrl: string;
let hits = 0;
beforeAll(async () => {
  other = createServer((req, res) => {
    hits += 1;
    res.writeHead(
      req.url === '/redirect' ? 302 : 200,
      req.url === '/redirect' ? { Location: 'https://evil.example/steal' } : { 'Content-Type': 'application/json' },
    );
    res.end('[]');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => other.close(() => resolve())));

function spyFetch() {
  const seen: string[] = [];
  const inner = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    seen.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return fetch(input, init);
  }) as typeof fetch;
  return { inner, seen };
}

describe('createOutboundAllowlist', () => {
  it('refuses another host without calling the inner fetch at all', async () => {
    const { inner, seen } = spyFetch();
    const refused: string[] = [];
    const guarded = createOutboundAllowlist(inner, {
      allowedOrigins: () => ['https://sandbox.sequrapi.com'],
      onRefused: (o) => refused.push(o),
    });
    const before = hits;
    await expect(guarded(`${otherUrl}/merchants/credentials`)).rejects.toBeInstanceOf(OutboundRefusedError);
    await expect(guarded(new URL(`${otherUrl}/x`))).rejects.toThrow(/ERR_BLOCKED_BY_ADMINISTRATOR/);
    await expect(guarded(new Request(`${otherUrl}/y`, { method: 'POST', body: 'shopper data' }))).rejects.toThrow(
      OutboundRefusedError,
    );
    expect(seen).toEqual([]);
    expect(hits).toBe(before);
    expect(refused).toEqual([otherUrl, otherUrl, otherUrl]);
  });

  it('compares whole origins: scheme, host and port', async () => {
    const { inner, seen } = spyFetch();
    const guarded = createOutboundAllowlist(inner, { allowedOrigins: () => [otherUrl] });
    const port = Number(new URL(otherUrl).port);
    for (const url of [
      `https://127.0.0.1:${port}/`,
      `http://127.0.0.1:${port + 1}/`,
      `http://localhost:${port}/`,
      'file:///etc/passwd',
      'not a url',
    ]) {
      await expect(guarded(url)).rejects.toThrow(OutboundRefusedError);
    }
    expect(seen).toEqual([]);
  });

  it('lets the allowed origin through, and reads the list on every request (the sandbox port comes later)', async () => {
    const { inner, seen } = spyFetch();
    let allowed: string | null = null;
    const guarded = createOutboundAllowlist(inner, { allowedOrigins: () => [null, allowed] });
    await expect(guarded(`${otherUrl}/ok`)).rejects.toThrow(OutboundRefusedError);
    allowed = `${otherUrl}/some/base/path/`;
    const response = await guarded(`${otherUrl}/ok`);
    expect(response.status).toBe(200);
    expect(seen).toEqual([`${otherUrl}/ok`]);
  });

  it('does not follow a redirect to somewhere else: the 3xx comes back as the answer', async () => {
    const { inner, seen } = spyFetch();
    const guarded = createOutboundAllowlist(inner, { allowedOrigins: () => [otherUrl] });
    const response = await guarded(`${otherUrl}/redirect`);
    expect(response.status).toBe(302);
    expect(seen).toEqual([`${otherUrl}/redirect`]);
  });

  it('through the SeQura client, a refused host is an "offline, nothing sent" error with the refusal as its network code', async () => {
    const { inner, seen } = spyFetch();
    const client = createSequraClient({
      baseUrl: otherUrl,
      username: 'u',
      password: 'p',
      merchantId: 'm',
      fetch: createOutboundAllowlist(inner, { allowedOrigins: () => ['https://live.sequrapi.com'] }),
      appName: 'test',
      appVersion: '0',
      readRetries: 0,
    });
    const before = hits;
    const error = await client.checkCredentials().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SequraError);
    expect((error as SequraError).kind).toBe('offline');
    expect((error as SequraError).networkCode).toBe('net::ERR_BLOCKED_BY_ADMINISTRATOR');
    expect(seen).toEqual([]);
    expect(hits).toBe(before);
  });
});
