import { useEffect, useRef, type ComponentType } from 'react';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import type { SaleStep } from '../../shared/sale/sale-record.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { AwaitingApproval } from './AwaitingApproval.tsx';
import { ChooseProduct } from './ChooseProduct.tsx';
import { Confirming } from './Confirming.tsx';
import { ConfirmRefused } from './ConfirmRefused.tsx';
import { Done } from './Done.tsx';
import { DraftEditor } from './DraftEditor.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { FinalNotice } from './FinalNotice.tsx';
import { HandingOver } from './HandingOver.tsx';
import { NoSale } from './NoSale.tsx';
import { SendingSms } from './SendingSms.tsx';
import { Starting } from './Starting.tsx';
import { StartQueued } from './StartQueued.tsx';
import { StartUncertain } from './StartUncertain.tsx';
import type { StepProps } from './step-props.ts';
import type { SaleController } from './useSale.ts';

// The screen is a pure function of the sale's step: one component per step, and a Record so a step added to
// the shared list without a screen fails the build.
const SCREENS: Record<SaleStep, ComponentType<StepProps>> = {
  draft: DraftEditor,
  start_queued: StartQueued,
  starting: Starting,
  start_uncertain: StartUncertain,
  choose_product: ChooseProduct,
  sending_sms: SendingSms,
  awaiting_approval: AwaitingApproval,
  confirming: Confirming,
  confirm_refused: ConfirmRefused,
  handing_over: HandingOver,
  done: Done,
  rejected: FinalNotice,
  cancelled: FinalNotice,
};

/**
 * Focus goes where the cashier's next keystroke belongs: the element a step marked `data-autofocus` (its first
 * field or its primary action), else its primary button, else its heading (so a screen reader starts there).
 */
function focusStepTarget(container: HTMLElement | null): void {
  if (!container) return;
  const target =
    container.querySelector<HTMLElement>('[data-autofocus]:not(:disabled)') ??
    container.querySelector<HTMLElement>('.button.primary:not(:disabled)') ??
    container.querySelector<HTMLElement>('h1');
  target?.focus();
}

export function SaleScreen({
  controller,
  status,
  visible,
}: {
  controller: SaleController;
  status: TillStatus | null;
  visible: boolean;
}) {
  const { t, formatTime } = useI18n();
  const { sale, loaded } = controller;
  const containerRef = useRef<HTMLDivElement>(null);
  const stepKey = sale ? `${sale.id}:${sale.step}` : 'none';
  // What changes the "first thing to do": the step, the draft stage, and the products arriving.
  const focusKey = sale ? `${stepKey}:${sale.draftStage}:${sale.paymentOptions ? 'options' : ''}` : 'none';
  const focusedFor = useRef<string | null>(null);
  const idle = controller.busy === null;
  // The sign-in gate hides the screens (mounted) while nobody is signed in or the till is locked: coming
  // back from it counts as coming back to this screen.
  const session = status?.session;
  const unlocked = !!session && !session.locked;
  const shown = visible && unlocked;

  // A new step (or coming back to this screen) puts focus on that step's first thing to do. If its target was
  // disabled at that moment (the action that led here was still answering), focus goes there once it is done.
  useEffect(() => {
    if (!shown) {
      focusedFor.current = null;
      return;
    }
    const container = containerRef.current;
    if (!loaded || !container) return;
    const active = document.activeElement;
    const focusIsLost =
      active === document.body || active === null || (active.tagName === 'H1' && container.contains(active));
    if (focusedFor.current !== focusKey || (idle && focusIsLost)) {
      focusedFor.current = focusKey;
      focusStepTarget(container);
    }
  }, [focusKey, shown, loaded, idle]);

  let body;
  if (!loaded) {
    body = (
      <>
        <p className="loading">{t('sale.loading')}</p>
        <ErrorNotice error={controller.error} />
      </>
    );
  } else if (!sale) {
    body = (
      <NoSale onNewSale={() => void controller.create()} busy={controller.busy !== null} error={controller.error} />
    );
  } else {
    const Screen = SCREENS[sale.step];
    body = (
      <>
        {sale.needsAttention && (
          <p className="notice notice-danger" role="alert" data-testid="sale-needs-attention">
            {t('sale.needsAttention', { reason: sale.needsAttention.reason, time: formatTime(sale.needsAttention.at) })}
          </p>
        )}
        <Screen key={stepKey} sale={sale} controller={controller} status={status} />
      </>
    );
  }

  return (
    <div ref={containerRef} className="sale-screen" hidden={!visible} data-testid="sale-screen">
      {body}
    </div>
  );
}
