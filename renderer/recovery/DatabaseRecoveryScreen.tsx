import { useEffect, useRef } from 'react';
import type { DatabaseNotice } from '../../shared/ipc/status-schemas.ts';
import { useI18n } from '../i18n/i18n.tsx';

// Shown instead of every other screen when the till database was damaged or missing at start: the till does
// not sell (the core refuses everything else), says what happened and where the damaged files are, and tells
// the cashier to call IT and IT what its two ways back are (docs/it-guide.md, "Database damaged or missing").
export function DatabaseRecoveryScreen({ notice }: { notice: DatabaseNotice }) {
  const { t, formatDateTime } = useI18n();
  // The keyboard (and a screen reader) starts on what happened, not on the bare page: on a fresh start, and
  // when this screen replaces the sign-in screen whose field had the focus.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section
      className="panel sale-step tone-danger database-recovery"
      role="alert"
      aria-labelledby="database-recovery-heading"
      data-testid="database-recovery-screen"
      data-kind={notice.kind}
    >
      <h1 id="database-recovery-heading" ref={heading} tabIndex={-1}>
        {t(`database.heading.${notice.kind}`)}
      </h1>
      <p className="lead">{t(`database.lead.${notice.kind}`)}</p>
      <p className="notice notice-warn" data-testid="database-cashier">
        {t('database.cashier')}
      </p>
      <dl className="facts">
        {notice.keptAt && (
          <div className="fact">
            <dt>{t('database.keptAt')}</dt>
            <dd data-testid="database-kept-at">{notice.keptAt}</dd>
          </div>
        )}
        <div className="fact">
          <dt>{t('database.at')}</dt>
          <dd>{formatDateTime(notice.at)}</dd>
        </div>
        {notice.lastTicket && (
          <div className="fact">
            <dt>{t('database.lastTicket')}</dt>
            <dd data-testid="database-last-ticket">{notice.lastTicket}</dd>
          </div>
        )}
        {notice.detail && (
          <div className="fact">
            <dt>{t('database.detail')}</dt>
            <dd>{notice.detail}</dd>
          </div>
        )}
      </dl>
      <h2>{t('database.itHeading')}</h2>
      <ol>
        <li>{t('database.itRestore')}</li>
        <li>{t('database.itNew', { file: notice.permissionFile ?? 'start-new-database.txt' })}</li>
      </ol>
    </section>
  );
}
