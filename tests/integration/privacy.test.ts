// Shopper personal data is purged `personalDataDays` after a sale reaches a final state — from the journal and
// the monthly history, live and training alike — keeping what the store still needs: amounts, cart, ticket,
// SeQura uuid, product, and the last four digits of the mobile for the history search.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app-core.ts';
import { maskedMobile, purgeSale } from '../../electron/core/privacy/purge.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import type { OutboxItem } from '../../shared/ipc/sale-schemas.ts';
import type { Instruction } from '../../electron/core/outbox/instruction.ts';
import {
  auditLines,
  callError,
  storedOutboxText,
  TEST_MANAGER,
  withTillDatabase,
  storedSales,
  CART,
  SHOPPER,
  call,
  makeDataDir,
  removeDir,
  shopper,
  startCore,
  tillConfigFor,
  waitFor,
} from '../support/till.ts';

const DAY = 24 * 3600_000;
let sandbox: RunningSandbox;
let dataDir: string;
let core: Core | undefined;
const now = { t: Date.now() };
const clock = () => new Date(now.t);

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true, reviewDelayMs: 50 });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  dataDir = makeDataDir('sequra-pos-privacy-');
  now.t = Date.parse('2026-03-10T10:00:00Z');
});
afterEach(async () => {
  await core?.stop();
  core = undefined;
  removeDir(dataDir);
});

