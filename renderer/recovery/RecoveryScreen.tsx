import type { RecoveryFile, RecoveryNotice } from '../../shared/ipc/status-schemas.ts';
import { useI18n, type Translate } from '../i18n/i18n.tsx';

// Shown when store files were set aside at start (corrupt, or written by a newer version): says what
// happened to each, what it means for the till, and that nothing was deleted. It stays until someone
// acknowledges it (the notice is rebuilt from the files on disk, so a restart does not hide it).
function fileLabel(t: Translate, name: string): string {
  const month = /^history-(\d{4}-\d{2})$/.exec(name)?.[1];
  if (month) return t('recovery.file.history', { month });
  if (name === 'journal' || name === 'outbox' || name === 'settings') return t(`recovery.file.${name}`);
  return t('recovery.file.other', { name });
}

function effectKey(name: string): `recovery.effect.${'history' | 'journal' | 'outbox' | 'settings'}` | null {
  if (name.startsWith('history-')) return 'recovery.effect.history';
  if (name === 'journal' || name === 'outbox' || name === 'settings') return `recovery.effect.${name}`;
  return null;
}

function RecoveryItem({ file }: { file: RecoveryFile }) {
  const { t, formatDateTime } = useI18n();
  const effect = effectKey(file.name);
  return (
    <li className="notice notice-warn" data-testid={`recovery-file-${file.name}`}>
      <p className="notice-title">{fileLabel(t, file.name)}</p>
      <p>{t(`recovery.reason.${file.reason}`)}</p>
      {effect && file.reason === 'corrupt' && <p>{t(effect)}</p>}
      <dl className="facts">
        <div className="fact">
          <dt>{t('recovery.savedAs')}</dt>
          <dd data-testid="recovery-path">{file.setAsidePath}</dd>
        </div>
        <div className="fact">
          <dt>{t('recovery.when')}</dt>
          <dd>{formatDateTime(file.at)}</dd>
        </div>
        {file.detail && (
          <div className="fact">
            <dt>{t('recovery.detail')}</dt>
            <dd>{file.detail}</dd>
          </div>
        )}
      </dl>
    </li>
  );
}

export function RecoveryScreen({ notice, onAcknowledge }: { notice: RecoveryNotice; onAcknowledge: () => void }) {
  const { t } = useI18n();
  return (
    <section
      className="panel sale-step tone-danger"
      role="alert"
      aria-labelledby="recovery-heading"
      data-testid="recovery-screen"
    >
      <h1 id="recovery-heading">{t('recovery.heading')}</h1>
      <p className="lead">{t('recovery.lead')}</p>
      <ul className="recovery-files">
        {notice.files.map((file) => (
          <RecoveryItem key={file.setAsidePath} file={file} />
        ))}
      </ul>
      <p>{t('recovery.whatToDo')}</p>
      <div className="actions">
        <button type="button" className="button primary" onClick={onAcknowledge} data-testid="recovery-acknowledge">
          {t('recovery.acknowledge')}
        </button>
      </div>
    </section>
  );
}
