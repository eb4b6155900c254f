import { useEffect, useRef } from 'react';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ConfigSection } from './ConfigSection.tsx';
import { ConnectionSection } from './ConnectionSection.tsx';
import { DatabaseSection } from './DatabaseSection.tsx';
import { ExportsSection } from './ExportsSection.tsx';
import { ManagerPinForm } from './ManagerPinForm.tsx';
import { OperatorsSection } from './OperatorsSection.tsx';
import './admin.css';

// The till's settings, behind a manager PIN: the store configuration (read-only: it is store IT's file),
// the SeQura connection (credentials, test, go live), operators, and the audit and diagnostics exports.
// The PIN opens the settings in the core for a few minutes; nothing here keeps it.
export function AdminScreen({ pos, status, onClose }: { pos: PosApi; status: TillStatus; onClose: () => void }) {
  const { t } = useI18n();
  const session = status.session ?? null;
  const heading = useRef<HTMLHeadingElement>(null);
  // Once open, the heading has the focus (the page changed); before that the PIN form focuses its own field.
  useEffect(() => {
    if (session?.elevated) heading.current?.focus();
  }, [session?.elevated]);

  const close = () => {
    // Leaving the settings closes them in the core too: the next visit asks for the PIN again.
    void pos.session.endElevation({});
    onClose();
  };

  return (
    <section
      className="panel admin"
      aria-labelledby="admin-heading"
      data-testid="admin-screen"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !(e.target instanceof HTMLInputElement)) close();
      }}
    >
      <header className="admin-header">
        <h1 id="admin-heading" ref={heading} tabIndex={-1}>
          {t('admin.title')}
        </h1>
        <button type="button" className="button secondary" onClick={close} data-testid="admin-close">
          {t('admin.close')}
        </button>
      </header>
      {!session?.elevated ? (
        <ManagerPinForm
          id="admin-elevate"
          title={t('admin.elevateTitle')}
          body={t('admin.elevateBody')}
          submitLabel={t('admin.elevateSubmit')}
          onSubmit={(managerPin) => pos.session.elevate({ managerPin })}
        />
      ) : (
        <div className="admin-sections">
          <ConfigSection pos={pos} status={status} />
          <ConnectionSection pos={pos} status={status} />
          <OperatorsSection pos={pos} status={status} />
          <ExportsSection pos={pos} auditChain={status.setup?.auditChain} />
          <DatabaseSection pos={pos} />
        </div>
      )}
    </section>
  );
}
