import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../log/logger.ts';
import type { StringCipher } from './os-cipher.ts';
import { newTillKey, TILL_KEY_BYTES, type TillKeyLoad } from './till-key.ts';

// The till key (security/till-key.ts) encrypted by the OS keychain through safeStorage, as one base64 blob in
// its own file in the data folder (`till-key.enc`): the folder holds only what the keychain can open.
//
// - First start: a new key is made and stored.
// - The blob cannot be decrypted (keychain reset, folder copied from another user or machine): the blob is
//   kept aside as `till-key.enc.unreadable-<time>` (should the old keychain come back) and a new key is made.
//   PINs made under the old key no longer verify; the operators service offers "create the manager" again and
//   the audit log records the change of key (docs/it-guide.md, "The till key").
// - No protected keychain on this machine (Linux without a keyring): the key lives in memory for this run and
//   nothing is written; the blob, if any, is left for when the keyring is back.
export interface KeychainTillKeyOptions {
  filePath: string;
  cipher: StringCipher;
  log: Pick<Logger, 'warn' | 'info'>;
  clock?: () => Date;
}

export async function loadKeychainTillKey(options: KeychainTillKeyOptions): Promise<TillKeyLoad> {
  const { filePath, cipher, log } = options;
  const clock = options.clock ?? (() => new Date());
  let blob: string | null = null;
  try {
    blob = (await readFile(filePath, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      log.warn('tillkey.unreadable_file', { error: (error as NodeJS.ErrnoException).code ?? 'unknown' });
  }
  if (!(await cipher.isAvailable())) {
    log.warn('tillkey.keychain_unavailable', { stored: blob !== null });
    return { key: newTillKey(), source: 'memory' };
  }
  if (blob !== null) {
    const key = await decryptKey(cipher, blob);
    if (key) return { key, source: 'keychain' };
    const aside = `${filePath}.unreadable-${clock().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await rename(filePath, aside);
    } catch {
      // writing the new key below replaces it anyway
    }
    log.warn('tillkey.replaced', { keptAs: aside });
  }
  const key = newTillKey();
  await mkdir(dirname(filePath), { recursive: true });
  // Write then rename: a crash mid-write leaves the old blob (or none), never half of a new one.
  const temporary = `${filePath}.${process.pid}.tmp`;
  await writeFile(temporary, Buffer.from(await cipher.encrypt(key.toString('base64'))).toString('base64'), {
    encoding: 'utf8',
    mode: 0o600,
  });
  await rename(temporary, filePath);
  if (blob === null) log.info('tillkey.created', {});
  return { key, source: blob === null ? 'created' : 'replaced' };
}

async function decryptKey(cipher: StringCipher, blob: string): Promise<Buffer | null> {
  try {
    const { text } = await cipher.decrypt(Buffer.from(blob, 'base64'));
    const key = Buffer.from(text, 'base64');
    return key.length === TILL_KEY_BYTES ? key : null;
  } catch {
    // Never log the blob or the error text: either could echo key material.
    return null;
  }
}
