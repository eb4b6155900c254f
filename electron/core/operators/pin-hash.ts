import { createHmac, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Pepper } from '../security/till-key.ts';

// PINs are short (4–8 digits), so a fast hash of one is brute-forced in microseconds by whoever copies the
// operators file. scrypt with a per-PIN random salt makes each guess cost tens of milliseconds and megabytes
// of memory, and the parameters are stored with each hash so they can be raised later without a migration.
//
// scrypt alone still gives up a 4-digit PIN to whoever copies the data folder (10,000 guesses at ~60 ms is
// ten minutes). So the scrypt output is also keyed with a pepper: an HMAC key derived from the till key that
// the OS keychain protects (security/till-key.ts) and that the data folder never holds. A copied folder alone
// cannot test a single guess. Each hash names the pepper it was made with (`pepper`, a key id, not the key):
// a hash made under another key (the keychain was reset) can never verify, and the operators service says
// so instead of reporting a wrong PIN forever. Hashes from before peppering have no `pepper` and verify
// without it; they are rewritten with the pepper at the operator's next successful sign-in.
export interface PinHash {
  algorithm: 'scrypt';
  n: number;
  r: number;
  p: number;
  /** base64 */
  salt: string;
  /** base64 */
  hash: string;
  /** Id of the pepper (till key) the hash was keyed with; absent on hashes from before peppering. */
  pepper?: string;
}

const DEFAULT_PARAMS = { n: 16_384, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_BYTES = 16;

function derive(pin: string, salt: Buffer, params: { n: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: params.n, r: params.r, p: params.p, maxmem: 256 * params.n * params.r };
  return new Promise((resolve, reject) => {
    // The asynchronous form runs on the libuv pool: a sign-in never freezes the till's event loop.
    scrypt(pin.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPin(pin: string, pepper: Pepper, params = DEFAULT_PARAMS): Promise<PinHash> {
  const salt = randomBytes(SALT_BYTES);
  const key = peppered(await derive(pin, salt, params), pepper);
  return {
    algorithm: 'scrypt',
    ...params,
    salt: salt.toString('base64'),
    hash: key.toString('base64'),
    pepper: pepper.id,
  };
}

/** Whether this till's pepper can check the hash at all (false after a keychain reset). */
export function pinHashUsable(stored: PinHash, pepper: Pepper): boolean {
  return stored.pepper === undefined || stored.pepper === pepper.id;
}

/** True when the hash predates peppering and should be rewritten with the pepper. */
export function pinHashNeedsPepper(stored: PinHash): boolean {
  return stored.pepper === undefined;
}

export async function verifyPin(pin: string, stored: PinHash, pepper: Pepper): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const derived = await derive(pin, Buffer.from(stored.salt, 'base64'), stored);
  // The same work is done for a hash this pepper cannot check, so its answer takes as long as any other.
  if (!pinHashUsable(stored, pepper)) return false;
  const key = stored.pepper === undefined ? derived : peppered(derived, pepper);
  // Constant-time: how many leading bytes matched must not show in the answer's timing.
  return key.length === expected.length && timingSafeEqual(key, expected);
}

function peppered(derived: Buffer, pepper: Pepper): Buffer {
  return createHmac('sha256', pepper.key).update(derived).digest();
}

/** Same cost as a real check, for unknown operator ids: "no such operator" must not answer faster. */
const dummies = new WeakMap<Pepper, Promise<PinHash>>();
export async function burnPinCheck(pin: string, pepper: Pepper): Promise<false> {
  let dummy = dummies.get(pepper);
  if (!dummy) {
    dummy = hashPin('000000', pepper);
    dummies.set(pepper, dummy);
  }
  await verifyPin(pin, await dummy, pepper);
  return false;
}

/**
 * Why a new PIN is refused, or null. Only the shape of the PIN is judged (no list of common PINs beyond the
 * obvious): the lockout, not the PIN alphabet, is what stops guessing at the till.
 */
export function pinWeakness(pin: string): 'format' | 'repeated' | 'sequence' | null {
  if (!/^\d{4,8}$/.test(pin)) return 'format';
  if (/^(\d)\1+$/.test(pin)) return 'repeated';
  const digits = [...pin].map(Number);
  const steps = digits.slice(1).map((d, i) => (d - digits[i]! + 10) % 10);
  if (steps.every((s) => s === 1) || steps.every((s) => s === 9)) return 'sequence';
  return null;
}
