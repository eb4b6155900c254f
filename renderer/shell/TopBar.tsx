import type { Language, TillStatus } from '../../shared/ipc/status-schemas.ts';
import { LANGUAGES, LANGUAGE_NAMES } from '../../shared/i18n/languages.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ConnectivityPill } from './ConnectivityPill.tsx';

export type Screen = 'sale' | 'pending' | 'history' | 'report' | 'status';
const SCREENS: readonly Screen[] = ['sale', 'pending', 'history', 'report', 'status'];

export function TopBar({
  status,
  onLanguage,
  screen,
  onScreen,
  showNavigation,
}: {
  status: TillStatus | null;
  onLanguage: (language: Language) => void;
  screen: Screen;
  onScreen: (screen: Screen) => void;
  /** False where no screen behind it can open (a page the till will never answer, the database recovery
   * screen): no buttons that lead nowhere. */
  showNavigation: boolean;
}) {
  const { t, language } = useI18n();
  const pendingCount = status?.connectivity.pendingCount ?? 0;
  return (
    <header className="topbar">
      <div className="topbar-title">
        <span className="brand">{t('app.title')}</span>
        {status && (
          <span className="topbar-where">
            {t('status.store')} {status.storeRef} · {t('status.till')} {status.tillId}
          </span>
        )}
      </div>
      <nav aria-label={t('nav.label')} hidden={!showNavigation}>
        {SCREENS.map((target) => (
          <button
            key={target}
            type="button"
            aria-current={screen === target ? 'page' : undefined}
            onClick={() => onScreen(target)}
            data-testid={`nav-${target}`}
          >
            {t(`nav.${target}`)}
            {target === 'pending' && pendingCount > 0 && (
              <span className="nav-badge" data-testid="nav-pending-count">
                {pendingCount}
              </span>
            )}
          </button>
        ))}
      </nav>
      <div className="topbar-right">
        {status && <ConnectivityPill connectivity={status.connectivity} />}
        <label className="lang-switch">
          <span className="visually-hidden">{t('lang.label')}</span>
          <select
            aria-label={t('lang.label')}
            value={language}
            onChange={(e) => onLanguage(e.target.value as Language)}
          >
            {LANGUAGES.map((code) => (
              <option key={code} value={code} lang={code}>
                {LANGUAGE_NAMES[code]}
              </option>
            ))}
          </select>
        </label>
      </div>
    </header>
  );
}
