import type { SaleRecord } from '../../../shared/sale/sale-record.ts';
import type { Handlers } from '../ipc/dispatcher.ts';
import type { SaleJournal } from '../journal/journal.ts';
import type { Logger } from '../log/logger.ts';
import type { ManagerAuthorizer } from '../operators/manager-authorizer.ts';
import type { Instruction, InstructionOutcome } from '../outbox/instruction.ts';
import type { Outbox } from '../outbox/outbox.ts';
import { AfterSaleService, type AfterSaleTill } from './after-sale-service.ts';
import { AfterSaleIntents, DayCloses } from './after-sale-store.ts';
import { ReportService } from './report-service.ts';
import { SaleSources } from './sale-sources.ts';
import type { TillDatabase } from '../db/database.ts';
import { SaleHistory } from '../journal/history.ts';
import { activeSales } from '../journal/sale-rows.ts';
import { SaleSearch } from '../journal/sale-search.ts';

// After the sale, as the composition root sees it: build it with what the core already has, spread its
// handlers into the contract's, and hand it the outbox's cancel/return outcomes.

export type AfterSaleChannel =
  | 'afterSale.search'
  | 'afterSale.detail'
  | 'afterSale.cancel'
  | 'afterSale.return'
  | 'afterSale.reprint'
  | 'report.day'
  | 'report.csv'
  | 'report.closeDay';

export interface AfterSaleDeps {
  db: TillDatabase;
  journal: SaleJournal;
  /** The history of the same realm as the journal. */
  history: SaleHistory;
  outbox: Outbox;
  authorizer: ManagerAuthorizer;
  till: AfterSaleTill;
  appVersion: string;
  platformUname: string;
  cancelBeforeConfirmation: (saleId: string) => SaleRecord;
  operatorRef: () => string;
  operatorName: (ref: string) => string | null;
  log: Logger;
  clock: () => Date;
  emitSale: (sale: SaleRecord) => void;
}

export interface AfterSale {
  handlers: Pick<Handlers, AfterSaleChannel>;
  onInstructionSettled(instruction: Instruction, outcome: InstructionOutcome): void;
}

export function createAfterSale(deps: AfterSaleDeps): AfterSale {
  const sources = new SaleSources({
    journal: deps.journal,
    history: deps.history,
    // A live till reads its training sales (read only); a training till's own sales are those.
    training: deps.till.training
      ? null
      : {
          history: new SaleHistory(deps.db, 'training'),
          active: () => activeSales(deps.db, 'training'),
          search: new SaleSearch(deps.db, 'training'),
        },
    search: new SaleSearch(deps.db, deps.journal.realm),
    log: deps.log,
  });
  const service = new AfterSaleService({
    sources,
    outbox: deps.outbox,
    authorizer: deps.authorizer,
    intents: new AfterSaleIntents(deps.db, deps.journal.realm),
    atomically: (fn) => deps.db.write(fn),
    till: deps.till,
    appVersion: deps.appVersion,
    platformUname: deps.platformUname,
    cancelBeforeConfirmation: deps.cancelBeforeConfirmation,
    operatorRef: deps.operatorRef,
    operatorName: deps.operatorName,
    log: deps.log,
    clock: deps.clock,
    emitSale: deps.emitSale,
  });
  const reports = new ReportService({
    sources,
    outbox: deps.outbox,
    closes: new DayCloses(deps.db, deps.journal.realm),
    till: { storeRef: deps.till.storeRef, tillId: deps.till.tillId, training: deps.till.training },
    log: deps.log,
    clock: deps.clock,
  });
  // Built before the core starts its outbox, so an update lost between two writes is queued again first.
  service.resume();

  return {
    handlers: {
      'afterSale.search': async (request) => service.search(request),
      'afterSale.detail': async ({ saleId }) => service.detail(saleId),
      'afterSale.cancel': async (request) => service.cancel(request),
      'afterSale.return': async (request) => service.returnItems(request),
      'afterSale.reprint': async (request) => service.reprint(request),
      'report.day': async ({ date }) => reports.day(date),
      'report.csv': async ({ date }) => reports.csv(date),
      'report.closeDay': async ({ date, acknowledgePending, managerPin }) => {
        const manager = await deps.authorizer.authorizeManager(managerPin, 'report.close_day');
        return reports.closeDay(date, acknowledgePending, manager.operatorRef);
      },
    },
    onInstructionSettled: (instruction, outcome) => service.onInstructionSettled(instruction, outcome),
  };
}
