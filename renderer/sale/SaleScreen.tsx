import { useEffect, useRef, type ComponentType } from 'react';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import type { SaleStep } from '../../shared/sale/sale-record.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { AttentionNotice } from './AttentionNotice.tsx';
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
 * field, a choice, or an action without an effect outside the till), else its heading (so a screen reader
 * starts there). Never a primary button by default: on the waiting screens that is "confirm", which talks to
 * SeQura, and an Enter meant for the previous screen must not land on it.
 */
function focusStepTarget(container: HTMLElement | null): void {
  if (!container) return;
  const target =
    container.querySelector<HTMLElement>('[data-autofocus]:not(:disabled)') ??
    container.querySelector<HTMLElement>('h1');
  target?.focus();
}

/**
 * How long after a step change an Enter or Space is ignored. A cashier's second Enter (or a key held down)
 * meant for the screen that just left arrives within a few hundred milliseconds; one meant for the new screen
 * comes after reading it.
 */
export const STEP_CHANGE_GUARD_MS = 700;

const isActivationKey = (event: KeyboardEvent) => event.key === 'Enter' || event.key === ' ';

/**
 * Swallows Enter and Space pressed on the sale screen within the guard time after `changedAt` (and a held-down
 * Enter's auto-repeats at any time). Keys on other screens (settings, sign-in) are not the sale's business.
 */
function useCarriedOverKeyGuard(
  active: boolean,
  changedAt: { current: number },
  container: { current: HTMLElement | null },
): void {
  useEffect(() => {
    if (!active) return;
    const guard = (event: KeyboardEvent) => {
      if (!isActivationKey(event)) return;
      const target = event.target as HTMLElement | null;
      const onSaleScreen = target === document.body || (target !== null && container.current?.contains(target));
      if (!onSaleScreen) return;
      // Typing a space or an Enter into a text field is not an activation of the next step's action.
      if (event.key === ' ' && target?.matches('input:not([type=radio]):not([type=checkbox]), textarea')) return;
      const tooSoon = performance.now() - changedAt.current < STEP_CHANGE_GUARD_MS;
      if (tooSoon || (event.repeat && event.key === 'Enter')) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    window.addEventListener('keydown', guard, true);
    window.addEventListener('keyup', guard, true);
    return () => {
      window.removeEventListener('keydown', guard, true);
      window.removeEventListener('keyup', guard, true);
    };
  }, [active, changedAt, container]);
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
  const stepChangedAt = useRef(0);
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
    if (focusedFor.current !== focusKey) stepChangedAt.current = performance.now();
    if (focusedFor.current !== focusKey || (idle && focusIsLost)) {
      focusedFor.current = focusKey;
      focusStepTarget(container);
    }
  }, [focusKey, shown, loaded, idle]);
  // The cart has nothing that reaches SeQura, and a scanner's Enter right after "New sale" must add its line.
  const onCart = sale?.step === 'draft' && sale.draftStage === 'cart';
  useCarriedOverKeyGuard(shown && !onCart, stepChangedAt, containerRef);

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
          <AttentionNotice
            testId="sale-needs-attention"
            alert
            code={sale.needsAttention.code ?? 'unknown'}
            detail={sale.needsAttention.reason}
            message={(reason) => t('sale.needsAttention', { reason, time: formatTime(sale.needsAttention!.at) })}
          />
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
