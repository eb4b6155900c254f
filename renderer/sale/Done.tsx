import { useState } from 'react';
import type { IpcError } from '../../shared/ipc/result.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { printSlip } from './print-slip.ts';
import { NewSaleButton } from './SaleActions.tsx';
import { SaleSlipBody } from './SaleSlipBody.tsx';
import type { StepProps } from './step-props.ts';
import { StepFrame } from './StepFrame.tsx';
import { SlipLanguagePicker, useSlipLanguage } from './SlipLanguage.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';

// The sale is confirmed and handed over. The slip is what the shopper takes home and what the store files:
// it names the sale the way SeQura and the till will both find it again (ticket number, SeQura order uuid),
// lists what she bought and the plan as SeQura described it. "Print" has the focus (Enter prints) and sends
// it to the receipt printer (print-slip.ts); "New sale" is one Tab away.
export function Done({ sale, controller, status }: StepProps) {
  const { t } = useI18n();
  // The slip speaks the shopper's language, whatever the till's.
  const { language: slipLanguage, slip, choose } = useSlipLanguage(sale.id);
  const [printing, setPrinting] = useState(false);
  const [printError, setPrintError] = useState<IpcError | null>(null);
  const session = status?.session;
  const operatorName = session && session.operatorRef === sale.operatorRef ? session.displayName : null;

  const print = async () => {
    if (printing) return;
    setPrinting(true);
    setPrintError(await printSlip(controller.pos));
    setPrinting(false);
  };

  return (
    <StepFrame sale={sale} title={t('done.title')} tone="ok" showSummary={false}>
      <p className="lead ok">{t('done.body')}</p>
      <SlipLanguagePicker value={slipLanguage} onChange={choose} />
      <article
        className={`slip${sale.training ? ' is-training' : ''}`}
        data-testid="slip"
        aria-labelledby="slip-heading"
        lang={slipLanguage}
      >
        {sale.training && (
          <p className="slip-training" data-testid="slip-training">
            {slip.t('slip.training')}
          </p>
        )}
        <SaleSlipBody sale={sale} slip={slip} operatorName={operatorName} headingId="slip-heading" />
        {sale.training && <p className="slip-training">{slip.t('slip.training')}</p>}
      </article>
      <ErrorNotice error={controller.error} />
      {printError && (
        <p className="notice notice-danger no-print" role="alert" data-testid="print-error">
          {t('done.printFailed')}
        </p>
      )}
      <div className="actions no-print">
        <button
          type="button"
          className="button primary"
          onClick={() => void print()}
          disabled={printing}
          data-testid="slip-print"
          data-autofocus=""
        >
          {printing ? t('sale.working') : t('done.print')}
        </button>
        <NewSaleButton controller={controller} autoFocus={false} className="button secondary" />
      </div>
    </StepFrame>
  );
}
