import { isFinal, type SaleRecord, type ShopperDraftInput } from '../../../shared/sale/sale-record.ts';
import type { TillDatabase } from '../db/database.ts';
import type { SaleJournal } from '../journal/journal.ts';
import { PURGED_EVENT, purgedAt, saleRow, saleStatements, type Realm } from '../journal/sale-rows.ts';
import type { Instruction } from '../outbox/instruction.ts';
import { redactText } from '../log/redact.ts';

// Shopper personal data is kept only as long as the store needs it to deal with a sale (personalDataDays
// after the sale reached a final state, default 30); after that it is removed from the sale's row in the till
// database (journal or history) and from its outbox instructions, for live and training sales alike.
//
// What stays: amounts, cart, ticket number, SeQura uuid, product, timeline, operator — and the last four
// digits of the shopper's mobile, kept as `shopper.mobile = "*****5678"`, so that the history search by "last
// four digits of the phone" still finds a purged sale. Everything else about the shopper is blanked, and free
// text that SeQura or the till wrote (errors, reasons, timeline details) is scrubbed of personal-data shapes.
const DAY_MS = 24 * 3600_000;

export function maskedMobile(mobile: string): string {
  const digits = mobile.replace(/\D/g, '');
  return digits.length >= 4 ? `*****${digits.slice(-4)}` : '';
}

export function isPurged(sale: SaleRecord): boolean {
  return purgedAt(sale) !== null;
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
  /** The running outbox: reloaded when the purge changed instructions of its realm. */
  activeOutbox: { reload(): void };
  personalDataDays: number;
  clock: () => Date;
}

interface PurgeRow {
  id: string;
  realm: Realm;
  archived: 0 | 1;
  record: string;
}

/** Blanks every string in a value (names, NIN, birth date, phone, e-mail, address lines). */
function blankStrings(value: unknown): unknown {
  if (typeof value === 'string') return '';
  if (Array.isArray(value)) return value.map(blankStrings);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, blankStrings(v)]));
  return value;
}

/** Sales purged per transaction: a backlog (a till switched off for weeks) never holds the database long. */
const BATCH = 200;

export const PERSONAL_DATA_REMOVED = 'personal_data_removed';

/**
 * Purges due sales of both realms (journal and history) and the outbox instructions of purged sales that are
 * no longer open (an open one still needs the data; it is purged by a later run once it is done or waits for
 * a person). Due sales are found through the `sales_to_purge` index, so a run with nothing due costs nothing.
 */
export function purgePersonalData(deps: PurgeDeps): { purged: number; instructions: number } {
  const now = deps.clock();
  const cutoff = new Date(now.getTime() - deps.personalDataDays * DAY_MS).toISOString();
  const { db } = deps;
  const dueIds = db.read(() =>
    db.sql
      .prepare<[string], { id: string }>(
        `SELECT id FROM sales INDEXED BY sales_to_purge
         WHERE purged_at IS NULL AND finished_at IS NOT NULL AND finished_at <= ? ORDER BY finished_at`,
      )
      .all(cutoff)
      .map((row) => row.id),
  );
  const byId = db.sql.prepare<[string], PurgeRow>('SELECT id, realm, archived, record FROM sales WHERE id = ?');
  const upsert = saleStatements(db).upsert;
  const instructions = instructionStatements(db);
  let purged = 0;
  let purgedInstructions = 0;
  for (let start = 0; start < dueIds.length; start += BATCH) {
    db.write(() => {
      for (const id of dueIds.slice(start, start + BATCH)) {
        const row = byId.get(id);
        if (!row) continue;
        const sale = JSON.parse(row.record) as SaleRecord;
        // Already purged (its column not yet set) or not final after all: only the column is brought in line.
        const clean = isDue(sale, now, deps.personalDataDays) ? purgeSale(sale, now) : sale;
        if (row.archived === 0 && row.realm === deps.activeJournal.realm) deps.activeJournal.put(clean);
        else upsert.run(saleRow(clean, row.realm, row.archived));
        if (clean === sale) continue;
        purged += 1;
        for (const instruction of instructions.settledOf.all(id)) {
          const parsed = JSON.parse(instruction.record) as Instruction;
          instructions.update.run(JSON.stringify(purgeInstruction(parsed, now, shopperStrings(sale))), instruction.id);
          purgedInstructions += 1;
        }
      }
    });
  }
  if (purged > 0) deps.activeJournal.reload();
  purgedInstructions += purgeLaterInstructions(db, now);
  if (purgedInstructions > 0) deps.activeOutbox.reload();
  return { purged, instructions: purgedInstructions };
}

