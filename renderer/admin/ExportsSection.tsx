import { useState } from 'react';
import type { AuditChain } from '../../shared/ipc/admin-schemas.ts';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import type { IpcError } from '../../shared/ipc/result.ts';
import { useI18n } from '../i18n/i18n.tsx';

// Audit log and diagnostics, each written by main to one file in the till's exports folder (the renderer
// never touches the disk); the path is shown so store IT can pick the file up. The audit log's tamper check
// (as of the start or the last export) is always shown here.
export function ExportsSection({ pos, auditChain }: { pos: PosApi; auditChain: AuditChain | undefined }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState<'audit' | 'diagnostics' | null>(null);
  const [saved, setSaved] = useState<{ audit?: string; diagnostics?: string }>({});
  const [error, setError] = useState<IpcError | null>(null);

  const run = async (kind: 'audit' | 'diagnostics') => {
    setBusy(kind);
    setError(null);
    const result = kind === 'audit' ? await pos.audit.export({}) : await pos.diagnostics.export({});
    setBusy(null);
    if (result.ok) setSaved((s) => ({ ...s, [kind]: result.data.path }));
    else setError(result.error);
  };

  return (
    <section className="admin-section" aria-labelledby="admin-exports-heading" data-testid="admin-exports">
      <h2 id="admin-exports-heading">{t('admin.exports.title')}</h2>
      <p className="field-hint">{t('admin.exports.body')}</p>
      {auditChain && <AuditChainNotice chain={auditChain} />}
      <div className="actions">
        <button
          type="button"
          className="button secondary"
          onClick={() => void run('audit')}
          disabled={busy !== null}
          data-testid="admin-export-audit"
        >
          {busy === 'audit' ? t('admin.working') : t('admin.exports.audit')}
        </button>
        <button
          type="button"
          className="button secondary"
          onClick={() => void run('diagnostics')}
          disabled={busy !== null}
          data-testid="admin-export-diagnostics"
        >
          {busy === 'diagnostics' ? t('admin.working') : t('admin.exports.diagnostics')}
        </button>
      </div>
      {saved.audit && (
        <p className="notice notice-ok" role="status" data-testid="admin-export-audit-path">
          {t('admin.exports.saved', { path: saved.audit })}
        </p>
      )}
      {saved.diagnostics && (
        <p className="notice notice-ok" role="status" data-testid="admin-export-diagnostics-path">
          {t('admin.exports.saved', { path: saved.diagnostics })}
        </p>
      )}
      {error && (
        <p className="field-error" role="alert">
          {t('error.generic', { message: error.message })}
        </p>
      )}
    </section>
  );
}

function AuditChainNotice({ chain }: { chain: AuditChain }) {
  const { t } = useI18n();
  if (chain.state === 'broken')
    return (
      <p className="notice notice-warn" role="alert" data-testid="admin-audit-chain">
        {t('admin.exports.chain.broken', {
          problem: t(`admin.exports.problem.${chain.problem ?? 'broken_link'}`),
          seq: chain.brokenAtSeq ?? '—',
        })}
      </p>
    );
  if (chain.state === 'unverifiable')
    return (
      <p className="notice notice-warn" data-testid="admin-audit-chain">
        {t('admin.exports.chain.unverifiable', { count: chain.unverifiable })}
      </p>
    );
  return (
    <p className="notice notice-ok" data-testid="admin-audit-chain">
      {t('admin.exports.chain.ok', { entries: chain.entries })}
    </p>
  );
}
