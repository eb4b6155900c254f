// Adapts Electron's safeStorage (OS keychain, DPAPI, libsecret/kwallet) to the small cipher the encrypted
// secret file needs. Structural types only: no Electron value is imported, so this runs under plain Node.
//
// Electron 39 (this project's version) ships only the synchronous API in its type definitions. Newer
// releases add isAsyncEncryptionAvailable / encryptStringAsync / decryptStringAsync (non-blocking, with key
// rotation) and Electron 46 removes the synchronous one, so we prefer the asynchronous API whenever the
// running Electron has it and fall back to the synchronous one otherwise.
export interface SafeStorageLike {
  isEncryptionAvailable?(): boolean;
  encryptString?(plainText: string): Buffer;
  decryptString?(encrypted: Buffer): string;
  /** Linux only: which secret store backs the key ('basic_text' = a key hard-coded in Chromium). */
  getSelectedStorageBackend?(): string;
  isAsyncEncryptionAvailable?(): Promise<boolean>;
  encryptStringAsync?(plainText: string): Promise<Buffer>;
  decryptStringAsync?(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
}

export interface StringCipher {
  readonly api: 'async' | 'sync' | 'none';
  /** False when the OS cannot protect the key; callers must then refuse to store secrets. */
  isAvailable(): Promise<boolean>;
  encrypt(plainText: string): Promise<Uint8Array>;
  /** `shouldReEncrypt`: the OS rotated or upgraded the key; write the secret again with encrypt(). */
  decrypt(encrypted: Uint8Array): Promise<{ text: string; shouldReEncrypt: boolean }>;
}

export function cipherFromSafeStorage(safeStorage: SafeStorageLike, platform: string): StringCipher {
  // On Linux without a keyring Chromium falls back to 'basic_text': the "encrypted" blob is readable by
  // anyone with the file. That is clear text with extra steps, so it counts as "not available".
  const keyIsProtected = (): boolean =>
    !(platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text');

  const { isAsyncEncryptionAvailable, encryptStringAsync, decryptStringAsync } = safeStorage;
  if (isAsyncEncryptionAvailable && encryptStringAsync && decryptStringAsync) {
    return {
      api: 'async',
      isAvailable: async () => (await isAsyncEncryptionAvailable.call(safeStorage)) && keyIsProtected(),
      encrypt: async (plainText) => encryptStringAsync.call(safeStorage, plainText),
      decrypt: async (encrypted) => {
        const { result, shouldReEncrypt } = await decryptStringAsync.call(safeStorage, Buffer.from(encrypted));
        return { text: result, shouldReEncrypt };
      },
    };
  }

  const { isEncryptionAvailable, encryptString, decryptString } = safeStorage;
  if (isEncryptionAvailable && encryptString && decryptString) {
    return {
      api: 'sync',
      isAvailable: async () => isEncryptionAvailable.call(safeStorage) && keyIsProtected(),
      encrypt: async (plainText) => encryptString.call(safeStorage, plainText),
      decrypt: async (encrypted) => ({
        text: decryptString.call(safeStorage, Buffer.from(encrypted)),
        shouldReEncrypt: false,
      }),
    };
  }

  return {
    api: 'none',
    isAvailable: async () => false,
    encrypt: async () => {
      throw new Error('safeStorage offers no encryption API');
    },
    decrypt: async () => {
      throw new Error('safeStorage offers no encryption API');
    },
  };
}
