// Operators and PINs in the real till database: salted slow hashes, the lockout that survives a restart, the idle lock
// that keeps the sale, manager authorisation (ManagerAuthorizer) and the session gate in front of the sale
// channels, through the real core.
import { scryptSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app-core.ts';
import { AuditLog } from '../../electron/core/audit/audit-log.ts';
import { verifyAuditChain } from '../../electron/core/audit/audit-chain.ts';
import { AppError } from '../../electron/core/errors.ts';
import { createMemorySecretStore } from '../../electron/core/secrets/secret-store.ts';
import { OperatorsService } from '../../electron/core/operators/operators-service.ts';
import { hashPin, pinWeakness, verifyPin } from '../../electron/core/operators/pin-hash.ts';
import { openTillDatabase, type TillDatabase } from '../../electron/core/db/database.ts';
import { deriveTillKeys, newTillKey, type Pepper } from '../../electron/core/security/till-key.ts';
import type { OperatorView } from '../../shared/ipc/admin-schemas.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import {
  auditEntries,
  call,
  callError,
  makeDataDir,
  removeDir,
  startCore,
  TEST_TILL_KEY,
  TRAINING_CASHIER,
  TRAINING_MANAGER,
} from '../support/till.ts';

let dataDir: string;
const databases: TillDatabase[] = [];
beforeEach(() => {
  dataDir = makeDataDir('sequra-pos-operators-');
});
afterEach(() => {
  for (const db of databases.splice(0)) db.close();
  removeDir(dataDir);
});

/** The stored PIN hash of one operator, as the database holds it. */
function storedPin(
  id: string,
): Record<string, unknown> & { salt: string; hash: string; n: number; r: number; p: number } {
  const row = databases.at(-1)!.sql.prepare('SELECT pin_hash FROM operators WHERE id = ?').get(id) as {
    pin_hash: string;
  };
  return JSON.parse(row.pin_hash);
}

/** A service on the data dir with a hand-driven wall clock and idle clock. */
const TEST_KEYS = deriveTillKeys({ key: TEST_TILL_KEY, source: 'memory' });
const PEPPER = TEST_KEYS.pepper;
const AUDIT_CHAIN = { key: TEST_KEYS.auditKey, keyId: TEST_KEYS.keyId };

