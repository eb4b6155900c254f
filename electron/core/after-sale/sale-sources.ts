import type { SaleRecord } from '../../../shared/sale/sale-record.ts';
import { localIsoDate } from '../../../shared/time/local-date.ts';
import type { SaleHistory } from '../journal/history.ts';
import type { SaleJournal } from '../journal/journal.ts';
import type { CreatedRange, SaleSearch } from '../journal/sale-search.ts';
import type { Logger } from '../log/logger.ts';
import { normalizeSale } from './sale-view.ts';

// Where after-sale finds sales: the till's own journal (sales not yet archived) and its history, plus, on a
// live till, the training sales (realm 'training' of the same database), which are only ever read here,
// never written: training sales are listed apart and never count in a real report.

export type SaleLocation = 'journal' | 'history' | 'training_folder';

/** Calendar days the caller cares about (inclusive, till-local); null ends are open. */
export interface DayRange {
  from: string | null;
  to: string | null;
}

export interface SaleSourcesOptions {
  journal: SaleJournal;
  /** The same folder's history as the journal's (a second handle on the same files is safe: one writer, sync writes). */
  history: SaleHistory;
  /** The training sales to read on a live till (history, and those still in the training journal); null when the till itself is in training mode. */
  training: { history: SaleHistory; active: () => SaleRecord[]; search: SaleSearch } | null;
  /** The indexed search over the till's own sales (the journal's realm). */
  search: SaleSearch;
  log: Logger;
}

export class SaleSources {
  constructor(private readonly options: SaleSourcesOptions) {}

  /** The till's own sales (live ones on a live till; training ones on a training till), newest first. */
  own(range: DayRange = { from: null, to: null }): SaleRecord[] {
    const byId = new Map<string, SaleRecord>();
    for (const month of monthsFor(this.options.history.months(), range)) {
      for (const sale of this.options.history.salesOf(month)) byId.set(sale.id, sale);
    }
    // The journal's copy wins: a sale can be in both for an instant while it is being archived.
    for (const sale of this.options.journal.active()) byId.set(sale.id, sale);
    return inRange([...byId.values()], range);
  }

  /** Training sales seen from a live till (read only). Empty on a training till: its own sales are those. */
  trainingFolder(range: DayRange = { from: null, to: null }): SaleRecord[] {
    const training = this.options.training;
    if (!training) return [];
    const byId = new Map<string, SaleRecord>();
    for (const month of monthsFor(training.history.months(), range)) {
      for (const sale of training.history.salesOf(month)) byId.set(sale.id, sale);
    }
    for (const sale of training.active()) byId.set(sale.id, sale);
    return inRange([...byId.values()], range);
  }

  /** The indexed search over the till's own sales, or over the training sales seen from a live till (null on a training till). */
  searchOf(training: boolean): SaleSearch | null {
    return training ? (this.options.training?.search ?? null) : this.options.search;
  }

  /** One sale by id, wherever it is. */
  find(saleId: string): { sale: SaleRecord; where: SaleLocation } | null {
    const active = this.options.journal.get(saleId);
    if (active) return { sale: normalizeSale(active), where: 'journal' };
    const archived = this.options.history.get(saleId);
    if (archived) return { sale: normalizeSale(archived), where: 'history' };
    const training = this.options.training;
    const inTraining = training
      ? (training.history.get(saleId) ?? training.active().find((s) => s.id === saleId))
      : undefined;
    return inTraining ? { sale: normalizeSale(inTraining), where: 'training_folder' } : null;
  }

  /** Writes a changed sale back where it lives (the journal while active, its history month once archived). */
  persist(sale: SaleRecord): void {
    if (this.options.journal.get(sale.id)) this.options.journal.put(sale);
    else this.options.history.add(sale);
  }
}

/**
 * History files are keyed by the UTC month of `createdAt`, while ranges are till-local days: a local day can
 * fall in the neighbouring UTC month near midnight, so each end is widened by a day before picking files.
 */
function monthsFor(months: string[], range: DayRange): string[] {
  const first = range.from ? shiftDay(range.from, -1).slice(0, 7) : null;
  const last = range.to ? shiftDay(range.to, 1).slice(0, 7) : null;
  return months.filter((m) => (first === null || m >= first) && (last === null || m <= last));
}

/** Till-local calendar days (inclusive) as creation instants: from the first day's midnight to the next day's after the last. */
export function createdRange(range: DayRange): CreatedRange {
  const midnight = (day: string, delta: number) => {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    return new Date(y, m - 1, d + delta).toISOString();
  };
  return {
    from: range.from ? midnight(range.from, 0) : null,
    before: range.to ? midnight(range.to, 1) : null,
  };
}

function shiftDay(day: string, delta: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d + delta));
  return date.toISOString().slice(0, 10);
}

function inRange(sales: SaleRecord[], range: DayRange): SaleRecord[] {
  return sales
    .map(normalizeSale)
    .filter((sale) => {
      if (!range.from && !range.to) return true;
      const day = localIsoDate(sale.createdAt);
      return (!range.from || day >= range.from) && (!range.to || day <= range.to);
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
