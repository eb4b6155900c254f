import { isFinal, type SaleRecord, type ShopperDraftInput } from '../../../shared/sale/sale-record.ts';
import type { TillDatabase } from '../db/database.ts';
import type { SaleJournal } from '../journal/journal.ts';
import type { Realm } from '../journal/sale-rows.ts';
import { redactText } from '../log/redact.ts';

// Shopper personal data is kept only as long as the store needs it to deal with a sale (personalDataDays
// after the sale reached a final state, default 30); after that it is removed from the sale's row in the till
// database (journal or history) and from its outbox instructions, for live and training sales alike.
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
  db: TillDatabase;
  /** The journal the running core holds (its realm's active sales are purged through it, never behind it). */
  activeJournal: SaleJournal;
  personalDataDays: number;
  clock: () => Date;
}

interface PurgeRow {
  id: string;
  realm: Realm;
  archived: 0 | 1;
  record: string;
}

/** Blanks every string under the payload's `customer` (names, NIN, birth date, phone, e-mail, address). */
function blankStrings(value: unknown): unknown {
  if (typeof value === 'string') return '';
  if (Array.isArray(value)) return value.map(blankStrings);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, blankStrings(v)]));
  return value;
}

/**
 * Purges due sales of both realms (journal and history) and, in the same transaction per sale, the
 * personal data in its outbox instructions that are no longer open (needs-attention ones keep their reason
 * for a person, not the shopper's identity).
 */
export function purgePersonalData(deps: PurgeDeps): { purged: number } {
  const now = deps.clock();
  const cutoff = new Date(now.getTime() - deps.personalDataDays * DAY_MS).toISOString();
  const { db } = deps;
  const rows = db.read(() =>
    db.sql
      .prepare<[string], PurgeRow>(
        `SELECT id, realm, archived, record FROM sales
         WHERE finished_at IS NOT NULL AND finished_at <= ? AND instr(record, '"${PURGED_EVENT}"') = 0`,
      )
      .all(cutoff),
  );
  const update = db.sql.prepare<[string, string]>('UPDATE sales SET record = ? WHERE id = ?');
  const instructions = db.sql.prepare<[string], { id: string; record: string }>(
    "SELECT id, record FROM outbox WHERE sale_id = ? AND state NOT IN ('pending', 'in_flight')",
  );
  const updateInstruction = db.sql.prepare<[string, string]>('UPDATE outbox SET record = ? WHERE id = ?');
  let purged = 0;
  for (const row of rows) {
    const sale = JSON.parse(row.record) as SaleRecord;
    if (!isDue(sale, now, deps.personalDataDays)) continue;
    const clean = purgeSale(sale, now);
    db.write(() => {
      if (row.archived === 0 && row.realm === deps.activeJournal.realm) deps.activeJournal.put(clean);
      else update.run(JSON.stringify(clean), row.id);
      for (const instruction of instructions.all(row.id)) {
        const parsed = JSON.parse(instruction.record) as { request?: { payload?: { customer?: unknown } } };
        if (parsed.request?.payload?.customer === undefined) continue;
        parsed.request.payload.customer = blankStrings(parsed.request.payload.customer);
        updateInstruction.run(JSON.stringify(parsed), instruction.id);
      }
    });
    purged += 1;
  }
  if (purged > 0) deps.activeJournal.reload();
  return { purged };
}
