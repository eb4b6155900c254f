// SeQura credentials live behind this interface: Electron safeStorage (OS keychain / DPAPI) in the app,
// memory only in the preview host and tests. They never reach the renderer, a log or a JSON file in clear.
export interface SequraCredentials {
  username: string;
  password: string;
}

export interface SecretStore {
  getCredentials(): Promise<SequraCredentials | null>;
  setCredentials(credentials: SequraCredentials): Promise<void>;
  clearCredentials(): Promise<void>;
}

export function createMemorySecretStore(initial: SequraCredentials | null = null): SecretStore {
  let current = initial;
  return {
    getCredentials: async () => current,
    setCredentials: async (credentials) => {
      current = { ...credentials };
    },
    clearCredentials: async () => {
      current = null;
    },
  };
}
