import type { IpcError } from '../../shared/ipc/result.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { SaveState } from './useDraftEditor.ts';

/** Tells the cashier the draft is safe on the till (or that it is not yet, and why). */
export function SaveIndicator({ state, error }: { state: SaveState; error: IpcError | null }) {
  const { t } = useI18n();
  return (
    <p
      className={`save-indicator save-${state}`}
      data-testid="draft-save-state"
      data-state={state}
      data-error-code={state === 'failed' ? error?.code : undefined}
      title={state === 'failed' ? error?.message : undefined}
    >
      {state === 'failed' && error?.code === 'locked' ? t('draft.save.failedLocked') : t(`draft.save.${state}`)}
    </p>
  );
}
