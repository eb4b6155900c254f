// Adapts Electron's safeStorage (OS keychain, DPAPI, libsecret/kwallet) to the small cipher the encrypted
// secret file and the till key need. Structural types only: no Electron value is imported, so this runs under
// plain Node. It uses safeStorage's asynchronous API (Electron 45 and later): it does not block main's event
// loop and reports when the OS rotated its key; the synchronous API is deprecated.
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  /** Linux only: which secret store backs the key ('basic_text' = a key hard-coded in Chromium). */
  getSelectedStorageBackend?(): string;
}

export interface StringCipher {
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
  return {
    isAvailable: async () => (await safeStorage.isAsyncEncryptionAvailable()) && keyIsProtected(),
    encrypt: async (plainText) => safeStorage.encryptStringAsync(plainText),
    decrypt: async (encrypted) => {
      const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(Buffer.from(encrypted));
      return { text: result, shouldReEncrypt };
    },
  };
}
