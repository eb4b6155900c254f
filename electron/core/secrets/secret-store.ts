// SeQura credentials live behind this interface: Electron safeStorage (OS keychain / DPAPI) in the app,
// memory only in the preview host and tests. They never reach the renderer, a log or a JSON file in clear.
// The same store hands out the till key (security/till-key.ts), the secret behind the PIN pepper and the
// audit chain, kept the same way.
import { newTillKey, type TillKeyLoad } from '../security/till-key.ts';

export interface SequraCredentials {
  username: string;
  password: string;
}

export interface SecretStore {
  getCredentials(): Promise<SequraCredentials | null>;
  setCredentials(credentials: SequraCredentials): Promise<void>;
  clearCredentials(): Promise<void>;
  /** The till key: the same bytes for every call while the keychain holds it. */
  tillKey(): Promise<TillKeyLoad>;
}

/** Memory only: credentials and the till key last as long as this object (a new random key unless given). */
export function createMemorySecretStore(
  initial: SequraCredentials | null = null,
  tillKey: Buffer = newTillKey(),
): SecretStore {
  let current = initial;
  const key = Buffer.from(tillKey);
  return {
    tillKey: async () => ({ key, source: 'memory' }),
    getCredentials: async () => current,
    setCredentials: async (credentials) => {
      current = { ...credentials };
    },
    clearCredentials: async () => {
      current = null;
    },
  };
}
