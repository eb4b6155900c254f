// SeQura credentials never reach the renderer. Two audits:
//  1. static: no response or event schema of the contract has a field that could carry a credential (the
//     dispatcher strips anything outside the schema, so the schema is the boundary);
//  2. dynamic: every channel is called through `dispatch` in training and in live mode — after a real sale,
//     with credentials typed into the admin screen — and no answer, event, log line or audit line contains
//     the user name, the password or their HTTP Basic form.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { Core } from '../../electron/core/app-core.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { CHANNELS, type Channel } from '../../shared/ipc/channels.ts';
import { contract, eventContract } from '../../shared/ipc/contract.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import {
  CART,
  SHOPPER,
  TEST_MANAGER,
  TRAINING_MANAGER,
  call,
  makeDataDir,
  removeDir,
  shopper,
  startCore,
  waitFor,
} from '../support/till.ts';

const USERNAME = 'till-api-user-Q7x9';
const PASSWORD = 'S3cr3t-Pa55-Zq81-never-shown';
const SECRET_KEY = /^(password|passwd|username|user|secret|authorization|api_?key|token|credentials?)$/i;

/** Every object key a zod schema can produce, walking objects, arrays, unions, optionals, records, pipes… */
function keysOf(schema: z.ZodType, seen = new Set<unknown>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  const keys: string[] = [];
  if (def.type === 'object') {
    for (const [key, child] of Object.entries(def.shape as Record<string, z.ZodType>))
      keys.push(key, ...keysOf(child, seen));
    return keys;
  }
  if (def.type === 'lazy') return keysOf((def.getter as () => z.ZodType)(), seen);
  for (const value of Object.values(def)) {
    const candidates = Array.isArray(value) ? value : [value];
    for (const candidate of candidates)
      if (candidate && typeof candidate === 'object' && '_zod' in candidate)
        keys.push(...keysOf(candidate as z.ZodType, seen));
  }
  return keys;
}

describe('static audit of the contract', () => {
  it('the walker sees nested keys (it can fail)', () => {
    expect(keysOf(contract['app.getStatus'].response)).toEqual(
      expect.arrayContaining(['session', 'operatorRef', 'credentialsStored', 'problems']),
    );
  });

  it('no response or event schema has a field named like a credential', () => {
    const offenders: string[] = [];
    for (const channel of CHANNELS)
      for (const key of keysOf(contract[channel].response))
        if (SECRET_KEY.test(key)) offenders.push(`${channel}: ${key}`);
    for (const [event, schema] of Object.entries(eventContract))
      for (const key of keysOf(schema)) if (SECRET_KEY.test(key)) offenders.push(`${event}: ${key}`);
    expect(offenders).toEqual([]);
  });
});

