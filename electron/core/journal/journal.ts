import { isFinal, type SaleRecord } from '../../../shared/sale/sale-record.ts';
import type { KeyValueStore } from '../storage/store.ts';
import type { SaleHistory } from './history.ts';

// The sale journal: every sale that is not yet archived, the current sale and the ticket counter, in one
// small JSON file written atomically on every change (write-ahead: the sale's intent is written before a
// SeQura call and its outcome after). Finished sales move to monthly history files so this file, which is
// rewritten on every step, stays small however long the till has been selling.
export interface JournalFile extends Record<string, unknown> {
  schemaVersion: 1;
  currentSaleId: string | null;
  /** Last ticket sequence number handed out. Only ever grows: ticket numbers are never reused. */
  ticketSequence: number;
  sales: Record<string, SaleRecord>;
}

export const EMPTY_JOURNAL: JournalFile = { schemaVersion: 1, currentSaleId: null, ticketSequence: 0, sales: {} };

export class SaleJournal {
  // One writer (single-instance lock): the in-memory copy is always what is on disk.
  private state: JournalFile;

  constructor(
    private readonly store: KeyValueStore<JournalFile>,
    private readonly history: SaleHistory,
  ) {
    this.state = structuredClone(store.store);
  }

  /** The whole journal in one atomic write (temp file + rename): old or new on disk, never half. */
  private persist(): void {
    this.store.store = this.state;
  }

  get(id: string): SaleRecord | undefined {
    return this.state.sales[id];
  }

  current(): SaleRecord | null {
    return this.state.currentSaleId ? (this.state.sales[this.state.currentSaleId] ?? null) : null;
  }

  active(): SaleRecord[] {
    return Object.values(this.state.sales);
  }

  put(sale: SaleRecord): void {
    this.state.sales[sale.id] = sale;
    this.persist();
  }

  setCurrent(id: string | null): void {
    this.state.currentSaleId = id;
    this.persist();
  }

  /** Creates a sale and makes it current in one write. */
  putCurrent(sale: SaleRecord): void {
    this.state.sales[sale.id] = sale;
    this.state.currentSaleId = sale.id;
    this.persist();
  }

  /**
   * Hands out the next ticket number and stores it on the sale in the same atomic write, so a crash can
   * lose a number (a gap) but never hand the same number out twice.
   */
  assignTicket(sale: SaleRecord, format: (sequence: number) => string): SaleRecord {
    const sequence = this.state.ticketSequence + 1;
    const updated = { ...sale, ticketNumber: format(sequence) };
    this.state.ticketSequence = sequence;
    this.state.sales[sale.id] = updated;
    this.persist();
    return updated;
  }

  /** Moves a finished sale to the history (written there first, then removed here). */
  archive(id: string): void {
    const sale = this.state.sales[id];
    if (!sale || !isFinal(sale.step)) return;
    this.history.add(sale);
    delete this.state.sales[id];
    const currentSaleId = this.state.currentSaleId === id ? null : this.state.currentSaleId;
    this.state.currentSaleId = currentSaleId;
    this.persist();
  }
}
