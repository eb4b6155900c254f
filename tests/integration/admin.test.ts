// Store IT's path to a live till, on the real core against the SeQura sandbox over loopback HTTP: the one-time
// credentials file, "Test connection", switching to live behind a real manager's PIN, the broken-config
// screen's data, and going back to training.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app-core.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { createMemorySecretStore, type SecretStore } from '../../electron/core/secrets/secret-store.ts';
import type { ConnectionTestResult } from '../../shared/ipc/admin-schemas.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import {
  call,
  callError,
  makeDataDir,
  removeDir,
  startCore,
  tillConfigFor,
  TRAINING_CASHIER,
  TRAINING_MANAGER,
  waitFor,
} from '../support/till.ts';

let sandbox: RunningSandbox;
let dataDir: string;
let core: Core | undefined;
let secrets: SecretStore;

const MANAGER = { id: 'M1', displayName: 'Ana', pin: '482915' };

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    quiet: true,
    username: 'tienda-api',
    password: 'pa55-w0rd-enrol',
    merchants: ['pos_demo_es', 'pos_demo_pt'],
  });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  dataDir = makeDataDir('sequra-pos-admin-');
  secrets = createMemorySecretStore();
});
afterEach(async () => {
  await core?.stop();
  core = undefined;
  removeDir(dataDir);
});

const enrolFile = () => join(dataDir, 'enrol-credentials.json');
const status = () => call<TillStatus>(core!, 'app.getStatus');
const GOOD = { username: 'tienda-api', password: 'pa55-w0rd-enrol' };

describe('enrolment from the one-time file', () => {
  it('tests, stores, deletes the file and starts live', async () => {
    writeFileSync(enrolFile(), JSON.stringify(GOOD));
    core = await startCore({ dataDir, config: tillConfigFor(sandbox), secrets, signIn: false });
    expect(existsSync(enrolFile())).toBe(false);
    expect(await secrets.getCredentials()).toEqual(GOOD);
    const s = await status();
    expect(s.mode).toBe('live');
    expect(s.environment.baseUrl).toBe(sandbox.baseUrl);
    expect(s.setup).toMatchObject({
      credentialsStored: true,
      enrolmentFilePath: enrolFile(),
      enrolment: { outcome: 'enrolled', fileDeleted: true },
      liveBlockedReason: null,
    });
  });

  it('credentials SeQura refuses: the file is deleted anyway (it holds a secret), nothing is stored, training', async () => {
    writeFileSync(enrolFile(), JSON.stringify({ ...GOOD, password: 'wrong' }));
    core = await startCore({ dataDir, config: tillConfigFor(sandbox), secrets, signIn: false });
    expect(existsSync(enrolFile())).toBe(false);
    expect(await secrets.getCredentials()).toBeNull();
    const s = await status();
    expect(s.mode).toBe('training');
    expect(s.setup?.enrolment).toMatchObject({
      outcome: 'rejected',
      fileDeleted: true,
      detail: expect.stringContaining('auth'),
    });
    expect(s.setup?.liveBlockedReason).toBe('no_credentials');
  });

  it('credentials that do not reach the configured merchant are rejected', async () => {
    writeFileSync(enrolFile(), JSON.stringify(GOOD));
    core = await startCore({
      dataDir,
      config: {
        ...tillConfigFor(sandbox),
        sequra: { environment: 'custom', baseUrl: sandbox.baseUrl, merchantId: 'someone_else' },
      },
      secrets,
      signIn: false,
    });
    expect((await status()).setup?.enrolment).toMatchObject({
      outcome: 'rejected',
      detail: expect.stringContaining('merchant_not_found'),
    });
    expect(await secrets.getCredentials()).toBeNull();
  });

  it('SeQura unreachable: the file is kept for the next start', async () => {
    writeFileSync(enrolFile(), JSON.stringify(GOOD));
    // Port 9 is "discard": nothing listens there on a test machine.
    core = await startCore({
      dataDir,
      config: {
        ...tillConfigFor(sandbox),
        sequra: { environment: 'custom', baseUrl: 'http://127.0.0.1:1', merchantId: 'pos_demo_es' },
      },
      secrets,
      signIn: false,
    });
    expect(existsSync(enrolFile())).toBe(true);
    expect((await status()).setup?.enrolment).toMatchObject({ outcome: 'unreachable', fileDeleted: false });
  });

  it('a malformed file is deleted and reported without quoting it', async () => {
    writeFileSync(enrolFile(), '{"username": "tienda-api", "password": pa55-w0rd-enrol');
    core = await startCore({ dataDir, config: tillConfigFor(sandbox), secrets, signIn: false });
    expect(existsSync(enrolFile())).toBe(false);
    const enrolment = (await status()).setup?.enrolment;
    expect(enrolment).toMatchObject({ outcome: 'invalid_file', fileDeleted: true });
    expect(JSON.stringify(enrolment)).not.toContain('pa55');
  });

  it('no protected keychain (the store refuses): the file is kept and the till still starts, in training', async () => {
    writeFileSync(enrolFile(), JSON.stringify(GOOD));
    const refusing: SecretStore = {
      ...secrets,
      setCredentials: async () => Promise.reject(new Error('This computer has no protected keychain available')),
    };
    core = await startCore({ dataDir, config: tillConfigFor(sandbox), secrets: refusing, signIn: false });
    expect(existsSync(enrolFile())).toBe(true);
    const s = await status();
    expect(s.mode).toBe('training');
    expect(s.setup?.enrolment).toMatchObject({
      outcome: 'not_stored',
      fileDeleted: false,
      detail: expect.stringContaining('no protected keychain'),
    });
  });

  it('with no configuration yet, the file waits', async () => {
    writeFileSync(enrolFile(), JSON.stringify(GOOD));
    core = await startCore({ dataDir, secrets, signIn: false });
    expect(existsSync(enrolFile())).toBe(true);
    expect((await status()).setup?.enrolment?.outcome).toBe('waiting_for_config');
  });
});

