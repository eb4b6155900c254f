import { cartTotals, type SaleCart } from '../../shared/sale/cart.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** The sums of the cart, from integer cents; euros appear only in `formatCents`. */
export function CartTotals({ cart }: { cart: SaleCart }) {
  const { t, formatCents } = useI18n();
  const totals = cartTotals(cart);
  return (
    <dl className="totals" data-testid="cart-totals">
      <div>
        <dt>{t('cart.totals.lines')}</dt>
        <dd data-testid="cart-total-lines">{formatCents(totals.linesTotalCents)}</dd>
      </div>
      {totals.discountsCents > 0 && (
        <div>
          <dt>{t('cart.totals.discounts')}</dt>
          <dd data-testid="cart-total-discounts">−{formatCents(totals.discountsCents)}</dd>
        </div>
      )}
      {totals.paidAtTillCents > 0 && (
        <div>
          <dt>{t('cart.totals.paidAtTill')}</dt>
          <dd data-testid="cart-total-paid">−{formatCents(totals.paidAtTillCents)}</dd>
        </div>
      )}
      {/* Red only when there is a cart and nothing left to finance, not for an empty cart being started. */}
      <div
        className={
          totals.financedCents <= 0 && cart.lines.length > 0 ? 'totals-financed is-invalid' : 'totals-financed'
        }
      >
        <dt>{t('cart.totals.financed')}</dt>
        <dd data-testid="cart-total-financed">{formatCents(totals.financedCents)}</dd>
      </div>
    </dl>
  );
}
