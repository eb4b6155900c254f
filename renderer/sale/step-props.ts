import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import type { SaleController } from './useSale.ts';

/** What every step screen gets: the sale to draw, the actions, and the till (connectivity, training phone). */
export interface StepProps {
  sale: SaleRecord;
  controller: SaleController;
  status: TillStatus | null;
}

/** SeQura cannot be reached right now, by the till's own probe or by the sale's last answer. */
export function isSequraDown(status: TillStatus | null): boolean {
  return status?.connectivity.state === 'unreachable' || status?.connectivity.state === 'offline';
}

/**
 * The sale's last error, unless it only says "SeQura is unreachable": the queued screens already say that in
 * their own words (and that it will go out by itself), so repeating it as an error would only alarm.
 */
export function unlessUnreachable<E extends { code: string }>(error: E | null): E | null {
  return error && error.code !== 'sequra_unreachable' ? error : null;
}
