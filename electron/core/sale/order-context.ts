import type { OrderContext } from '../../../shared/order/build-order-payload.ts';
import type { SaleRecord } from '../../../shared/sale/sale-record.ts';

/** What the payload builders need about the till, beyond the sale itself. */
export interface OrderContextTill {
  merchantId: string;
  requireNinControl: boolean;
  usesShippedCart: boolean;
}

/**
 * The builder's context for one sale. Store, till and operator come from the sale record (as they were when
 * it started), so a confirmation or a return replayed later describes the same purchase.
 */
export function orderContextFor(
  sale: SaleRecord,
  till: OrderContextTill,
  appVersion: string,
  platformUname: string,
): OrderContext {
  return {
    merchantId: till.merchantId,
    storeRef: sale.storeRef,
    tillId: sale.tillId,
    operatorRef: sale.operatorRef,
    saleId: sale.id,
    attempt: sale.attempt,
    requireNinControl: till.requireNinControl,
    usesShippedCart: till.usesShippedCart,
    languageCode: 'es-ES',
    appVersion,
    platformUname,
    // The till's customers are in front of it: there is no shopper IP or browser to report.
    ipNumber: '127.0.0.1',
    userAgent: `sequra-pos/${appVersion}`,
  };
}