describe('dynamic audit: every channel, training and live', () => {
  let sandbox: RunningSandbox;
  const dataDirs: string[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, quiet: true, reviewDelayMs: 50, username: USERNAME, password: PASSWORD });
  });
  afterAll(async () => {
    await sandbox.close();
    for (const dir of dataDirs) removeDir(dir);
  });

  const forbidden = (extra: string[] = []) => [
    USERNAME,
    PASSWORD,
    Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64'),
    ...extra,
  ];

  async function auditEveryChannel(
    mode: 'training' | 'live',
  ): Promise<{ transcript: string; okChannels: Set<Channel>; dataDir: string }> {
    const dataDir = makeDataDir(`sequra-pos-secrets-${mode}-`);
    dataDirs.push(dataDir);
    const core: Core = await startCore(
      mode === 'live'
        ? { dataDir, sandbox }
        : {
            dataDir,
            config: {
              sequra: { environment: 'custom', baseUrl: sandbox.baseUrl, merchantId: 'pos_demo_es' },
              storeRef: 'T1',
              tillId: '01',
            },
          },
    );
    const transcript: string[] = [];
    const okChannels = new Set<Channel>();
    const unsubscribe = core.onEvent((event, payload) => transcript.push(`event ${event} ${JSON.stringify(payload)}`));
    const managerPin = mode === 'live' ? TEST_MANAGER.pin : TRAINING_MANAGER.pin;
    const ask = async (channel: Channel, request: unknown) => {
      const result = await core.dispatch(channel, request, true);
      transcript.push(`${channel} ${JSON.stringify(result)}`);
      if (result.ok) okChannels.add(channel);
      return result;
    };

    // A real sale first, so the sale and after-sale answers have content.
    const draft = await call<SaleRecord>(core, 'sale.create');
    await call(core, 'sale.saveDraft', { saleId: draft.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
    const started = await call<SaleRecord>(core, 'sale.start', { saleId: draft.id });
    const awaiting = await call<SaleRecord>(core, 'sale.sendSms', {
      saleId: started.id,
      product: 'pp3',
      campaign: null,
    });
    const trainingSandbox = core.trainingSandbox;
    await shopper(trainingSandbox ?? sandbox, awaiting.solicitation!.uuid, 'approve');
    await call(core, 'sale.confirm', { saleId: awaiting.id });
    await waitFor(
      async () => (await call<{ sale: SaleRecord }>(core, 'sale.current')).sale!,
      (s) => s.step === 'done',
    );
    const saleId = awaiting.id;
    const today = new Date().toISOString().slice(0, 10);
    const typed = { username: USERNAME, password: PASSWORD };

    const samples: Partial<Record<Channel, unknown>> = {
      'app.setLanguage': { language: 'en' },
      'sale.saveDraft': { saleId, stage: 'shopper', cart: CART, shopper: SHOPPER },
      'sale.start': { saleId },
      'sale.sendSms': { saleId, product: 'pp3', campaign: null },
      'sale.resendSms': { saleId },
      'sale.confirm': { saleId },
      'sale.markRejected': { saleId },
      'sale.cancel': { saleId },
      'sale.restart': { saleId },
      'sale.close': { saleId },
      'outbox.retryNow': { instructionId: 'none' },
      'afterSale.search': {
        query: '5678',
        key: 'any',
        from: null,
        to: null,
        statuses: [],
        training: mode === 'training',
        limit: 50,
      },
      'afterSale.detail': { saleId },
      'afterSale.cancel': { saleId, requestId: 'req-cancel-0001', managerPin, reason: 'customer_request' },
      'afterSale.return': {
        saleId,
        requestId: 'req-return-0001',
        managerPin,
        lines: [{ lineId: 'l2', quantity: 1 }],
        refunds: [],
      },
      'afterSale.reprint': { saleId, slip: 'sale', returnId: null },
      'report.day': { date: today },
      'report.csv': { date: today },
      'report.closeDay': { date: today, acknowledgePending: true, managerPin },
      'session.signIn':
        mode === 'live' ? { operatorId: TEST_MANAGER.id, pin: TEST_MANAGER.pin } : { operatorId: '0001', pin: '1111' },
      'session.unlock': { pin: mode === 'live' ? TEST_MANAGER.pin : '1111' },
      'session.elevate': { managerPin },
      'operators.create': { id: 'C5', displayName: 'Luis', role: 'cashier', pin: '730561' },
      'operators.bootstrapManager': { id: 'M5', displayName: 'Eva', pin: '730562' },
      'operators.setPin': { id: 'C5', pin: '730563' },
      'operators.setDisabled': { id: 'C5', disabled: true },
      'admin.testConnection': { credentials: typed },
      'admin.saveCredentials': { credentials: { ...typed, password: `${PASSWORD}-wrong` }, managerPin },
      'admin.removeCredentials': { managerPin },
    };
    // Channels that rebuild the core go last; the others run with a signed-in, elevated session.
    const last: Channel[] = [
      'session.lock',
      'session.unlock',
      'session.signOut',
      'admin.enrolFromFile',
      'admin.reloadConfig',
      'admin.removeCredentials',
    ];
    const order = [...CHANNELS.filter((c) => !last.includes(c)), ...last];
    const signIn = samples['session.signIn'] as { operatorId: string };
    // Signs in and elevates again only when the previous channel changed the session: each PIN check is a
    // scrypt hash, and one before every channel made this test CPU-bound (over a minute on a loaded machine).
    const ensureSignedInAndElevated = async () => {
      const status = await call<TillStatus>(core, 'app.getStatus');
      const session = status.session;
      if (!session || session.locked || session.operatorRef.toUpperCase() !== signIn.operatorId.toUpperCase())
        await core.dispatch('session.signIn', signIn, true);
      if (!(await call<TillStatus>(core, 'app.getStatus')).session?.elevated)
        await core.dispatch('session.elevate', { managerPin }, true);
    };
    for (const channel of order) {
      if (!last.includes(channel)) await ensureSignedInAndElevated();
      await ask(channel, samples[channel] ?? {});
      if (
        channel === 'admin.removeCredentials' ||
        channel === 'admin.reloadConfig' ||
        channel === 'admin.enrolFromFile'
      ) {
        await waitFor(
          () => core.dispatch('app.getStatus', {}, true),
          (r) => r.ok,
        );
      }
    }
    // From training, also go live with the right credentials (the answer carries the test result), using the
    // real manager the first-run channel created above.
    if (mode === 'training') {
      await call(core, 'session.signIn', samples['session.signIn']);
      expect((await ask('admin.saveCredentials', { credentials: typed, managerPin: '730562' })).ok).toBe(true);
      await waitFor(
        async () => (await call<TillStatus>(core, 'app.getStatus')).mode,
        (m) => m === 'live',
      );
      await ask('app.getStatus', {});
    }
    unsubscribe();
    await core.stop();
    return { transcript: transcript.join('\n'), okChannels, dataDir };
  }

  // Every channel of the contract against a real core, twice: about 20 s alone, more on a loaded machine.
  for (const mode of ['training', 'live'] as const) {
    it(`${mode}: no answer, event, log or audit line carries a credential`, async () => {
      const { transcript, okChannels, dataDir } = await auditEveryChannel(mode);
      // The audit really exercised the channels (a run where everything failed would prove nothing).
      // (Operators are managed by a real manager only: in training the session is elevated by the training one.)
      const expected: Channel[] = [
        'app.getStatus',
        'session.signIn',
        'session.elevate',
        'admin.testConnection',
        'admin.saveCredentials',
        'audit.export',
        'diagnostics.export',
        'sale.current',
        'outbox.list',
        'app.setLanguage',
        'afterSale.detail',
      ];
      if (mode === 'live') expected.push('operators.list', 'operators.create', 'operators.setPin');
      for (const channel of expected) {
        expect(okChannels, channel).toContain(channel);
      }
      expect(transcript).toContain('"merchants":[{"ref":"pos_demo_es"');
      for (const secret of forbidden()) expect(transcript).not.toContain(secret);

      const files = [
        ...readdirSync(join(dataDir, 'logs')).map((f) => join(dataDir, 'logs', f)),
        // The database (the audit log and everything else the till keeps), as bytes on disk.
        ...['till.db', 'till.db-wal'].map((f) => join(dataDir, f)).filter((f) => existsSync(f)),
        ...readdirSync(join(dataDir, 'exports')).map((f) => join(dataDir, 'exports', f)),
      ];
      expect(files.some((f) => f.includes('diagnostics-'))).toBe(true);
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        for (const secret of forbidden()) expect(text, file).not.toContain(secret);
      }
      // And the data dir holds no clear-text credential file (the memory store keeps them in memory; the app's
      // safeStorage store keeps one OS-encrypted blob).
      const clear = readdirSync(dataDir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => readFileSync(join(dataDir, f), 'utf8'));
      for (const text of clear) for (const secret of forbidden()) expect(text).not.toContain(secret);
    }, 60_000);
  }
});