function instructionStatements(db: TillDatabase) {
  return {
    settledOf: db.sql.prepare<[string], { id: string; record: string }>(
      "SELECT id, record FROM outbox WHERE sale_id = ? AND state NOT IN ('pending', 'in_flight')",
    ),
    // Instructions that were still open when their sale was purged, and have ended since.
    later: db.sql.prepare<[], { id: string; record: string }>(
      `SELECT o.id, o.record FROM outbox o JOIN sales s ON s.id = o.sale_id
       WHERE s.purged_at IS NOT NULL AND o.state NOT IN ('pending', 'in_flight')
         AND instr(o.record, '"personalDataRemovedAt"') = 0`,
    ),
    update: db.sql.prepare<[string, string]>('UPDATE outbox SET record = ? WHERE id = ?'),
  };
}

function purgeLaterInstructions(db: TillDatabase, now: Date): number {
  const statements = instructionStatements(db);
  const rows = db.read(() => statements.later.all());
  if (rows.length === 0) return 0;
  db.write(() => {
    for (const row of rows)
      statements.update.run(JSON.stringify(purgeInstruction(JSON.parse(row.record) as Instruction, now, [])), row.id);
  });
  return rows.length;
}

/** The shopper's own strings (and each word of them), to find them quoted in free text. */
function shopperStrings(sale: SaleRecord): string[] {
  const shopper = sale.shopper;
  return [
    shopper.givenNames,
    shopper.firstSurname,
    shopper.secondSurname,
    shopper.nin,
    shopper.ninControl,
    shopper.email,
    shopper.dateOfBirth,
    shopper.mobile,
  ].filter((value): value is string => typeof value === 'string');
}

/** Every string in a payload's personal parts (customer and addresses). */
function payloadStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(payloadStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(payloadStrings);
  return [];
}

/** Free text with the given personal strings (and their words of three letters or more) removed, then redacted. */
function scrub(text: string, personal: readonly string[]): string {
  const values = new Set(
    personal.flatMap((value) => [value.trim(), ...value.split(/\s+/)]).filter((value) => value.length >= 3),
  );
  let out = text;
  for (const value of [...values].sort((a, b) => b.length - a.length)) out = out.split(value).join('[…]');
  return redactText(out);
}

/**
 * An outbox instruction without the shopper's data. An order update (handover, cancellation, return) does
 * not need it (SeQura's update takes the customer as optional): the personal parts are left out and the
 * instruction stays sendable for a person's "try now". A confirmation or order reference cannot be sent
 * without it: if it waits for a person, it says so, and "try now" refuses it with that reason (outbox.ts).
 */
export function purgeInstruction(instruction: Instruction, now: Date, known: readonly string[]): Instruction {
  const at = now.toISOString();
  const { customer, delivery_address, invoice_address } = instruction.request.payload;
  const personal = [...known, ...payloadStrings([customer, delivery_address, invoice_address])];
  const lastError = instruction.lastError === null ? null : scrub(instruction.lastError, personal);
  if (instruction.request.target === 'order_update') {
    const { customer: _c, delivery_address: _d, invoice_address: _i, ...payload } = instruction.request.payload;
    return { ...instruction, lastError, request: { ...instruction.request, payload }, personalDataRemovedAt: at };
  }
  const payload = instruction.request.payload;
  const waitsForAPerson = instruction.state === 'needs_attention';
  return {
    ...instruction,
    request: {
      ...instruction.request,
      payload: {
        ...payload,
        customer: blankStrings(payload.customer) as typeof payload.customer,
        delivery_address: blankStrings(payload.delivery_address) as typeof payload.delivery_address,
        invoice_address: blankStrings(payload.invoice_address) as typeof payload.invoice_address,
      },
    },
    ...(waitsForAPerson
      ? {
          lastError:
            'The shopper’s personal data was removed (the store’s retention period): this call can no longer be sent to SeQura.' +
            (lastError ? ` Last answer: ${lastError}` : ''),
          lastErrorCode: PERSONAL_DATA_REMOVED,
        }
      : { lastError }),
    personalDataRemovedAt: at,
  };
}
