import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import type { BridgeState } from '../bridge/pos-client.ts';
import { ConfigProblemScreen } from '../config-problem/ConfigProblemScreen.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { DatabaseRecoveryScreen } from '../recovery/DatabaseRecoveryScreen.tsx';
import { SignInScreen } from '../signin/SignInScreen.tsx';
import { AdminScreen } from './AdminScreen.tsx';
import './admin.css';

/** How often a cashier's key presses and taps tell main "someone is at the till" (auto-lock timer). */
const ACTIVITY_PING_MS = 15_000;

// What stands between the till's screens and whoever is in front of it (the core enforces the same rules;
// this only shows them):
//  - a damaged or missing till database → the database recovery screen, nothing else;
//  - a broken machine configuration file → the configuration-problem screen, nothing else;
//  - nobody signed in, or the till locked → the sign-in / lock screen;
//  - otherwise the screens, with the session bar (who is signed in, Lock, Sign out, Settings).
// The screens stay mounted underneath (hidden), so locking never loses a half-typed sale.
export function TillGate({
  pos,
  status,
  bridge,
  children,
}: {
  pos: PosApi;
  status: TillStatus | null;
  bridge: BridgeState;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const [adminOpen, setAdminOpen] = useState(false);
  const session = status?.session;
  // Nothing shows until the status says who is signed in and that the till is not locked.
  const unlocked = !!session && !session.locked;
  const lastPing = useRef(0);

  useEffect(() => {
    if (bridge !== 'open' || !unlocked || !session) return;
    const ping = () => {
      const now = Date.now();
      if (now - lastPing.current < ACTIVITY_PING_MS) return;
      lastPing.current = now;
      void pos.session.activity({});
    };
    window.addEventListener('keydown', ping, true);
    window.addEventListener('pointerdown', ping, true);
    return () => {
      window.removeEventListener('keydown', ping, true);
      window.removeEventListener('pointerdown', ping, true);
    };
  }, [pos, bridge, unlocked, session]);

  // Locking or signing out closes the settings: the next person must not find them open.
  useEffect(() => {
    if (!unlocked) setAdminOpen(false);
  }, [unlocked]);

  // A damaged or missing database: the till does not sell, and says so before anything else.
  if (status?.database) return <DatabaseRecoveryScreen notice={status.database} />;
  if (status?.config?.state === 'invalid') return <ConfigProblemScreen pos={pos} config={status.config} />;

  return (
    <>
      {status && session && unlocked && (
        <div className="session-bar" role="region" aria-label={t('session.label')} data-testid="session-bar">
          <span className="session-who" data-testid="session-who">
            {t('session.signedInAs', { name: session.displayName, ref: session.operatorRef })} ·{' '}
            {t(`session.role.${session.role}`)}
          </span>
          <span className="session-actions">
            <button
              type="button"
              className="button link"
              onClick={() => setAdminOpen(true)}
              aria-pressed={adminOpen}
              data-testid="session-settings"
            >
              {t('session.settings')}
            </button>
            <button
              type="button"
              className="button link"
              onClick={() => void pos.session.lock({})}
              data-testid="session-lock"
            >
              {t('session.lock')}
            </button>
            <button
              type="button"
              className="button link"
              onClick={() => void pos.session.signOut({})}
              data-testid="session-sign-out"
            >
              {t('session.signOut')}
            </button>
          </span>
        </div>
      )}
      {status && !unlocked && <SignInScreen pos={pos} status={status} />}
      {status && unlocked && adminOpen && <AdminScreen pos={pos} status={status} onClose={() => setAdminOpen(false)} />}
      <div className="gate-content" hidden={!unlocked || adminOpen}>
        {children}
      </div>
    </>
  );
}
