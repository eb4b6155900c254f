import { useEffect, useRef, useState } from 'react';
import type { ConfigStatus } from '../../shared/ipc/admin-schemas.ts';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import { ManagerPinForm } from '../admin/ManagerPinForm.tsx';
import { useI18n } from '../i18n/i18n.tsx';

// A machine configuration file that does not validate never crashes the till and never turns it silently
// into a training till: this screen names each bad key and what is wrong with it, selling stays off, and
// "Check again" re-reads the file once store IT has fixed it (no restart). Store IT often reads this over the
// phone, so keys and file path are shown exactly as they are written in the file.
export function ConfigProblemScreen({ pos, config }: { pos: PosApi; config: ConfigStatus }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState<'recheck' | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const recheck = async () => {
    setBusy('recheck');
    await pos.admin.reloadConfig({});
    // The core restarts and pushes a new status: a fixed file makes this screen go away by itself.
    setBusy(null);
  };
  // Support's bundle needs a manager; nobody can sign in on this screen, so a manager's PIN opens it.
  const diagnostics = async (managerPin: string) => {
    const result = await pos.diagnostics.export({ managerPin });
    if (result.ok) setSaved(result.data.path);
    return result;
  };
  const keyLabel = (key: string) =>
    key === '(file)' ? t('configProblem.fileLevel') : key === '(root)' ? t('configProblem.rootLevel') : key;

  return (
    <section
      className="panel config-problem"
      role="alert"
      aria-labelledby="config-problem-heading"
      data-testid="config-problem-screen"
    >
      <h1 id="config-problem-heading" ref={heading} tabIndex={-1}>
        {t('configProblem.title')}
      </h1>
      <p className="lead">{t('configProblem.body')}</p>
      <p>
        {t('configProblem.file')} <code data-testid="config-problem-path">{config.path}</code>
      </p>
      <table className="config-problems" data-testid="config-problems">
        <thead>
          <tr>
            <th scope="col">{t('configProblem.key')}</th>
            <th scope="col">{t('configProblem.problem')}</th>
          </tr>
        </thead>
        <tbody>
          {config.problems.map((p, index) => (
            <tr key={`${p.key}-${index}`} data-testid="config-problem-row">
              <td>
                <code>{keyLabel(p.key)}</code>
              </td>
              <td>{p.problem}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="field-hint">{t('configProblem.help')}</p>
      <div className="actions">
        <button
          type="button"
          className="button primary"
          onClick={() => void recheck()}
          disabled={busy !== null}
          data-testid="config-problem-recheck"
        >
          {busy === 'recheck' ? t('admin.working') : t('configProblem.recheck')}
        </button>
      </div>
      <ManagerPinForm
        id="config-problem-diagnostics"
        title={t('configProblem.diagnostics')}
        submitLabel={t('configProblem.diagnostics')}
        onSubmit={diagnostics}
        autoFocus={false}
      />
      {saved && (
        <p className="notice notice-ok" role="status">
          {t('admin.exports.saved', { path: saved })}
        </p>
      )}
    </section>
  );
}
