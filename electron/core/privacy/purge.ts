import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isFinal, type SaleRecord, type ShopperDraftInput } from '../../../shared/sale/sale-record.ts';
import { SaleHistory } from '../journal/history.ts';
import type { JournalFile, SaleJournal } from '../journal/journal.ts';
import { redactText } from '../log/redact.ts';
import type { StoreFactory } from '../storage/store.ts';

// Shopper personal data is kept only as long as the store needs it to deal with a sale (personalDataDays
// after the sale reached a final state, default 30); after that it is removed from the journal and the
// monthly history files, for live and training sales alike.
//
// What stays: amounts, cart, ticket number, SeQura uuid, product, timeline, operator — and the last four
// digits of the shopper's mobile, kept as `shopper.mobile = "*****5678"`, so that the history search by "last
// four digits of the phone" still finds a purged sale. Everything else about the shopper is blanked, and free
// text that SeQura or the till wrote (errors, reasons, timeline details) is scrubbed of personal-data shapes.
export const PURGED_EVENT = 'personal_data_purged';
const DAY_MS = 24 * 3600_000;

export function maskedMobile(mobile: string): string {
  const digits = mobile.replace(/\D/g, '');
  return digits.length >= 4 ? `*****${digits.slice(-4)}` : '';
}

export function isPurged(sale: SaleRecord): boolean {
  return sale.timeline.some((entry) => entry.event === PURGED_EVENT);
}

/** When a final sale became final: its finish time, else its last update. */
function finalAt(sale: SaleRecord): number {
  return Date.parse(sale.finishedAt ?? sale.updatedAt);
}

export function isDue(sale: SaleRecord, now: Date, personalDataDays: number): boolean {
  return isFinal(sale.step) && !isPurged(sale) && now.getTime() - finalAt(sale) >= personalDataDays * DAY_MS;
}

export function purgeSale(sale: SaleRecord, now: Date): SaleRecord {
  const shopper: ShopperDraftInput = {
    givenNames: '',
    firstSurname: '',
    secondSurname: '',
    nin: '',
    ninControl: '',
    dateOfBirth: '',
    mobile: maskedMobile(sale.shopper.mobile),
    email: '',
    address: null,
  };
  const timeline = sale.timeline.map((entry) =>
    entry.detail ? { ...entry, detail: redactText(entry.detail) } : entry,
  );
  // The timeline is capped at 200 entries: make room rather than fail the record's schema.
  const trimmed = timeline.length >= 200 ? [timeline[0]!, ...timeline.slice(timeline.length - 198)] : timeline;
  return {
    ...sale,
    shopper,
    lastError: sale.lastError
      ? {
          ...sale.lastError,
          message: redactText(sale.lastError.message),
          ...(sale.lastError.reasons ? { reasons: sale.lastError.reasons.map(redactText) } : {}),
        }
      : null,
    confirmation: {
      ...sale.confirmation,
      refusal: sale.confirmation.refusal
        ? { ...sale.confirmation.refusal, reasons: sale.confirmation.refusal.reasons.map(redactText) }
        : null,
    },
    needsAttention: sale.needsAttention
      ? { ...sale.needsAttention, reason: redactText(sale.needsAttention.reason) }
      : null,
    timeline: [...trimmed, { at: now.toISOString(), event: PURGED_EVENT }],
  };
}

export interface PurgeDeps {
  createStore: StoreFactory;
  /** The sales folders: the live one (the data dir) and the training one. */
  salesDirs: string[];
  /** The folder whose journal the running core holds open: purged through it, never behind its back. */
  activeSalesDir: string;
  activeJournal: SaleJournal;
  personalDataDays: number;
  clock: () => Date;
}

export function purgePersonalData(deps: PurgeDeps): { purged: number } {
  const now = deps.clock();
  let purged = 0;
  for (const dir of deps.salesDirs) {
    if (!existsSync(dir)) continue;
    // Journal: final sales still waiting to be archived (e.g. their handover is queued).
    if (dir === deps.activeSalesDir) {
      for (const sale of deps.activeJournal.active()) {
        if (!isDue(sale, now, deps.personalDataDays)) continue;
        deps.activeJournal.put(purgeSale(sale, now));
        purged += 1;
      }
    } else if (existsSync(join(dir, 'journal.json'))) {
      const store = deps.createStore<JournalFile>({
        name: 'journal',
        cwd: dir,
        defaults: { schemaVersion: 1, currentSaleId: null, ticketSequence: 0, sales: {} },
      });
      const sales = { ...store.get('sales') };
      let changed = false;
      for (const [id, sale] of Object.entries(sales)) {
        if (!isDue(sale, now, deps.personalDataDays)) continue;
        sales[id] = purgeSale(sale, now);
        changed = true;
        purged += 1;
      }
      if (changed) store.set('sales', sales);
    }
    // History: one file per month; conf reads the file on every get, so a second handle is safe.
    if (!existsSync(join(dir, 'history'))) continue;
    const history = new SaleHistory(deps.createStore, dir);
    for (const month of history.months()) {
      const store = deps.createStore<{ schemaVersion: 1; sales: Record<string, SaleRecord> }>({
        name: `history-${month}`,
        cwd: join(dir, 'history'),
        defaults: { schemaVersion: 1, sales: {} },
      });
      const sales = { ...store.get('sales') };
      let changed = false;
      for (const [id, sale] of Object.entries(sales)) {
        if (!isDue(sale, now, deps.personalDataDays)) continue;
        sales[id] = purgeSale(sale, now);
        changed = true;
        purged += 1;
      }
      if (changed) store.set('sales', sales);
    }
  }
  return { purged };
}