describe('test connection and switching to live', () => {
  beforeEach(async () => {
    // Configured for the sandbox but no credentials yet: a training till waiting to go live.
    core = await startCore({ dataDir, config: tillConfigFor(sandbox), secrets });
  });

  it('"Test connection" lists the merchant refs and countries the credentials reach', async () => {
    expect(await callError(core!, 'admin.testConnection', { credentials: GOOD })).toMatchObject({ code: 'locked' });
    await call(core!, 'session.elevate', { managerPin: TRAINING_MANAGER.pin });
    const ok = await call<ConnectionTestResult>(core!, 'admin.testConnection', { credentials: GOOD });
    expect(ok).toMatchObject({ ok: true, problem: null, baseUrl: sandbox.baseUrl, merchantId: 'pos_demo_es' });
    expect(ok.merchants.map((m) => `${m.ref}/${m.country}`)).toEqual(
      expect.arrayContaining(['pos_demo_es/ES', 'pos_demo_pt/ES']),
    );
    const bad = await call(core!, 'admin.testConnection', { credentials: { ...GOOD, password: 'nope' } });
    expect(bad).toMatchObject({ ok: false, problem: 'auth', merchants: [] });
    // Nothing stored, no credentials to test: says so.
    expect(await call(core!, 'admin.testConnection', {})).toMatchObject({ ok: false, problem: 'no_credentials' });
  });

  it('switching to live needs a real manager PIN and credentials that pass the test', async () => {
    expect(
      await callError(core!, 'admin.saveCredentials', { credentials: GOOD, managerPin: TRAINING_MANAGER.pin }),
    ).toMatchObject({ code: 'locked' });
    await call(core!, 'operators.bootstrapManager', MANAGER);
    expect(await callError(core!, 'admin.saveCredentials', { credentials: GOOD, managerPin: '000111' })).toMatchObject({
      code: 'locked',
      fields: { pin: 'wrong' },
    });

    const failed = await call(core!, 'admin.saveCredentials', {
      credentials: { ...GOOD, password: 'nope' },
      managerPin: MANAGER.pin,
    });
    expect(failed).toMatchObject({ restarting: false, test: { ok: false, problem: 'auth' } });
    expect(await secrets.getCredentials()).toBeNull();
    expect((await status()).mode).toBe('training');

    const saved = await call(core!, 'admin.saveCredentials', { credentials: GOOD, managerPin: MANAGER.pin });
    expect(saved).toMatchObject({ restarting: true, test: { ok: true } });
    const live = await waitFor(status, (s) => s.mode === 'live');
    expect(live.environment.baseUrl).toBe(sandbox.baseUrl);
    // The training cashier was signed out when the till went live; the real manager sells.
    expect(live.session).toBeNull();
    expect(await callError(core!, 'session.signIn', TRAINING_CASHIER)).toMatchObject({ code: 'locked' });
    await call(core!, 'session.signIn', { operatorId: MANAGER.id, pin: MANAGER.pin });
    const sale = await call<SaleRecord>(core!, 'sale.create');
    expect(sale).toMatchObject({ training: false, operatorRef: 'M1', storeRef: 'TIENDA-01' });

    // And back to training: removing the credentials also needs the real manager.
    expect(await call(core!, 'admin.removeCredentials', { managerPin: MANAGER.pin })).toEqual({ restarting: true });
    await waitFor(status, (s) => s.mode === 'training');
    expect(await secrets.getCredentials()).toBeNull();
  });

  it('"Enrol from file now" picks up a file dropped while the till runs', async () => {
    await call(core!, 'session.elevate', { managerPin: TRAINING_MANAGER.pin });
    expect(await call(core!, 'admin.enrolFromFile')).toEqual({ enrolment: null, restarting: false });
    writeFileSync(enrolFile(), JSON.stringify(GOOD));
    expect(await call(core!, 'admin.enrolFromFile')).toMatchObject({
      restarting: true,
      enrolment: { outcome: 'enrolled' },
    });
    await waitFor(status, (s) => s.mode === 'live');
    expect(existsSync(enrolFile())).toBe(false);
  });
});

