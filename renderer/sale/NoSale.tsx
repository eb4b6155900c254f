import type { IpcError } from '../../shared/ipc/result.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';

/** The till between sales: one button (focused, so Enter) opens a new one. */
export function NoSale({ onNewSale, busy, error }: { onNewSale: () => void; busy: boolean; error: IpcError | null }) {
  const { t } = useI18n();
  return (
    <section
      className="panel sale-step no-sale"
      data-testid="sale-step"
      data-step="none"
      aria-labelledby="no-sale-heading"
    >
      <h1 id="no-sale-heading" tabIndex={-1}>
        {t('noSale.title')}
      </h1>
      <p className="lead">{t('noSale.body')}</p>
      <ErrorNotice error={error} />
      <div className="actions">
        <button
          type="button"
          className="button primary big"
          onClick={onNewSale}
          disabled={busy}
          data-testid="sale-new"
          data-autofocus=""
        >
          {busy ? t('sale.working') : t('sale.new')}
        </button>
      </div>
    </section>
  );
}
