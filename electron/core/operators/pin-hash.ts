import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// PINs are short (4–8 digits), so a fast hash of one is brute-forced in microseconds by whoever copies the
// operators file. scrypt with a per-PIN random salt makes each guess cost tens of milliseconds and megabytes
// of memory, and the parameters are stored with each hash so they can be raised later without a migration.
export interface PinHash {
  algorithm: 'scrypt';
  n: number;
  r: number;
  p: number;
  /** base64 */
  salt: string;
  /** base64 */
  hash: string;
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

export async function hashPin(pin: string, params = DEFAULT_PARAMS): Promise<PinHash> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(pin, salt, params);
  return { algorithm: 'scrypt', ...params, salt: salt.toString('base64'), hash: key.toString('base64') };
}

export async function verifyPin(pin: string, stored: PinHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(pin, Buffer.from(stored.salt, 'base64'), stored);
  // Constant-time: how many leading bytes matched must not show in the answer's timing.
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Same cost as a real check, for unknown operator ids: "no such operator" must not answer faster. */
let dummy: Promise<PinHash> | null = null;
export async function burnPinCheck(pin: string): Promise<false> {
  dummy ??= hashPin('000000');
  await verifyPin(pin, await dummy);
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