describe('a broken configuration file', () => {
  it('is reported key by key, sales are refused, and a fixed file is picked up without an app restart', async () => {
    core = await startCore({
      dataDir,
      configText: JSON.stringify({ sequra: { environment: 'prod', merchantId: 'm' }, storeRef: 'X', tillId: 'caja 1' }),
    });
    const s = await status();
    expect(s.config).toMatchObject({ state: 'invalid', path: join(dataDir, 'machine-config.json') });
    expect(s.config?.problems).toEqual([
      { key: 'sequra.environment', problem: 'must be one of "sandbox", "live", "custom"' },
      { key: 'tillId', problem: 'letters, digits, "-" or "_", at most 16' },
    ]);
    expect(s.setup?.liveBlockedReason).toBe('config_invalid');
    expect(await callError(core, 'sale.create')).toMatchObject({ code: 'locked', fields: { config: 'invalid' } });

    writeFileSync(join(dataDir, 'machine-config.json'), JSON.stringify(tillConfigFor(sandbox)));
    // Anyone may ask for a re-read while the file is broken (selling is blocked anyway).
    await call(core, 'session.signOut');
    expect(await call(core, 'admin.reloadConfig')).toEqual({ restarting: true });
    const fixed = await waitFor(status, (next) => next.config?.state === 'ok');
    expect(fixed.config?.values).toEqual(
      expect.arrayContaining([
        { key: 'storeRef', value: 'TIENDA-01' },
        { key: 'tillId', value: '03' },
      ]),
    );
    // With a valid file, re-reading it is a manager's decision.
    expect(await callError(core, 'admin.reloadConfig')).toMatchObject({ code: 'locked' });
  });
});
