import { useCallback, useEffect, useRef, useState } from 'react';
import type { Connectivity, Language, TillStatus } from '../../shared/ipc/status-schemas.ts';
import { I18nProvider, makeI18n } from '../i18n/i18n.tsx';
import { TillGate } from '../admin/TillGate.tsx';
import { TrainingPhoneLink } from '../admin/TrainingPhoneLink.tsx';
import { HistoryScreen } from '../history/HistoryScreen.tsx';
import { PendingScreen } from '../pending/PendingScreen.tsx';
import { ReportScreen } from '../report/ReportScreen.tsx';
import { RecoveryScreen } from '../recovery/RecoveryScreen.tsx';
import { SaleScreen } from '../sale/SaleScreen.tsx';
import { useSale } from '../sale/useSale.ts';
import { StatusScreen } from '../status/StatusScreen.tsx';
import { TopBar, type Screen } from './TopBar.tsx';
import { usePos, usePosEvent } from './usePos.ts';

export function App() {
  const { pos, bridge } = usePos();
  const [status, setStatus] = useState<TillStatus | null>(null);
  const [screen, setScreen] = useState<Screen>('sale');
  // The sale lives at the top, not in its screen: looking at the pending list or the status never loses
  // what the cashier was doing, and step changes are announced whichever screen is showing.
  const sale = useSale(pos, bridge);
  const language: Language = status?.language ?? 'es';

  useEffect(() => {
    if (bridge !== 'open') return;
    void pos.app.getStatus({}).then((result) => result.ok && setStatus(result.data));
  }, [pos, bridge]);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  // The print stylesheet lays slips out for the receipt printer's roll (58 or 80 mm).
  // Until main's status arrives nothing is printed; the stylesheet's own layout is the 80 mm roll.
  const paperWidthMm = status?.policy.receipt.paperWidthMm;
  useEffect(() => {
    if (paperWidthMm === undefined) delete document.documentElement.dataset.paper;
    else document.documentElement.dataset.paper = String(paperWidthMm);
  }, [paperWidthMm]);

  usePosEvent(
    pos,
    'status.changed',
    useCallback((next: TillStatus) => setStatus(next), []),
  );
  usePosEvent(
    pos,
    'connectivity.changed',
    useCallback((connectivity: Connectivity) => setStatus((s) => (s ? { ...s, connectivity } : s)), []),
  );

  const changeLanguage = (next: Language) => {
    void pos.app.setLanguage({ language: next }).then((result) => result.ok && setStatus(result.data));
  };

  const { t } = makeI18n(language);

  // One polite live region for the whole app: each step change of the sale is read out once, so a cashier
  // who is looking at the shopper rather than the screen still hears "SMS sent", "Sale confirmed"…
  const [announcement, setAnnouncement] = useState('');
  const announced = useRef<string | null>(null);
  const step = sale.sale?.step ?? null;
  const stage = sale.sale?.step === 'draft' ? sale.sale.draftStage : null;
  useEffect(() => {
    if (!step) return;
    const key = `${step}:${stage ?? ''}`;
    if (announced.current === key) return;
    announced.current = key;
    setAnnouncement(stage ? t(`sale.announce.draft.${stage}`) : t(`sale.announce.${step}`));
  }, [step, stage, t]);

  return (
    <I18nProvider language={language}>
      <div className={`app ${status?.mode === 'training' ? 'is-training' : ''}`}>
        {/* The first thing a keyboard reaches: straight to the screen, past the banner and the navigation. */}
        <a className="skip-link" href="#main-content" data-testid="skip-link">
          {t('app.skipToContent')}
        </a>
        {status?.mode === 'training' && (
          // A landmark of its own, so a screen reader's landmark list says the till is in training.
          <aside className="training-banner" aria-label={t('mode.training')} data-testid="training-banner">
            {t('mode.trainingBanner')}
            <TrainingPhoneLink status={status} sale={sale.sale} />
          </aside>
        )}
        <TopBar
          status={status}
          onLanguage={changeLanguage}
          screen={screen}
          onScreen={setScreen}
          // Neither on a page the till will never answer, nor on the database recovery screen, nor on the
          // configuration-problem screen: no screen behind the navigation opens until store IT has fixed it.
          showNavigation={
            bridge !== 'refused' && bridge !== 'no_token' && !status?.database && status?.config?.state !== 'invalid'
          }
        />
        {bridge !== 'open' && (
          <div className="bridge-notice" role="status" data-testid="bridge-notice" data-bridge={bridge}>
            {bridge === 'no_token'
              ? t('app.bridgeNoToken')
              : bridge === 'refused'
                ? t('app.bridgeRefused')
                : bridge === 'lost'
                  ? t('app.bridgeLost')
                  : t('app.loading')}
          </div>
        )}
        <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="announcer">
          {announcement}
        </div>
        {/* A page the till will never answer shows only why, not screens that would wait forever. */}
        <main
          className="content"
          id="main-content"
          tabIndex={-1}
          hidden={bridge === 'refused' || bridge === 'no_token'}
        >
          {/* Configuration problems, sign-in/lock and settings in front of every screen. */}
          <TillGate pos={pos} status={status} bridge={bridge}>
            {status?.recovery && (
              <RecoveryScreen
                notice={status.recovery}
                onAcknowledge={() =>
                  void pos.app.acknowledgeRecovery({}).then((result) => result.ok && setStatus(result.data))
                }
              />
            )}
            {/* Kept mounted while hidden: the cashier's half-typed draft and the timers survive a look elsewhere. */}
            <SaleScreen controller={sale} status={status} visible={screen === 'sale'} />
            {screen === 'pending' && <PendingScreen pos={pos} bridge={bridge} />}
            {screen === 'history' && <HistoryScreen pos={pos} bridge={bridge} />}
            {screen === 'report' && <ReportScreen pos={pos} bridge={bridge} />}
            {screen === 'status' &&
              (status ? (
                <StatusScreen status={status} onCheckNow={() => void pos.connectivity.checkNow({})} />
              ) : (
                <p className="loading">{t('app.loading')}</p>
              ))}
          </TillGate>
        </main>
      </div>
    </I18nProvider>
  );
}
