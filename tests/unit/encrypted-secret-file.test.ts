// The credential store behind Electron's safeStorage, run under plain Node: the OS cipher is replaced by a
// real AES-256-GCM cipher with a random key (so "no clear text on disk" is a meaningful check), and the
// safeStorage adapter is fed plain objects shaped like the API it detects.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/errors.ts';
import { createEncryptedFileSecretStore } from '../../electron/core/security/encrypted-secret-file.ts';
import {
  cipherFromSafeStorage,
  type SafeStorageLike,
  type StringCipher,
} from '../../electron/core/security/os-cipher.ts';
import { loadKeychainTillKey } from '../../electron/core/security/keychain-till-key.ts';
import { deriveTillKeys } from '../../electron/core/security/till-key.ts';

const credentials = { username: 'merchant_pos', password: 'hunter2-S3cret!' };

function aesCipher(
  options: { available?: () => boolean; shouldReEncrypt?: () => boolean } = {},
): StringCipher & { key: Buffer; encryptions: number } {
  const state = {
    key: randomBytes(32),
    encryptions: 0,
  };
  return Object.assign(state, {
    isAvailable: async () => options.available?.() ?? true,
    encrypt: async (text: string) => {
      state.encryptions += 1;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', state.key, iv);
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt: async (blob: Uint8Array) => {
      const data = Buffer.from(blob);
      const decipher = createDecipheriv('aes-256-gcm', state.key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      const text = Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
      return { text, shouldReEncrypt: options.shouldReEncrypt?.() ?? false };
    },
  });
}

describe('encrypted secret file', () => {
  let dir: string;
  let warnings: Array<{ event: string; data?: Record<string, unknown> }>;
  const log = { warn: (event: string, data?: Record<string, unknown>) => void warnings.push({ event, data }) };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sequra-pos-secrets-'));
    warnings = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips credentials and writes only an encrypted base64 blob', async () => {
    const filePath = join(dir, 'sequra-credentials.enc');
    const store = createEncryptedFileSecretStore({ filePath, cipher: aesCipher(), log });
    expect(await store.getCredentials()).toBeNull();
    await store.setCredentials(credentials);
    expect(await store.getCredentials()).toEqual(credentials);

    const onDisk = readFileSync(filePath, 'utf8');
    expect(onDisk).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(onDisk).not.toContain('hunter2');
    expect(Buffer.from(onDisk, 'base64').toString('latin1')).not.toContain('hunter2');
    expect(Buffer.from(onDisk, 'base64').toString('latin1')).not.toContain('merchant_pos');
    // No temporary file left behind by the write-then-rename.
    expect(readdirSync(dir)).toEqual(['sequra-credentials.enc']);
    if (process.platform !== 'win32') expect(statSync(filePath).mode & 0o077).toBe(0);
  });

  it('refuses to store anything when the OS cannot protect the key, and writes no file', async () => {
    const filePath = join(dir, 'sequra-credentials.enc');
    const store = createEncryptedFileSecretStore({ filePath, cipher: aesCipher({ available: () => false }), log });
    const attempt = store.setCredentials(credentials);
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: 'internal' });
    expect(existsSync(filePath)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses empty or oversized fields', async () => {
    const store = createEncryptedFileSecretStore({ filePath: join(dir, 'c.enc'), cipher: aesCipher(), log });
    await expect(store.setCredentials({ username: '', password: 'x' })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await expect(store.setCredentials({ username: 'u', password: 'p'.repeat(501) })).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  it('a blob it cannot decrypt (another user, reset keyring) reads as "none", is kept, and is logged without content', async () => {
    const filePath = join(dir, 'c.enc');
    await createEncryptedFileSecretStore({ filePath, cipher: aesCipher(), log }).setCredentials(credentials);
    const before = readFileSync(filePath, 'utf8');
    // Same file, a different key: what a different Windows user's DPAPI would see.
    const other = createEncryptedFileSecretStore({ filePath, cipher: aesCipher(), log });
    expect(await other.getCredentials()).toBeNull();
    expect(readFileSync(filePath, 'utf8')).toBe(before);
    expect(warnings.map((w) => w.event)).toEqual(['secrets.cannot_decrypt']);
    expect(JSON.stringify(warnings)).not.toContain(before.slice(0, 16));
  });

  it('a garbage or tampered file reads as "none" instead of crashing start-up', async () => {
    const filePath = join(dir, 'c.enc');
    const cipher = aesCipher();
    const store = createEncryptedFileSecretStore({ filePath, cipher, log });
    writeFileSync(filePath, 'not base64 at all ✗');
    expect(await store.getCredentials()).toBeNull();
    // Valid encryption of something that is not credentials.
    writeFileSync(filePath, Buffer.from(await cipher.encrypt('{"username":42}')).toString('base64'));
    expect(await store.getCredentials()).toBeNull();
    expect(warnings.map((w) => w.event)).toEqual(['secrets.cannot_decrypt', 'secrets.malformed']);
  });

  it('re-encrypts when the OS says the key rotated', async () => {
    const filePath = join(dir, 'c.enc');
    let rotate = false;
    const cipher = aesCipher({ shouldReEncrypt: () => rotate });
    const store = createEncryptedFileSecretStore({ filePath, cipher, log });
    await store.setCredentials(credentials);
    const first = readFileSync(filePath, 'utf8');
    rotate = true;
    expect(await store.getCredentials()).toEqual(credentials);
    expect(cipher.encryptions).toBe(2);
    expect(readFileSync(filePath, 'utf8')).not.toBe(first);
    rotate = false;
    expect(await store.getCredentials()).toEqual(credentials);
  });

  it('clearCredentials removes the file', async () => {
    const filePath = join(dir, 'c.enc');
    const store = createEncryptedFileSecretStore({ filePath, cipher: aesCipher(), log });
    await store.setCredentials(credentials);
    await store.clearCredentials();
    expect(existsSync(filePath)).toBe(false);
    expect(await store.getCredentials()).toBeNull();
    await expect(store.clearCredentials()).resolves.toBeUndefined();
  });
});

describe('cipherFromSafeStorage', () => {
  // A stand-in for Electron's asynchronous safeStorage API (shapes from its documentation and types).
  const reversible = (text: string) => Buffer.from(`enc:${Buffer.from(text).toString('base64')}`);
  const reverse = (blob: Buffer) => Buffer.from(blob.toString().slice(4), 'base64').toString();

  function osApi(available: boolean, backend?: string, shouldReEncrypt = false): SafeStorageLike {
    return {
      isAsyncEncryptionAvailable: async () => available,
      encryptStringAsync: async (text: string) => reversible(text),
      decryptStringAsync: async (blob: Buffer) => ({ result: reverse(blob), shouldReEncrypt }),
      ...(backend ? { getSelectedStorageBackend: () => backend } : {}),
    };
  }

  it("encrypts and decrypts through the OS, passing on the OS's 'write it again' after a key rotation", async () => {
    const cipher = cipherFromSafeStorage(osApi(true, undefined, true), 'win32');
    expect(await cipher.isAvailable()).toBe(true);
    const blob = await cipher.encrypt('secret');
    expect(Buffer.from(blob).toString()).not.toContain('secret');
    expect(await cipher.decrypt(blob)).toEqual({ text: 'secret', shouldReEncrypt: true });
  });

  it('reports unavailable when the OS says so', async () => {
    expect(await cipherFromSafeStorage(osApi(false), 'win32').isAvailable()).toBe(false);
  });

  it("treats Linux's basic_text backend (a key hard-coded in Chromium) as unavailable", async () => {
    expect(await cipherFromSafeStorage(osApi(true, 'basic_text'), 'linux').isAvailable()).toBe(false);
    expect(await cipherFromSafeStorage(osApi(true, 'gnome_libsecret'), 'linux').isAvailable()).toBe(true);
  });

  it('end to end: a store on a keyring-less Linux refuses credentials', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sequra-pos-secrets-'));
    try {
      const store = createEncryptedFileSecretStore({
        filePath: join(dir, 'c.enc'),
        cipher: cipherFromSafeStorage(osApi(true, 'basic_text'), 'linux'),
        log: { warn: () => undefined },
      });
      await expect(store.setCredentials(credentials)).rejects.toBeInstanceOf(AppError);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('till key in the keychain (till-key.enc)', () => {
  let dir: string;
  const events: string[] = [];
  const log = {
    warn: (event: string) => void events.push(event),
    info: (event: string) => void events.push(event),
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sequra-pos-tillkey-'));
    events.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is created once, kept only encrypted, and read back the same on the next start', async () => {
    const filePath = join(dir, 'till-key.enc');
    const cipher = aesCipher();
    const first = await loadKeychainTillKey({ filePath, cipher, log });
    expect(first.source).toBe('created');
    expect(first.key).toHaveLength(32);
    const onDisk = readFileSync(filePath, 'utf8');
    expect(onDisk).not.toContain(first.key.toString('base64'));
    expect(onDisk).not.toContain(first.key.toString('hex'));
    expect(statSync(filePath).mode & 0o077).toBe(0);
    const second = await loadKeychainTillKey({ filePath, cipher, log });
    expect(second).toEqual({ key: first.key, source: 'keychain' });
  });

  it('after a keychain reset: the old blob is kept aside and a new key is made (reported as replaced)', async () => {
    const filePath = join(dir, 'till-key.enc');
    const first = await loadKeychainTillKey({ filePath, cipher: aesCipher(), log });
    const afterReset = await loadKeychainTillKey({
      filePath,
      cipher: aesCipher(),
      log,
      clock: () => new Date('2026-03-02T10:00:00Z'),
    });
    expect(afterReset.source).toBe('replaced');
    expect(afterReset.key.equals(first.key)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['till-key.enc', 'till-key.enc.unreadable-2026-03-02T10-00-00-000Z']);
    expect(events).toContain('tillkey.replaced');
  });

  it('without a protected keychain: a key for this run only, nothing written, an existing blob left alone', async () => {
    const filePath = join(dir, 'till-key.enc');
    const run = await loadKeychainTillKey({ filePath, cipher: aesCipher({ available: () => false }), log });
    expect(run.source).toBe('memory');
    expect(existsSync(filePath)).toBe(false);
    writeFileSync(filePath, 'c29tZXRoaW5n');
    await loadKeychainTillKey({ filePath, cipher: aesCipher({ available: () => false }), log });
    expect(readFileSync(filePath, 'utf8')).toBe('c29tZXRoaW5n');
    expect(events).toContain('tillkey.keychain_unavailable');
  });

  it('derives distinct, stable pepper and audit keys, and a key id that is not the key', () => {
    const key = Buffer.alloc(32, 3);
    const a = deriveTillKeys({ key, source: 'keychain' });
    const b = deriveTillKeys({ key: Buffer.from(key), source: 'memory' });
    expect(a.pepper.key.equals(b.pepper.key)).toBe(true);
    expect(a.auditKey.equals(a.pepper.key)).toBe(false);
    expect(a.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(key.toString('hex')).not.toContain(a.keyId);
    expect(deriveTillKeys({ key: Buffer.alloc(32, 4), source: 'memory' }).keyId).not.toBe(a.keyId);
  });
});
