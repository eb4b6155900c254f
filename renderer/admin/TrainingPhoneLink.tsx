import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { useI18n } from '../i18n/i18n.tsx';

// Training only: the virtual shopper phone one click away, so a new cashier can practise the whole flow
// alone. With a solicited sale it opens that order's phone page; before that, the phone's start page.
// Small and prop-driven so the sale screens can use it too (it sits in the TRAINING banner by default).
//
// In the browser preview it opens a new tab. In the Electron app a new window is denied by the window-open
// handler (electron/main/hardening.ts); main may allow the training sandbox's loopback origin there.
export function TrainingPhoneLink({
  status,
  sale,
  className = 'training-phone-link',
}: {
  status: TillStatus | null;
  sale: SaleRecord | null;
  className?: string;
}) {
  const { t } = useI18n();
  if (status?.mode !== 'training' || !status.trainingPhoneBaseUrl) return null;
  const uuid = sale?.training && sale.solicitation ? sale.solicitation.uuid : null;
  const href = uuid ? `${status.trainingPhoneBaseUrl}${encodeURIComponent(uuid)}` : status.trainingPhoneBaseUrl;
  return (
    <a className={className} href={href} target="_blank" rel="noreferrer" data-testid="training-phone-open">
      {uuid ? t('training.phoneLinkSale') : t('training.phoneLink')}
    </a>
  );
}
