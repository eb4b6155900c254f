import { mkdirSync, readdirSync, rmSync } from 'node:fs';
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
      store = this.createStore<HistoryFile>({
        name: `history-${key}`,
        cwd: this.dir,
        defaults: { schemaVersion: 1, sales: {} },
      });
      this.open.set(key, store);
    }
    return store;
  }

  add(sale: SaleRecord): void {
    const store = this.month(sale.createdAt.slice(0, 7));
    // One read and one whole-file write (conf's set() would read the file a second time).
    const file = store.store;
    store.store = { ...file, sales: { ...file.sales, [sale.id]: sale } };
  }

  months(): string[] {
    return readdirSync(this.dir)
      .map((name) => /^history-(\d{4}-\d{2})\.json$/.exec(name)?.[1])
      .filter((m): m is string => !!m)
      .sort();
  }

  /**
   * Retention: removes finished sales that ended before `cutoffIso` (machine config `retentionDays`), so the
   * files stay small and personal data is not kept longer than the store's policy. A month file can only hold
   * such sales if the month began before the cutoff (sales are filed by creation, and finish after it), so
   * only those are read; a month left empty is deleted. Returns how many sales were removed.
   */
  removeFinishedBefore(cutoffIso: string): number {
    const cutoffMonth = cutoffIso.slice(0, 7);
    let removed = 0;
    for (const month of this.months()) {
      if (month > cutoffMonth) break;
      const store = this.month(month);
      const sales = store.get('sales');
      const kept = Object.fromEntries(
        Object.entries(sales).filter(([, sale]) => (sale.finishedAt ?? sale.updatedAt) >= cutoffIso),
      );
      const dropped = Object.keys(sales).length - Object.keys(kept).length;
      if (dropped === 0) continue;
      removed += dropped;
      if (Object.keys(kept).length === 0 && month < cutoffMonth) {
        rmSync(store.path, { force: true });
        this.open.delete(month);
      } else {
        store.set('sales', kept);
      }
    }
    return removed;
  }

  /** Every archived sale of a month (for search and reports). */
  salesOf(month: string): SaleRecord[] {
    return Object.values(this.month(month).get('sales'));
  }
}