function service(options: { now?: { t: number }; idle?: { t: number }; pepper?: Pepper } = {}) {
  const now = options.now ?? { t: Date.parse('2026-03-02T10:00:00Z') };
  const idle = options.idle ?? { t: 0 };
  const clock = () => new Date(now.t);
  // A restart is a new connection to the same file, as the app makes at every start.
  const db = openTillDatabase(join(dataDir, 'till.db'));
  databases.push(db);
  const audit = new AuditLog(db, clock, AUDIT_CHAIN, dataDir);
  let changes = 0;
  const ops = new OperatorsService({
    db,
    clock,
    idleClock: () => idle.t,
    audit,
    pepper: options.pepper ?? PEPPER,
    onChange: () => (changes += 1),
  });
  return { ops, audit, now, idle, changes: () => changes };
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('PIN hashing', () => {
  it('scrypt with a per-PIN salt: same PIN, different hashes; right PIN verifies, wrong does not', async () => {
    const a = await hashPin('482915', PEPPER);
    const b = await hashPin('482915', PEPPER);
    expect(a.algorithm).toBe('scrypt');
    expect(a.n).toBeGreaterThanOrEqual(16_384);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
    expect(await verifyPin('482915', a, PEPPER)).toBe(true);
    expect(await verifyPin('482916', a, PEPPER)).toBe(false);
  });

  it('the database holds hashes, never the PIN', async () => {
    const { ops } = service();
    await ops.bootstrapManager({ id: 'M1', displayName: 'Ana', pin: '482915' });
    for (const file of ['till.db', 'till.db-wal'])
      expect(readFileSync(join(dataDir, file)).includes('482915')).toBe(false);
    const row = databases[0]!.sql.prepare("SELECT pin_hash FROM operators WHERE id = 'M1'").get() as {
      pin_hash: string;
    };
    expect(JSON.parse(row.pin_hash)).toMatchObject({
      algorithm: 'scrypt',
      salt: expect.any(String),
      hash: expect.any(String),
    });
  });

  it('refuses PINs that are all one digit or a run', () => {
    expect(pinWeakness('1111')).toBe('repeated');
    expect(pinWeakness('123456')).toBe('sequence');
    expect(pinWeakness('9876')).toBe('sequence');
    expect(pinWeakness('12a4')).toBe('format');
    expect(pinWeakness('482915')).toBeNull();
  });
});

describe('PIN pepper (the till key the data folder does not hold)', () => {
  it('a copied data folder alone cannot check a guess: scrypt of the right PIN with the stored salt does not match', async () => {
    const { ops } = service();
    await ops.bootstrapManager({ id: 'M1', displayName: 'Ana', pin: '4829' });
    // What an attacker with a copy of the folder does: recompute the stored hash for each candidate PIN.
    const stored = storedPin('M1');
    const offline = scryptSync('4829', Buffer.from(stored.salt, 'base64'), 32, {
      N: stored.n,
      r: stored.r,
      p: stored.p,
      maxmem: 256 * stored.n * stored.r,
    });
    expect(offline.toString('base64')).not.toBe(stored.hash);
    expect(stored.pepper).toBe(PEPPER.id);
    expect(JSON.stringify(stored)).not.toContain(PEPPER.key.toString('base64'));
    expect(JSON.stringify(stored)).not.toContain(TEST_TILL_KEY.toString('base64'));
    // With the till key the same PIN signs in.
    ops.setMode('live');
    expect((await ops.signIn('M1', '4829')).operatorRef).toBe('M1');
  });

  it('after a keychain reset no PIN verifies, "create the manager" is offered again and the old id can be taken back', async () => {
    const first = service();
    await first.ops.bootstrapManager({ id: 'M1', displayName: 'Ana', pin: '482915' });
    await first.ops.create({ id: 'C1', displayName: 'Luis', role: 'cashier', pin: '705813' }, 'M1');
    expect(first.ops.managerExists()).toBe(true);

    const otherKey = deriveTillKeys({ key: newTillKey(), source: 'replaced' }).pepper;
    const { ops, audit } = service({ pepper: otherKey });
    ops.setMode('live');
    expect((await refusal(ops.signIn('M1', '482915'))).extra.fields?.pin).toBe('wrong');
    expect(ops.managerExists()).toBe(false);
    expect(ops.operatorsNeedingNewPin()).toEqual(['C1', 'M1']);
    // Recovery: the first-run screen takes the manager id back with a new PIN; the manager then re-PINs others.
    await ops.bootstrapManager({ id: 'M1', displayName: 'Ana', pin: '603917' });
    expect((await ops.signIn('M1', '603917')).role).toBe('manager');
    expect(ops.managerExists()).toBe(true);
    await expect(ops.bootstrapManager({ id: 'C1', displayName: 'x', pin: '603917' })).rejects.toThrow(AppError);
    await ops.setPin('C1', '715926', 'M1');
    expect(ops.operatorsNeedingNewPin()).toEqual([]);
    expect(audit.entries().some((e) => e.action === 'operator.manager_recovered' && e.target === 'M1')).toBe(true);
  });

  it('a hash from before peppering still signs in once and is rewritten with the pepper', async () => {
    const { ops } = service();
    await ops.bootstrapManager({ id: 'M1', displayName: 'Ana', pin: '482915' });
    const salt = Buffer.from('0123456789abcdef');
    const legacy = scryptSync('482915', salt, 32, { N: 16_384, r: 8, p: 1, maxmem: 256 * 16_384 * 8 });
    const legacyPin = {
      algorithm: 'scrypt',
      n: 16_384,
      r: 8,
      p: 1,
      salt: salt.toString('base64'),
      hash: legacy.toString('base64'),
    };
    databases[0]!.sql.prepare("UPDATE operators SET pin_hash = ? WHERE id = 'M1'").run(JSON.stringify(legacyPin));
    const restarted = service();
    restarted.ops.setMode('live');
    expect((await restarted.ops.signIn('M1', '482915')).operatorRef).toBe('M1');
    const rewritten = storedPin('M1');
    expect(rewritten.pepper).toBe(PEPPER.id);
    expect(rewritten.hash).not.toBe(legacy.toString('base64'));
    restarted.ops.signOut();
    expect((await restarted.ops.signIn('M1', '482915')).operatorRef).toBe('M1');
  });
});

describe('sign-in and lockout', () => {
  it('signs in a stored operator; a wrong PIN or unknown id gets the same answer', async () => {
    const { ops } = service();
    await ops.bootstrapManager({ id: 'M1', displayName: 'Ana', pin: '482915' });
    ops.setMode('live');
    const wrong = await refusal(ops.signIn('M1', '000111'));
    const unknown = await refusal(ops.signIn('NOBODY', '000111'));
    expect(wrong.message).toBe(unknown.message);
    expect(wrong.code).toBe('locked');
    expect(wrong.extra.fields?.pin).toBe('wrong');
    const session = await ops.signIn('m1', '482915');
    expect(session).toMatchObject({ operatorRef: 'M1', role: 'manager', locked: false, trainingOperator: false });
    expect(ops.currentOperatorRef()).toBe('M1');
  });

  it('5 wrong PINs lock the operator out with a growing delay, and a restart does not reset it', async () => {
    const now = { t: Date.parse('2026-03-02T10:00:00Z') };
    let { ops } = service({ now });
    await ops.bootstrapManager({ id: 'M1', displayName: 'Ana', pin: '482915' });
    await ops.create({ id: 'C7', displayName: 'Luis', role: 'cashier', pin: '730561' }, 'M1');
    for (let i = 1; i <= 4; i += 1)
      expect((await refusal(ops.signIn('C7', '111222'))).extra.fields).toMatchObject({
        pin: 'wrong',
        attemptsLeft: String(5 - i),
      });
    const fifth = await refusal(ops.signIn('C7', '111222'));
    expect(fifth.extra.fields?.pin).toBe('locked_out');
    expect(Date.parse(fifth.extra.fields!.retryAt!) - now.t).toBe(30_000);

    // Restart: a new service on the same files.
    ({ ops } = service({ now }));
    ops.setMode('live');
    // Even the right PIN is refused while locked out: the lockout is checked before the PIN.
    expect((await refusal(ops.signIn('C7', '730561'))).extra.fields?.pin).toBe('locked_out');

    // After the delay, one more wrong PIN doubles it.
    now.t += 30_001;
    const sixth = await refusal(ops.signIn('C7', '111222'));
    expect(Date.parse(sixth.extra.fields!.retryAt!) - now.t).toBe(60_000);
    now.t += 60_001;
    // Other operators are not locked out by C7's failures.
    await expect(ops.signIn('M1', '482915')).resolves.toMatchObject({ operatorRef: 'M1' });
    await expect(ops.signIn('C7', '730561')).resolves.toMatchObject({ operatorRef: 'C7' });
    // Success clears the counter.
    expect((await refusal(ops.signIn('C7', '111222'))).extra.fields).toMatchObject({ pin: 'wrong', attemptsLeft: '4' });
  });

  it('every attempt is in the audit log, with no PIN in it, and the chain verifies', async () => {
    const { ops, audit } = service();
    await ops.bootstrapManager({ id: 'M1', displayName: 'Ana Pérez', pin: '482915' });
    await refusal(ops.signIn('M1', '555000'));
    await ops.signIn('M1', '482915');
    const actions = audit.entries().map((e) => `${e.actor} ${e.action} ${e.outcome}`);
    expect(actions).toEqual(['first-run operator.created ok', 'M1 session.sign_in refused', 'M1 session.signed_in ok']);
    const text = audit.lines().join('\n');
    expect(text).not.toMatch(/482915|555000|Ana|Pérez/);
    expect(verifyAuditChain(audit.lines(), AUDIT_CHAIN, null)).toMatchObject({ ok: false, problem: 'head_missing' });
    expect(audit.verify()).toMatchObject({ ok: true, brokenAt: null });
    // Tampering with a line breaks the chain at the next one.
    const lines = audit.lines();
    lines[1] = lines[1]!.replace('refused', 'ok');
    expect(verifyAuditChain(lines, AUDIT_CHAIN, null)).toMatchObject({
      ok: false,
      brokenAt: 2,
      problem: 'broken_link',
    });
  });

  it('training operators exist only in training mode', async () => {
    const { ops } = service();
    ops.setMode('training');
    await expect(ops.signIn(TRAINING_CASHIER.operatorId, TRAINING_CASHIER.pin)).resolves.toMatchObject({
      trainingOperator: true,
      role: 'cashier',
    });
    // Going live signs the training operator out, and their PIN no longer works.
    ops.setMode('live');
    expect(ops.sessionView()).toBeNull();
    expect((await refusal(ops.signIn(TRAINING_CASHIER.operatorId, TRAINING_CASHIER.pin))).extra.fields?.pin).toBe(
      'wrong',
    );
    // Nor can anyone create a real operator with a training id.
    await expect(ops.bootstrapManager({ id: '0009', displayName: 'x', pin: '482915' })).rejects.toMatchObject({
      extra: { fields: { id: 'reserved' } },
    });
  });
});

describe('idle lock and elevation', () => {
  it('locks after the idle time; activity pushes it back; the same PIN unlocks', async () => {
    const idle = { t: 0 };
    const { ops } = service({ idle });
    ops.setMode('training');
    ops.setAutoLockMinutes(5);
    await ops.signIn(TRAINING_CASHIER.operatorId, TRAINING_CASHIER.pin);
    idle.t = 4 * 60_000;
    ops.checkIdle();
    expect(ops.sessionView()?.locked).toBe(false);
    ops.activity();
    idle.t = 8 * 60_000;
    ops.checkIdle();
    expect(ops.sessionView()?.locked).toBe(false);
    idle.t = 9 * 60_000 + 1;
    ops.checkIdle();
    expect(ops.sessionView()).toMatchObject({ locked: true, lockedReason: 'idle' });
    expect(() => ops.currentOperatorRef()).toThrow(AppError);
    expect((await refusal(ops.unlock('2222'))).extra.fields?.pin).toBe('wrong');
    await expect(ops.unlock(TRAINING_CASHIER.pin)).resolves.toMatchObject({ locked: false, operatorRef: '0001' });
  });

  it('a manager PIN elevates for a few minutes; the training manager is not a real manager', async () => {
    const idle = { t: 0 };
    const { ops } = service({ idle });
    ops.setMode('training');
    await ops.signIn(TRAINING_CASHIER.operatorId, TRAINING_CASHIER.pin);
    expect(() => ops.requireElevation(false)).toThrow(/manager PIN/);
    await ops.elevate(TRAINING_MANAGER.pin);
    expect(ops.requireElevation(false)).toBe('0009');
    expect(() => ops.requireElevation(true)).toThrow(/real store manager/);
    idle.t = 6 * 60_000;
    ops.checkIdle();
    expect(ops.sessionView()?.elevated).toBe(false);
  });
});

describe('ManagerAuthorizer', () => {
  it('resolves with the manager ref for a manager PIN; a cashier PIN is refused and rate limited', async () => {
    const { ops, audit } = service();
    ops.setMode('live');
    await ops.bootstrapManager({ id: 'M1', displayName: 'Ana', pin: '482915' });
    await ops.create({ id: 'C7', displayName: 'Luis', role: 'cashier', pin: '730561' }, 'M1');
    await expect(ops.authorizeManager('482915', 'return')).resolves.toEqual({ operatorRef: 'M1' });
    const refused = await refusal(ops.authorizeManager('730561', 'return'));
    expect(refused.code).toBe('locked');
    for (let i = 0; i < 4; i += 1) await refusal(ops.authorizeManager('000000', 'cancel'));
    // Locked out now, even with the right PIN.
    expect((await refusal(ops.authorizeManager('482915', 'cancel'))).extra.fields?.pin).toBe('locked_out');
    expect(
      audit
        .entries()
        .filter((e) => e.action === 'manager.authorized')
        .map((e) => e.target),
    ).toEqual(['return']);
  });

  it('in training, the training manager authorises practice returns, but never a real-manager action', async () => {
    const { ops } = service();
    ops.setMode('training');
    await expect(ops.authorizeManager(TRAINING_MANAGER.pin, 'return')).resolves.toEqual({ operatorRef: '0009' });
    await expect(ops.authorizeRealManager(TRAINING_MANAGER.pin, 'credentials.save')).rejects.toBeInstanceOf(AppError);
  });
});

describe('through the core', () => {
  let core: Core;
  afterEach(async () => {
    await core?.stop();
  });

  it('a fresh install: nobody signed in, sales refused until the training cashier signs in; sales carry the operator ref', async () => {
    core = await startCore({ dataDir, signIn: false });
    const status = await call(core, 'app.getStatus');
    expect(status).toMatchObject({
      mode: 'training',
      session: null,
      setup: { managerExists: false, credentialsStored: false, liveBlockedReason: 'no_config' },
    });
    expect(await callError(core, 'sale.create')).toMatchObject({ code: 'locked', fields: { session: 'signed_out' } });
    // Not even the sale on screen is read before someone signs in (it would carry the shopper's data).
    expect(await callError(core, 'sale.current')).toMatchObject({ code: 'locked', fields: { session: 'signed_out' } });

    await call(core, 'session.signIn', TRAINING_CASHIER);
    const sale = await call<SaleRecord>(core, 'sale.create');
    expect(sale.operatorRef).toBe('0001');

    await call(core, 'session.lock');
    expect(
      await callError(core, 'sale.saveDraft', {
        saleId: sale.id,
        stage: 'cart',
        cart: sale.cart,
        shopper: sale.shopper,
      }),
    ).toMatchObject({ code: 'locked', fields: { session: 'locked' } });
    await call(core, 'session.unlock', { pin: TRAINING_CASHIER.pin });
    // The sale in progress survived the lock.
    expect((await call<{ sale: SaleRecord }>(core, 'sale.current')).sale?.id).toBe(sale.id);
  });

  it('each operator keeps the language they chose, across sign-out and restart; the till keeps the last one', async () => {
    core = await startCore({ dataDir, signIn: false });
    expect((await call<TillStatus>(core, 'app.getStatus')).language).toBe('es');
    await call(core, 'session.signIn', TRAINING_CASHIER);
    expect((await call<TillStatus>(core, 'app.setLanguage', { language: 'ca' })).language).toBe('ca');
    await call(core, 'session.signOut');
    await call(core, 'session.signIn', TRAINING_MANAGER);
    expect((await call<TillStatus>(core, 'app.setLanguage', { language: 'en' })).language).toBe('en');
    await call(core, 'session.signOut');
    await core.stop();

    core = await startCore({ dataDir, signIn: false });
    // Signed out: the till's last choice.
    expect((await call<TillStatus>(core, 'app.getStatus')).language).toBe('en');
    await call(core, 'session.signIn', TRAINING_CASHIER);
    expect((await call<TillStatus>(core, 'app.getStatus')).language).toBe('ca');
    await call(core, 'session.signOut');
    await call(core, 'session.signIn', TRAINING_MANAGER);
    expect((await call<TillStatus>(core, 'app.getStatus')).language).toBe('en');
  });

  it('a restart with another till key (keychain reset) offers "create the manager" again and says so in the audit log', async () => {
    core = await startCore({ dataDir, signIn: false, secrets: createMemorySecretStore(null, TEST_TILL_KEY) });
    await call(core, 'operators.bootstrapManager', { id: 'M1', displayName: 'Ana', pin: '482915' });
    await core.stop();
    core = await startCore({ dataDir, signIn: false, secrets: createMemorySecretStore(null, TEST_TILL_KEY) });
    expect((await call<TillStatus>(core, 'app.getStatus')).setup?.managerExists).toBe(true);
    await core.stop();
    core = await startCore({ dataDir, signIn: false, secrets: createMemorySecretStore(null, newTillKey()) });
    expect((await call<TillStatus>(core, 'app.getStatus')).setup).toMatchObject({
      managerExists: false,
      operatorsLost: false,
    });
    const audit = auditEntries(dataDir);
    expect(audit.find((e) => e.action === 'tillkey.pins_unverifiable')).toMatchObject({ outcome: 'failed' });
  });

  it('first run: the first manager is created from the sign-in screen, once', async () => {
    core = await startCore({ dataDir, signIn: false });
    await call(core, 'operators.bootstrapManager', { id: 'M1', displayName: 'Ana', pin: '482915' });
    expect((await call<TillStatus>(core, 'app.getStatus')).setup?.managerExists).toBe(true);
    expect(
      await callError(core, 'operators.bootstrapManager', { id: 'M2', displayName: 'Eve', pin: '482915' }),
    ).toMatchObject({ code: 'conflict' });
    // Adding operators needs a real manager's PIN (elevation), not the training manager's.
    await call(core, 'session.signIn', TRAINING_CASHIER);
    expect(
      await callError(core, 'operators.create', { id: 'C2', displayName: 'Luis', role: 'cashier', pin: '730561' }),
    ).toMatchObject({ code: 'locked' });
    await call(core, 'session.elevate', { managerPin: TRAINING_MANAGER.pin });
    expect(
      await callError(core, 'operators.create', { id: 'C2', displayName: 'Luis', role: 'cashier', pin: '730561' }),
    ).toMatchObject({ fields: { session: 'training_manager' } });
    await call(core, 'session.elevate', { managerPin: '482915' });
    const { operators } = await call<{ operators: OperatorView[] }>(core, 'operators.create', {
      id: 'C2',
      displayName: 'Luis',
      role: 'cashier',
      pin: '730561',
    });
    expect(operators.map((o) => o.id)).toEqual(['C2', 'M1']);
  });

  it('every cashier action on a sale is audited with who, what and the sale id', async () => {
    core = await startCore({ dataDir });
    const sale = await call<SaleRecord>(core, 'sale.create');
    await callError(core, 'sale.start', { saleId: sale.id });
    const entries = auditEntries(dataDir);
    expect(entries.map((e) => [e.actor, e.action, e.outcome, e.target])).toEqual(
      expect.arrayContaining([
        ['0001', 'session.signed_in', 'ok', '0001'],
        ['0001', 'sale.create', 'ok', null],
        ['0001', 'sale.start', 'refused', `saleId:${sale.id}`],
      ]),
    );
    expect(entries.every((e) => e.training === true)).toBe(true);
  });
});
