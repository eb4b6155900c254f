import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { OperatorRole, OperatorView } from '../../shared/ipc/admin-schemas.ts';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import type { IpcError, IpcResult } from '../../shared/ipc/result.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { pinErrorText, pinInput } from './pin-errors.ts';

// Cashiers and managers of this till: add, change a PIN, disable (never delete: the audit log keeps
// referring to them). Only a real manager manages operators; the training manager sees why not.
export function OperatorsSection({ pos, status }: { pos: PosApi; status: TillStatus }) {
  const i18n = useI18n();
  const { t } = i18n;
  const real = !!status.session?.elevatedByRealManager;
  const [operators, setOperators] = useState<OperatorView[] | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [pinFor, setPinFor] = useState<string | null>(null);
  const [newPin, setNewPin] = useState('');
  const [form, setForm] = useState({ id: '', displayName: '', role: 'cashier' as OperatorRole, pin: '' });

  const apply = useCallback((result: IpcResult<{ operators: OperatorView[] }>, success?: string) => {
    if (result.ok) {
      setOperators(result.data.operators);
      setError(null);
      if (success) setMessage(success);
      return true;
    }
    setError(result.error);
    setMessage(null);
    return false;
  }, []);

  useEffect(() => {
    if (real) void pos.operators.list({}).then((r) => apply(r));
  }, [pos, real, apply]);

  if (!real) {
    return (
      <section className="admin-section" aria-labelledby="admin-operators-heading" data-testid="admin-operators">
        <h2 id="admin-operators-heading">{t('admin.operators.title')}</h2>
        <p>{t('admin.operators.realOnly')}</p>
      </section>
    );
  }

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const id = form.id.trim();
    if (
      apply(
        await pos.operators.create({ ...form, id, displayName: form.displayName.trim() }),
        t('admin.operators.added', { id }),
      )
    ) {
      setForm({ id: '', displayName: '', role: 'cashier', pin: '' });
    }
  };
  const savePin = async (event: FormEvent, id: string) => {
    event.preventDefault();
    if (apply(await pos.operators.setPin({ id, pin: newPin }), t('admin.operators.pinChanged', { id })))
      setPinFor(null);
    setNewPin('');
  };

  return (
    <section className="admin-section" aria-labelledby="admin-operators-heading" data-testid="admin-operators">
      <h2 id="admin-operators-heading">{t('admin.operators.title')}</h2>
      {operators && operators.length === 0 && <p>{t('admin.operators.none')}</p>}
      {operators && operators.length > 0 && (
        <table className="admin-table" data-testid="admin-operators-table">
          <thead>
            <tr>
              <th scope="col">{t('admin.operators.id')}</th>
              <th scope="col">{t('admin.operators.name')}</th>
              <th scope="col">{t('admin.operators.role')}</th>
              <th scope="col">{t('admin.operators.state')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.operators.setPin')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {operators.map((o) => (
              <tr key={o.id} className={o.disabled ? 'is-disabled' : undefined}>
                <td>
                  <code>{o.id}</code>
                </td>
                <td>{o.displayName}</td>
                <td>{t(`session.role.${o.role}`)}</td>
                <td>{o.disabled ? t('admin.operators.disabled') : t('admin.operators.active')}</td>
                <td className="row-action">
                  {pinFor === o.id ? (
                    <form className="inline-pin" onSubmit={(e) => void savePin(e, o.id)}>
                      <label className="visually-hidden" htmlFor={`pin-${o.id}`}>
                        {t('admin.operators.newPin')}
                      </label>
                      <input
                        id={`pin-${o.id}`}
                        type="password"
                        inputMode="numeric"
                        autoComplete="off"
                        className="pin-input"
                        value={newPin}
                        onChange={(e) => setNewPin(pinInput(e.target.value))}
                        autoFocus
                      />
                      <button type="submit" className="button secondary" disabled={newPin.length < 4}>
                        {t('admin.operators.setPin')}
                      </button>
                    </form>
                  ) : (
                    <button type="button" className="button link" onClick={() => setPinFor(o.id)}>
                      {t('admin.operators.setPin')}
                    </button>
                  )}
                  <button
                    type="button"
                    className="button link"
                    onClick={() =>
                      void pos.operators.setDisabled({ id: o.id, disabled: !o.disabled }).then((r) => apply(r))
                    }
                  >
                    {o.disabled ? t('admin.operators.enable') : t('admin.operators.disable')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <form className="operator-form" onSubmit={(e) => void add(e)} noValidate aria-labelledby="admin-operators-add">
        <h3 id="admin-operators-add">{t('admin.operators.add')}</h3>
        <div className="field-row four">
          <div className="field">
            <label htmlFor="op-id">{t('admin.operators.id')}</label>
            <input
              id="op-id"
              value={form.id}
              onChange={(e) => setForm({ ...form, id: e.target.value.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 16) })}
              autoComplete="off"
            />
          </div>
          <div className="field">
            <label htmlFor="op-name">{t('admin.operators.name')}</label>
            <input
              id="op-name"
              value={form.displayName}
              onChange={(e) => setForm({ ...form, displayName: e.target.value.slice(0, 60) })}
              autoComplete="off"
            />
          </div>
          <div className="field">
            <label htmlFor="op-role">{t('admin.operators.role')}</label>
            <select
              id="op-role"
              value={form.role}
              onChange={(e) => setForm({ ...form, role: e.target.value as OperatorRole })}
            >
              <option value="cashier">{t('session.role.cashier')}</option>
              <option value="manager">{t('session.role.manager')}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="op-pin">{t('admin.operators.pin')}</label>
            <input
              id="op-pin"
              type="password"
              inputMode="numeric"
              autoComplete="off"
              className="pin-input"
              value={form.pin}
              onChange={(e) => setForm({ ...form, pin: pinInput(e.target.value) })}
            />
          </div>
        </div>
        <div className="actions">
          <button
            type="submit"
            className="button secondary"
            disabled={!form.id.trim() || !form.displayName.trim() || form.pin.length < 4}
          >
            {t('admin.operators.add')}
          </button>
        </div>
      </form>
      {message && (
        <p className="notice notice-ok" role="status">
          {message}
        </p>
      )}
      {error && (
        <p className="field-error" role="alert">
          {pinErrorText(error, i18n)}
        </p>
      )}
    </section>
  );
}
