import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SaleRecord } from '../../../shared/sale/sale-record.ts';
import type { KeyValueStore, StoreFactory } from '../storage/store.ts';

// Finished sales, one file per month (history-2026-11.json). A sale is written once when it is archived,
// so the cost of a step never grows with the number of past sales, and start-up does not read history.
interface HistoryFile extends Record<string, unknown> {
  schemaVersion: 1;
  sales: Record<string, SaleRecord>;
}

export class SaleHistory {
  private readonly open = new Map<string, KeyValueStore<HistoryFile>>();
  private readonly dir: string;

  constructor(
    private readonly createStore: StoreFactory,
    dataDir: string,
  ) {
    this.dir = join(dataDir, 'history');
    mkdirSync(this.dir, { recursive: true });
  }

  private month(key: string): KeyValueStore<HistoryFile> {
    let store = this.open.get(key);
    if (!store) {
      store = this.createStore<HistoryFile>({ name: `history-${key}`, cwd: this.dir, defaults: { schemaVersion: 1, sales: {} } });
      this.open.set(key, store);
    }
    return store;
  }

  add(sale: SaleRecord): void {
    const store = this.month(sale.createdAt.slice(0, 7));
    store.set('sales', { ...store.get('sales'), [sale.id]: sale });
  }

  months(): string[] {
    return readdirSync(this.dir)
      .map((name) => /^history-(\d{4}-\d{2})\.json$/.exec(name)?.[1])
      .filter((m): m is string => !!m)
      .sort();
  }

  /** Every archived sale of a month (for search and reports). */
  salesOf(month: string): SaleRecord[] {
    return Object.values(this.month(month).get('sales'));
  }
}
