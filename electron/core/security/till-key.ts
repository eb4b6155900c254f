import { createHmac, hkdfSync, randomBytes } from 'node:crypto';

// The till key: 32 random bytes created on the till's first start and kept with the OS keychain (Electron
// safeStorage: DPAPI, Keychain, libsecret/kwallet), never in clear in the data folder; in memory only for the
// preview host and tests. Two keys are derived from it, one per purpose, so neither use can weaken the other:
//
// - the PIN pepper, an HMAC key over every PIN hash (operators/pin-hash.ts): a copied data folder alone cannot
//   test a single PIN guess;
// - the audit key, which keys the audit log's HMAC chain (audit/audit-log.ts): whoever can write the data
//   folder but not use the keychain cannot rewrite the chain so that it verifies.
export const TILL_KEY_BYTES = 32;

export interface TillKeyLoad {
  key: Buffer;
  /**
   * keychain: read back from the keychain; created: first start, now kept there; replaced: the stored key
   * could not be decrypted (the keychain was reset or the folder came from another user or machine), a new
   * one was made; memory: only for this run (the preview host, or no protected keychain on this machine).
   */
  source: 'keychain' | 'created' | 'replaced' | 'memory';
}

export interface Pepper {
  /** A public name of the key (an HMAC of a fixed label), stored next to each hash; never the key. */
  readonly id: string;
  readonly key: Buffer;
}

export interface TillKeys {
  pepper: Pepper;
  /** Key of the audit chain's HMAC. */
  auditKey: Buffer;
  /** Same as pepper.id: names the till key in audit heads and logs. */
  keyId: string;
  source: TillKeyLoad['source'];
}

export function deriveTillKeys(load: TillKeyLoad): TillKeys {
  if (load.key.length !== TILL_KEY_BYTES) throw new Error('The till key must be 32 bytes.');
  const derive = (purpose: string): Buffer =>
    Buffer.from(hkdfSync('sha256', load.key, Buffer.alloc(0), `sequra-pos ${purpose}`, 32));
  const keyId = createHmac('sha256', load.key).update('sequra-pos key id').digest('hex').slice(0, 16);
  return {
    pepper: { id: keyId, key: derive('pin pepper') },
    auditKey: derive('audit chain'),
    keyId,
    source: load.source,
  };
}

export function newTillKey(): Buffer {
  return randomBytes(TILL_KEY_BYTES);
}
