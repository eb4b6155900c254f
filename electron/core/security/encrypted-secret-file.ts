import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import type { SecretStore, SequraCredentials } from '../secrets/secret-store.ts';

/** The credentials half of a SecretStore (the till key is kept in its own file: keychain-till-key.ts). */
export type CredentialStore = Omit<SecretStore, 'tillKey'>;
import type { StringCipher } from './os-cipher.ts';

// The SeQura credentials as one OS-encrypted blob (base64) in a small file of its own, next to, never
// inside, the JSON stores. Nothing in clear ever touches the disk: if the OS cannot protect the key we
// refuse to store rather than fall back. A blob we cannot decrypt (another Windows user's DPAPI key, a
// reset keyring) is left in place and reported as "no credentials": the till starts in training mode and
// store IT re-enrols, instead of the app failing to start.
export interface EncryptedSecretFileOptions {
  filePath: string;
  cipher: StringCipher;
  log: Pick<Logger, 'warn'>;
}

const MAX_FIELD_CHARS = 500;

export function createEncryptedFileSecretStore(options: EncryptedSecretFileOptions): CredentialStore {
  const { filePath, cipher, log } = options;
  // One operation at a time: a re-encryption during a read must not race a new enrolment.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(operation: () => Promise<T>): Promise<T> => {
    const next = queue.then(operation, operation);
    queue = next.catch(() => undefined);
    return next;
  };

  async function writeBlob(credentials: SequraCredentials): Promise<void> {
    const blob = await cipher.encrypt(
      JSON.stringify({ username: credentials.username, password: credentials.password }),
    );
    await mkdir(dirname(filePath), { recursive: true });
    // Write then rename: a crash mid-write leaves the old blob, never half of a new one.
    const temporary = `${filePath}.${process.pid}.tmp`;
    await writeFile(temporary, Buffer.from(blob).toString('base64'), { encoding: 'utf8', mode: 0o600 });
    await rename(temporary, filePath);
  }

  return {
    getCredentials: () =>
      serial(async () => {
        let text: string;
        try {
          text = await readFile(filePath, 'utf8');
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
            log.warn('secrets.unreadable_file', { error: (error as Error).name });
          return null;
        }
        if (!(await cipher.isAvailable())) {
          log.warn('secrets.keychain_unavailable', {});
          return null;
        }
        let decrypted: { text: string; shouldReEncrypt: boolean };
        try {
          decrypted = await cipher.decrypt(Buffer.from(text.trim(), 'base64'));
        } catch (error) {
          // Never log the blob or the error message: either could echo key material.
          log.warn('secrets.cannot_decrypt', {
            error: error instanceof Error ? error.name : 'unknown',
          });
          return null;
        }
        const credentials = parseCredentials(decrypted.text);
        if (!credentials) {
          log.warn('secrets.malformed', {});
          return null;
        }
        if (decrypted.shouldReEncrypt) {
          try {
            await writeBlob(credentials);
          } catch (error) {
            log.warn('secrets.reencrypt_failed', { error: error instanceof Error ? error.name : 'unknown' });
          }
        }
        return credentials;
      }),

    setCredentials: (credentials) =>
      serial(async () => {
        if (!isValidField(credentials.username) || !isValidField(credentials.password)) {
          throw new AppError('invalid_request', 'The SeQura user name and password are required.');
        }
        if (!(await cipher.isAvailable())) {
          throw new AppError(
            'internal',
            'This computer has no protected keychain available, so the credentials were not stored. Store IT: see docs/it-guide.md, "Credential enrolment".',
          );
        }
        await writeBlob(credentials);
      }),

    clearCredentials: () =>
      serial(async () => {
        await rm(filePath, { force: true });
      }),
  };
}

function isValidField(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_FIELD_CHARS;
}

function parseCredentials(text: string): SequraCredentials | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { username, password } = value as Record<string, unknown>;
  return isValidField(username) && isValidField(password) ? { username, password } : null;
}
