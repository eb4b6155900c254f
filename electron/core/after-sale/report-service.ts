import type { DayReport } from '../../../shared/ipc/after-sale-schemas.ts';
import type { Logger } from '../log/logger.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { DayCloses } from './after-sale-store.ts';
import { computeDayReport, csvFileName, reportCsv } from './day-report.ts';
import type { SaleSources } from './sale-sources.ts';

// The end-of-day report of this till and closing the day. Closing records who/when/how much in the till
// database (one list per day: a day closed again after late confirmations keeps both closings).
// It never blocks: it warns while confirmations are still pending, and the manager decides.

export interface ReportServiceDeps {
  sources: SaleSources;
  outbox: Outbox;
  closes: DayCloses;
  till: { storeRef: string; tillId: string; training: boolean };
  log: Logger;
  clock: () => Date;
}

export class ReportService {
  constructor(private readonly deps: ReportServiceDeps) {}

  day(date: string): DayReport {
    const { till, sources } = this.deps;
    return computeDayReport({
      date,
      storeRef: till.storeRef,
      tillId: till.tillId,
      training: till.training,
      // Every day of the till: returns asked today can be of older sales, and sales missing their reference
      // or still waiting for a confirmation are listed whatever day they are from.
      sales: sources.own(),
      trainingSales: till.training ? [] : sources.trainingFolder({ from: date, to: date }),
      outbox: this.deps.outbox.items(),
      closures: this.deps.closes.of(date),
      now: this.deps.clock(),
    });
  }

  csv(date: string): { fileName: string; content: string } {
    const report = this.day(date);
    return { fileName: csvFileName(report), content: reportCsv(report) };
  }

  closeDay(date: string, acknowledgePending: boolean, managerRef: string): { closed: boolean; report: DayReport } {
    const report = this.day(date);
    if (report.pendingConfirmations.length > 0 && !acknowledgePending) return { closed: false, report };
    const closure = {
      closedAt: this.deps.clock().toISOString(),
      pendingConfirmations: report.pendingConfirmations.length,
      netFinancedCents: report.netFinancedCents,
    };
    this.deps.closes.add(date, closure);
    this.deps.log.info('report.day_closed', {
      date,
      pending: closure.pendingConfirmations,
      sales: report.salesCount,
      manager: managerRef,
    });
    return { closed: true, report: { ...report, closures: [...report.closures, closure].slice(-100) } };
  }
}
