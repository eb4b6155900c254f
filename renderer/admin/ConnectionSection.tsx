import { useState, type FormEvent } from 'react';
import type { ConnectionTestResult } from '../../shared/ipc/admin-schemas.ts';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import type { IpcError } from '../../shared/ipc/result.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ManagerPinForm } from './ManagerPinForm.tsx';
import { pinErrorText } from './pin-errors.ts';

// SeQura credentials: typed once here (or enrolled from store IT's one-time file), tested with
// `GET /merchants/credentials`, and stored — encrypted by the OS, in main — only when the test passes and a
// real manager's PIN confirms. They are never read back: the screen only ever learns "stored: yes/no".
// Saving switches the till to live without an app restart.
export function ConnectionSection({ pos, status }: { pos: PosApi; status: TillStatus }) {
  const i18n = useI18n();
  const { t, formatDateTime } = i18n;
  const setup = status.setup;
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [test, setTest] = useState<ConnectionTestResult | null>(null);
  const [busy, setBusy] = useState<'test' | 'enrol' | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const typed = username.trim() !== '' && password !== '';
  // A result belongs to the credentials that were tested: any edit makes it stale.
  const edit = (apply: () => void) => {
    apply();
    setTest(null);
    setMessage(null);
  };

  const runTest = async (event: FormEvent) => {
    event.preventDefault();
    setBusy('test');
    setError(null);
    setMessage(null);
    const result = await pos.admin.testConnection(
      typed ? { credentials: { username: username.trim(), password } } : {},
    );
    setBusy(null);
    if (result.ok) setTest(result.data);
    else setError(result.error);
  };

  const enrolNow = async () => {
    setBusy('enrol');
    setError(null);
    const result = await pos.admin.enrolFromFile({});
    setBusy(null);
    if (!result.ok) setError(result.error);
    else if (!result.data.enrolment) setMessage(t('admin.enrol.noFile'));
  };

  const merchant = test?.merchantId ?? '—';
  const live = status.mode === 'live';
  const enrolment = setup?.enrolment ?? null;

  return (
    <section className="admin-section" aria-labelledby="admin-sequra-heading" data-testid="admin-sequra">
      <h2 id="admin-sequra-heading">{t('admin.sequra.title')}</h2>
      <dl className="facts compact">
        <div className="fact">
          <dt>{t('admin.sequra.mode')}</dt>
          <dd data-testid="admin-mode">{live ? t('mode.live') : t('mode.training')}</dd>
        </div>
        <div className="fact">
          <dt>{t('admin.sequra.credentials')}</dt>
          <dd data-testid="admin-credentials-state">
            {setup?.credentialsStored ? t('admin.sequra.stored') : t('admin.sequra.notStored')}
          </dd>
        </div>
      </dl>
      {setup?.liveBlockedReason && (
        <p className="notice notice-warn">{t(`admin.sequra.blocked.${setup.liveBlockedReason}`)}</p>
      )}

      {/* Without a valid configuration there is no SeQura host or merchant to test against. */}
      {status.config?.state === 'ok' && (
        <form className="credentials-form" onSubmit={(e) => void runTest(e)} noValidate>
          <div className="field-row two">
            <div className="field">
              <label htmlFor="admin-username">{t('admin.sequra.username')}</label>
              <input
                id="admin-username"
                value={username}
                onChange={(e) => edit(() => setUsername(e.target.value.slice(0, 200)))}
                autoComplete="off"
                spellCheck={false}
                data-testid="admin-username"
              />
            </div>
            <div className="field">
              <label htmlFor="admin-password">{t('admin.sequra.password')}</label>
              <input
                id="admin-password"
                type="password"
                value={password}
                onChange={(e) => edit(() => setPassword(e.target.value.slice(0, 500)))}
                autoComplete="off"
                data-testid="admin-password"
              />
            </div>
          </div>
          <div className="actions">
            <button
              type="submit"
              className="button secondary"
              disabled={busy !== null || (!typed && !setup?.credentialsStored)}
              data-testid="admin-test"
            >
              {busy === 'test'
                ? t('admin.working')
                : typed || !setup?.credentialsStored
                  ? t('admin.sequra.test')
                  : t('admin.sequra.testStored')}
            </button>
          </div>
        </form>
      )}

      {test && (
        <div
          className={`notice ${test.ok ? 'notice-ok' : 'notice-danger'}`}
          role="status"
          data-testid="admin-test-result"
        >
          <p className="notice-title">
            {test.ok ? t('admin.sequra.testOk', { merchant }) : t('admin.sequra.testFailed')}
          </p>
          {test.problem && <p>{t(`admin.sequra.problem.${test.problem}`, { merchant })}</p>}
          {test.detail && (
            <p className="notice-detail">
              <code>{test.detail}</code>
            </p>
          )}
          {test.merchants.length > 0 && (
            <table className="admin-table" data-testid="admin-merchants">
              <caption>{t('admin.sequra.merchants')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.sequra.merchantRef')}</th>
                  <th scope="col">{t('admin.sequra.merchantName')}</th>
                  <th scope="col">{t('admin.sequra.country')}</th>
                </tr>
              </thead>
              <tbody>
                {test.merchants.map((m) => (
                  <tr key={m.ref} className={m.ref === test.merchantId ? 'is-configured' : undefined}>
                    <td>
                      <code>{m.ref}</code>
                      {m.ref === test.merchantId && <span className="tag">{t('admin.sequra.configured')}</span>}
                    </td>
                    <td>{m.name ?? '—'}</td>
                    <td>{[m.country, ...m.allowedCountries.filter((c) => c !== m.country)].join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}

      {typed && test?.ok && (
        <ManagerPinForm
          id="admin-go-live"
          title={t('admin.sequra.confirmTitle')}
          submitLabel={live ? t('admin.sequra.replace') : t('admin.sequra.goLive')}
          onSubmit={async (managerPin) => {
            const result = await pos.admin.saveCredentials({
              credentials: { username: username.trim(), password },
              managerPin,
            });
            if (result.ok) {
              setTest(result.data.test);
              if (result.data.restarting) {
                setUsername('');
                setPassword('');
                setTest(null);
                setMessage(t('admin.sequra.saved'));
              }
            }
            return result;
          }}
        />
      )}
      {typed && !test?.ok && <p className="field-hint">{t('admin.sequra.testFirst')}</p>}
      {message && (
        <p className="notice notice-ok" role="status" data-testid="admin-sequra-message">
          {message}
        </p>
      )}
      {error && (
        <p className="field-error" role="alert">
          {pinErrorText(error, i18n)}
        </p>
      )}

      {setup?.credentialsStored && (
        <details className="admin-danger">
          <summary>{t('admin.sequra.remove')}</summary>
          <ManagerPinForm
            id="admin-remove-credentials"
            title={t('admin.sequra.remove')}
            submitLabel={t('admin.sequra.remove')}
            autoFocus={false}
            onSubmit={async (managerPin) => {
              const result = await pos.admin.removeCredentials({ managerPin });
              if (result.ok) setMessage(t('admin.sequra.removed'));
              return result;
            }}
          />
        </details>
      )}

      <h3>{t('admin.enrol.title')}</h3>
      {setup?.enrolmentFilePath ? (
        <>
          <p>
            {t('admin.enrol.body')} <code data-testid="admin-enrol-path">{setup.enrolmentFilePath}</code>
          </p>
          {enrolment && (
            <p data-testid="admin-enrol-last">
              {t('admin.enrol.last', { time: formatDateTime(enrolment.at) })}{' '}
              <strong>{t(`admin.enrol.outcome.${enrolment.outcome}`)}</strong>.{' '}
              {enrolment.fileDeleted ? t('admin.enrol.deleted') : t('admin.enrol.kept')}
              {enrolment.detail && (
                <>
                  {' '}
                  <code>{enrolment.detail}</code>
                </>
              )}
            </p>
          )}
          <div className="actions">
            <button type="button" className="button secondary" onClick={() => void enrolNow()} disabled={busy !== null}>
              {busy === 'enrol' ? t('admin.working') : t('admin.enrol.now')}
            </button>
          </div>
        </>
      ) : (
        <p>{t('admin.enrol.none')}</p>
      )}
    </section>
  );
}
