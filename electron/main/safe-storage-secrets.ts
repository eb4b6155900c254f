import { join } from 'node:path';
import { safeStorage } from 'electron';
import type { Logger } from '../core/log/logger.ts';
import { createEncryptedFileSecretStore } from '../core/security/encrypted-secret-file.ts';
import { cipherFromSafeStorage } from '../core/security/os-cipher.ts';
import type { SecretStore } from '../core/secrets/secret-store.ts';
import { loadKeychainTillKey } from '../core/security/keychain-till-key.ts';
import type { TillKeyLoad } from '../core/security/till-key.ts';

// SeQura credentials encrypted by the OS (Keychain, DPAPI, libsecret/kwallet via safeStorage) and kept
// as one base64 blob in their own file in userData. Use only after `app` is ready: before that safeStorage
// reports encryption as unavailable on Windows and Linux.
// DPAPI keys are per Windows user: on a till shared by several Windows accounts each account enrols.
export const CREDENTIALS_FILE_NAME = 'sequra-credentials.enc';
/** The till key behind the PIN pepper and the audit chain (core/security/keychain-till-key.ts). */
export const TILL_KEY_FILE_NAME = 'till-key.enc';

export function createSafeStorageSecretStore(userDataDir: string, log: Logger): SecretStore {
  const cipher = cipherFromSafeStorage(safeStorage, process.platform);
  const credentials = createEncryptedFileSecretStore({
    filePath: join(userDataDir, CREDENTIALS_FILE_NAME),
    cipher,
    log,
  });
  // Loaded once per run: every core generation gets the same key.
  let tillKey: Promise<TillKeyLoad> | null = null;
  return {
    ...credentials,
    tillKey: () => (tillKey ??= loadKeychainTillKey({ filePath: join(userDataDir, TILL_KEY_FILE_NAME), cipher, log })),
  };
}