async function draftWithShopper(c: Core): Promise<SaleRecord> {
  const sale = await call<SaleRecord>(c, 'sale.create');
  await call(c, 'sale.saveDraft', { saleId: sale.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
  return sale;
}

async function completedSale(c: Core, close = true): Promise<SaleRecord> {
  const draft = await draftWithShopper(c);
  const started = await call<SaleRecord>(c, 'sale.start', { saleId: draft.id });
  const awaiting = await call<SaleRecord>(c, 'sale.sendSms', { saleId: started.id, product: 'pp3', campaign: null });
  await shopper(sandbox, awaiting.solicitation!.uuid, 'approve');
  await call(c, 'sale.confirm', { saleId: awaiting.id });
  const done = await waitFor(
    async () => (await call<{ sale: SaleRecord }>(c, 'sale.current')).sale!,
    (s) => s.step === 'done',
  );
  if (close) await call(c, 'sale.close', { saleId: done.id });
  return done;
}

/** Every sale record the till database holds (journal and history, live and training). */
function allStoredSales(): SaleRecord[] {
  return storedSales<SaleRecord>(dataDir);
}

const live = () => startCore({ dataDir, sandbox, clock });

describe('personal-data purge', () => {
  it('keeps the shopper until personalDataDays after the final state, then purges journal and history, live and training', async () => {
    // A training sale, cancelled (final) and left in the training journal.
    core = await startCore({ dataDir, clock });
    const training = await draftWithShopper(core);
    await call(core, 'sale.cancel', { saleId: training.id });
    await core.stop();

    // Live: one sale done and archived to the history, one cancelled and still in the journal.
    core = await live();
    const done = await completedSale(core);
    const cancelled = await draftWithShopper(core);
    await call(core, 'sale.cancel', { saleId: cancelled.id });
    await core.stop();
    expect(allStoredSales().filter((s) => s.shopper.nin === SHOPPER.nin)).toHaveLength(3);

    // 29 days later: nothing is purged yet.
    now.t += 29 * DAY;
    core = await live();
    await core.stop();
    expect(allStoredSales().filter((s) => s.shopper.nin === SHOPPER.nin)).toHaveLength(3);

    // 31 days later: all three purged at start.
    now.t += 2 * DAY;
    core = await live();
    const sales = allStoredSales();
    expect(sales.map((s) => s.id).sort()).toEqual([training.id, done.id, cancelled.id].sort());
    for (const sale of sales) {
      expect(sale.shopper).toEqual({
        givenNames: '',
        firstSurname: '',
        secondSurname: '',
        nin: '',
        ninControl: '',
        dateOfBirth: '',
        mobile: '*****5678',
        email: '',
        address: null,
      });
      expect(sale.timeline.at(-1)?.event).toBe('personal_data_purged');
    }
    // What the store still needs stays.
    const purgedDone = sales.find((s) => s.id === done.id)!;
    expect(purgedDone).toMatchObject({
      step: 'done',
      ticketNumber: done.ticketNumber,
      solicitation: done.solicitation,
      product: done.product,
      cart: done.cart,
    });

    // Nowhere in the stored sales (journals, history, live and training) or the outbox's instructions does the
    // shopper appear any more.
    const everything = [...storedSales(dataDir).map((sale) => JSON.stringify(sale)), storedOutboxText(dataDir)].join(
      '\n',
    );
    for (const value of [
      SHOPPER.nin,
      SHOPPER.email,
      SHOPPER.givenNames,
      SHOPPER.firstSurname,
      SHOPPER.dateOfBirth,
      '612 345 678',
      '612345678',
    ]) {
      expect(everything).not.toContain(value);
    }
    const audit = auditLines(dataDir).join('');
    expect(audit).toContain('"action":"privacy.purged"');

    // A second run finds nothing more to do (purging is idempotent).
    await core.stop();
    core = await live();
    expect(
      allStoredSales().filter((s) => s.timeline.filter((e) => e.event === 'personal_data_purged').length !== 1),
    ).toEqual([]);
  });

  it('reaches instructions waiting for a person: an order update stays sendable without the shopper, a confirmation says it cannot be sent', async () => {
    // A fresh data folder numbers its tickets from 1 again: SeQura forgets the earlier tests' orders.
    await fetch(`${sandbox.baseUrl}/__sandbox/reset`, { method: 'POST' });
    core = await live();
    const done = await completedSale(core, false); // still on screen: its calls are still listed
    await core.stop();
    // Its handover was refused by SeQura instead, and waits for a person with SeQura's words (which may quote
    // the shopper). A second finished sale's confirmation waits for a person the same way.
    const kinds = withTillDatabase(dataDir, (db) => {
      const rows = db.prepare('SELECT id, record FROM outbox WHERE sale_id = ?').all(done.id) as Array<{
        id: string;
        record: string;
      }>;
      const instructions = rows.map((row) => JSON.parse(row.record) as Instruction);
      const refused = (instruction: Instruction): Instruction => ({
        ...instruction,
        state: 'needs_attention',
        finishedAt: null,
        outcome: null,
        lastError: `409: customer ${SHOPPER.givenNames} ${SHOPPER.firstSurname} ${SHOPPER.nin} does not match`,
        lastErrorCode: 'conflict',
      });
      const handover = refused(instructions.find((i) => i.kind === 'handover')!);
      db.prepare("UPDATE outbox SET state = 'needs_attention', record = ? WHERE id = ?").run(
        JSON.stringify(handover),
        handover.id,
      );
      const other = db.prepare('SELECT * FROM sales WHERE id = ?').get(done.id) as Record<string, unknown>;
      const otherId = `${done.id}-b`;
      const record = { ...(JSON.parse(other.record as string) as SaleRecord), id: otherId, ticketNumber: null };
      db.prepare(
        `INSERT INTO sales (id, realm, archived, step, created_at, updated_at, finished_at, record)
         VALUES (?, 'live', 1, 'done', ?, ?, ?, ?)`,
      ).run(otherId, other.created_at, other.updated_at, other.finished_at, JSON.stringify(record));
      const confirm = refused({ ...instructions.find((i) => i.kind === 'confirm')!, saleId: otherId });
      db.prepare(
        "INSERT INTO outbox (id, realm, sale_id, state, created_at, record) VALUES (?, 'live', ?, 'needs_attention', ?, ?)",
      ).run(`${otherId}-confirm`, otherId, confirm.createdAt, JSON.stringify({ ...confirm, id: `${otherId}-confirm` }));
      return { handover: handover.id, confirm: `${otherId}-confirm` };
    });
    expect(storedOutboxText(dataDir)).toContain(SHOPPER.nin);

    now.t += 31 * DAY;
    core = await live();
    const stored = storedOutboxText(dataDir);
    for (const value of [SHOPPER.nin, SHOPPER.email, SHOPPER.givenNames, SHOPPER.firstSurname, SHOPPER.dateOfBirth])
      expect(stored).not.toContain(value);

    await call(core, 'session.signIn', { operatorId: TEST_MANAGER.id, pin: TEST_MANAGER.pin });
    const listed = (await call<{ items: OutboxItem[] }>(core, 'outbox.list')).items;
    const confirm = listed.find((item) => item.id === kinds.confirm)!;
    expect(confirm).toMatchObject({ state: 'needs_attention', lastErrorCode: 'personal_data_removed' });
    // "Try now" on the confirmation is refused with the reason, and nothing is sent.
    expect(await callError(core, 'outbox.retryNow', { instructionId: kinds.confirm })).toMatchObject({
      code: 'personal_data_removed',
    });
    // The handover (an order update) still goes: SeQura takes it without the shopper's data.
    expect(listed.find((item) => item.id === kinds.handover)).toMatchObject({
      state: 'needs_attention',
      lastErrorCode: 'sequra_rejected',
    });
    await call(core, 'outbox.retryNow', { instructionId: kinds.handover });
    await waitFor(
      async () => (await call<{ items: OutboxItem[] }>(core!, 'outbox.list')).items,
      (items) => items.find((item) => item.id === kinds.handover)?.state === 'done',
    );
    expect(
      (await call<{ items: OutboxItem[] }>(core, 'outbox.list')).items.find((i) => i.id === kinds.confirm),
    ).toMatchObject({ state: 'needs_attention' });
  });

  it('honours the configured personalDataDays', async () => {
    core = await startCore({ dataDir, sandbox, clock, config: tillConfigFor(sandbox, { personalDataDays: 1 }) });
    const cancelled = await draftWithShopper(core);
    await call(core, 'sale.cancel', { saleId: cancelled.id });
    await core.stop();
    now.t += DAY + 1;
    core = await startCore({ dataDir, sandbox, clock, config: tillConfigFor(sandbox, { personalDataDays: 1 }) });
    expect(allStoredSales().find((s) => s.id === cancelled.id)?.shopper.nin).toBe('');
  });
});

describe('purgeSale', () => {
  it('masks the mobile to its last four digits and scrubs free text', () => {
    expect(maskedMobile('+34 612 345 678')).toBe('*****5678');
    expect(maskedMobile('')).toBe('');
    const sale = {
      shopper: { ...SHOPPER },
      timeline: [{ at: 'x', event: 'sms_sent', detail: 'to 612345678 / maria@example.com' }],
      lastError: {
        code: 'c',
        message: 'NIN 23232323T rejected',
        retryable: false,
        at: 'x',
        reasons: ['email maria@example.com'],
      },
      confirmation: {
        requestedAt: null,
        confirmedAt: null,
        refusal: { kind: 'unknown', reasons: ['23232323T'], at: 'x' },
        goodsReleasedBy: null,
      },
      needsAttention: null,
    } as unknown as SaleRecord;
    const purged = JSON.stringify(purgeSale(sale, new Date()));
    for (const value of ['23232323T', '612345678', 'maria@example.com', 'María']) expect(purged).not.toContain(value);
  });
});
