import { z } from 'zod';
import type { Channel, EventName } from './channels.ts';
import { SaleRecordSchema } from '../sale/sale-record.ts';
import {
  CurrentSaleResponse,
  ReleaseGoodsRequest,
  OutboxListResponse,
  ProductLimitsResponse,
  PrintReceiptRequest,
  PrintReceiptResponse,
  RetryNowRequest,
  SaleRefRequest,
  SaveDraftRequest,
  SaveDraftResponse,
  SendSmsRequest,
} from './sale-schemas.ts';
import { ConnectivitySchema, LanguageSchema, TillStatusSchema } from './status-schemas.ts';
import { adminContract } from './admin-schemas.ts';
import {
  CancelSaleRequest,
  CancelSaleResponse,
  CloseDayRequest,
  CloseDayResponse,
  DayReportRequest,
  DayReportSchema,
  HistorySearchRequest,
  HistorySearchResponse,
  ReportCsvResponse,
  ReprintRequest,
  ReturnSaleRequest,
  ReturnSaleResponse,
  SaleDetailRequest,
  SaleDetailSchema,
} from './after-sale-schemas.ts';

// The one IPC contract: per channel a request and a response schema; per event a payload schema.
// Main validates every request against it (electron/core/ipc/dispatcher.ts), and validates its own
// responses too, so nothing outside the schema (a secret, say) can ever reach the renderer.
const Empty = z.object({}).strict();

export const contract = {
  'app.getStatus': { request: Empty, response: TillStatusSchema },
  'app.setLanguage': { request: z.object({ language: LanguageSchema }).strict(), response: TillStatusSchema },
  'app.acknowledgeRecovery': { request: Empty, response: TillStatusSchema },
  'connectivity.checkNow': { request: Empty, response: ConnectivitySchema },
  'sale.current': { request: Empty, response: CurrentSaleResponse },
  'sale.create': { request: Empty, response: SaleRecordSchema },
  'sale.saveDraft': { request: SaveDraftRequest, response: SaveDraftResponse },
  'sale.start': { request: SaleRefRequest, response: SaleRecordSchema },
  'sale.sendSms': { request: SendSmsRequest, response: SaleRecordSchema },
  'sale.resendSms': { request: SaleRefRequest, response: SaleRecordSchema },
  'sale.confirm': { request: SaleRefRequest, response: SaleRecordSchema },
  'sale.markRejected': { request: SaleRefRequest, response: SaleRecordSchema },
  'sale.cancel': { request: SaleRefRequest, response: SaleRecordSchema },
  'sale.restart': { request: SaleRefRequest, response: SaleRecordSchema },
  'sale.close': { request: SaleRefRequest, response: CurrentSaleResponse },
  'sale.releaseGoods': { request: ReleaseGoodsRequest, response: SaleRecordSchema },
  'sale.productLimits': { request: Empty, response: ProductLimitsResponse },
  'print.receipt': { request: PrintReceiptRequest, response: PrintReceiptResponse },
  'outbox.list': { request: Empty, response: OutboxListResponse },
  'outbox.retryNow': { request: RetryNowRequest, response: OutboxListResponse },
  'afterSale.search': { request: HistorySearchRequest, response: HistorySearchResponse },
  'afterSale.detail': { request: SaleDetailRequest, response: SaleDetailSchema },
  'afterSale.cancel': { request: CancelSaleRequest, response: CancelSaleResponse },
  'afterSale.return': { request: ReturnSaleRequest, response: ReturnSaleResponse },
  'afterSale.reprint': { request: ReprintRequest, response: SaleDetailSchema },
  'report.day': { request: DayReportRequest, response: DayReportSchema },
  'report.csv': { request: DayReportRequest, response: ReportCsvResponse },
  'report.closeDay': { request: CloseDayRequest, response: CloseDayResponse },
  // Operators, sign-in, credentials, configuration, audit, diagnostics.
  ...adminContract,
} satisfies Record<Channel, { request: z.ZodType; response: z.ZodType }>;

export const eventContract = {
  'connectivity.changed': ConnectivitySchema,
  'status.changed': TillStatusSchema,
  'sale.changed': SaleRecordSchema,
  'outbox.changed': OutboxListResponse,
} satisfies Record<EventName, z.ZodType>;

export type Contract = typeof contract;
export type RequestOf<C extends Channel> = z.input<Contract[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<Contract[C]['response']>;
export type EventPayload<E extends EventName> = z.output<(typeof eventContract)[E]>;
