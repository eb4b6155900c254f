import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app-core.ts';
import { CHANNELS, type Channel } from '../../shared/ipc/channels.ts';
import {
  call,
  CART,
  callError,
  makeDataDir,
  removeDir,
  SHOPPER,
  startCore,
  TRAINING_CASHIER,
  TRAINING_MANAGER,
} from '../support/till.ts';

// Who may call each channel, channel by channel, on the dispatcher path both transports share. Each call
// carries an undeclared field, so a call the access guard lets through is refused by the request schema
// (`invalid_request`) and no handler ever runs; a call it refuses answers `locked` before parsing.

/** The lock and sign-in screens' own channels: the only ones a locked or signed-out till answers. */
const LOCK_SCREEN: Channel[] = [
  'app.getStatus',
  'app.setLanguage',
  'connectivity.checkNow',
  'session.signIn',
  'session.signOut',
  'session.lock',
  'session.unlock',
  'session.activity',
  'operators.bootstrapManager',
  'admin.reloadConfig',
];
/** A manager's: a manager signed in, or a cashier's session a manager PIN elevated. */
const MANAGER_ONLY: Channel[] = [
  'operators.list',
  'operators.create',
  'operators.setPin',
  'operators.setDisabled',
  'admin.testConnection',
  'admin.saveCredentials',
  'admin.removeCredentials',
  'admin.enrolFromFile',
  'admin.checkDatabase',
  'audit.export',
  'diagnostics.export',
];

async function answers(core: Core): Promise<Record<'answered' | 'refused', Channel[]>> {
  const out = { answered: [] as Channel[], refused: [] as Channel[] };
  for (const channel of CHANNELS) {
    const result = await core.dispatch(channel, { notInAnySchema: true }, true);
    if (result.ok) throw new Error(`${channel} ran a handler with an undeclared field`);
    if (result.error.code === 'invalid_request') out.answered.push(channel);
    else if (result.error.code === 'locked') out.refused.push(channel);
    else throw new Error(`${channel}: unexpected ${result.error.code}`);
  }
  return out;
}

const everyOther = (...lists: Channel[][]) => CHANNELS.filter((c) => !lists.some((list) => list.includes(c)));

describe('who may call what', () => {
  let dataDir: string;
  let core: Core;
  beforeAll(async () => {
    dataDir = makeDataDir();
    core = await startCore({ dataDir, signIn: false });
  });
  afterAll(async () => {
    await core.stop();
    removeDir(dataDir);
  });

  it('signed out: only the sign-in screen answers', async () => {
    const { answered, refused } = await answers(core);
    expect(answered.sort()).toEqual([...LOCK_SCREEN].sort());
    expect(refused.sort()).toEqual(everyOther(LOCK_SCREEN).sort());
  });

  it('a cashier: everything but the manager channels', async () => {
    await call(core, 'session.signIn', TRAINING_CASHIER);
    const { answered, refused } = await answers(core);
    expect(refused.sort()).toEqual([...MANAGER_ONLY].sort());
    expect(answered.sort()).toEqual(everyOther(MANAGER_ONLY).sort());
  });

  it("a cashier's session a manager PIN elevated: everything", async () => {
    await call(core, 'session.elevate', { managerPin: TRAINING_MANAGER.pin });
    expect((await answers(core)).refused).toEqual([]);
    await call(core, 'session.endElevation');
  });

  it('locked: only the lock screen answers, and the sale on screen (with its shopper) stays behind it', async () => {
    const sale = await call<{ id: string }>(core, 'sale.create');
    await call(core, 'sale.saveDraft', { saleId: sale.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
    const seen: string[] = [];
    const stop = core.onEvent((event, payload) => seen.push(`${event} ${JSON.stringify(payload)}`));

    await call(core, 'session.lock');
    const { answered, refused } = await answers(core);
    expect(answered.sort()).toEqual([...LOCK_SCREEN].sort());
    expect(refused.sort()).toEqual(everyOther(LOCK_SCREEN).sort());
    expect(await callError(core, 'sale.current')).toMatchObject({ code: 'locked', fields: { session: 'locked' } });
    const status = JSON.stringify(await call(core, 'app.getStatus'));
    for (const value of [SHOPPER.nin, SHOPPER.givenNames, SHOPPER.email]) {
      expect(status).not.toContain(value);
      expect(seen.join('\n')).not.toContain(value);
    }

    // Unlocked again, the page gets the sale as it is now (its events were withheld meanwhile).
    await call(core, 'session.unlock', { pin: TRAINING_CASHIER.pin });
    expect(seen.some((line) => line.startsWith('sale.changed') && line.includes(SHOPPER.nin))).toBe(true);
    expect(await call<{ sale: { id: string } }>(core, 'sale.current')).toMatchObject({ sale: { id: sale.id } });
    stop();
  });

  it('a manager signed in: everything', async () => {
    await call(core, 'session.signOut');
    await call(core, 'session.signIn', TRAINING_MANAGER);
    expect((await answers(core)).refused).toEqual([]);
    await call(core, 'session.signOut');
  });

  it('the diagnostics export needs a manager: a session, or a manager PIN where nobody is signed in', async () => {
    expect(await callError(core, 'diagnostics.export')).toMatchObject({
      code: 'locked',
      fields: { session: 'signed_out' },
    });
    expect(await callError(core, 'diagnostics.export', { managerPin: TRAINING_CASHIER.pin })).toMatchObject({
      code: 'locked',
    });
    const bundle = await call<{ path: string }>(core, 'diagnostics.export', { managerPin: TRAINING_MANAGER.pin });
    expect(bundle.path).toMatch(/diagnostics-.*\.json$/);

    await call(core, 'session.signIn', TRAINING_CASHIER);
    expect(await callError(core, 'diagnostics.export')).toMatchObject({
      code: 'locked',
      fields: { session: 'not_elevated' },
    });
    await call(core, 'session.signOut');
  });
});
