import { useCallback, useEffect, useRef, useState } from 'react';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import type { IpcError, IpcResult } from '../../shared/ipc/result.ts';
import { canLeaveForNextSale } from '../../shared/sale/sale-machine.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import type { BridgeState } from '../bridge/pos-client.ts';
import { usePosEvent } from '../shell/usePos.ts';
import { ACTION_TIMEOUT_MS, tillNotAnswering, withTimeout } from './till-calls.ts';

// The renderer's view of the current sale. Main owns the sale: this hook only mirrors the record main sends
// (answers and `sale.changed` events) and runs the cashier's actions. It keeps no sale state of its own, so
// after a crash, a reload or a preview-host restart the screen is whatever main says the sale is.

export type SaleActionName =
  | 'create'
  | 'start'
  | 'sendSms'
  | 'resendSms'
  | 'confirm'
  | 'markRejected'
  | 'cancel'
  | 'restart'
  | 'newSale'
  | 'retryNow';

export interface SaleController {
  pos: PosApi;
  bridge: BridgeState;
  /** The current sale, or null when the till has none (ready for a new one). */
  sale: SaleRecord | null;
  /** False until main has answered `sale.current` once. */
  loaded: boolean;
  /** The action in flight: its button shows it and every action is refused until it ends (no double presses). */
  busy: SaleActionName | null;
  /** The last action's failure, shown next to the buttons of the step it happened on. */
  error: IpcError | null;
  clearError(): void;
  /** Takes a record main sent in another answer (e.g. `saveDraft`). */
  accept(record: SaleRecord): void;
  create(): Promise<void>;
  start(): Promise<IpcResult<SaleRecord> | null>;
  sendSms(product: string, campaign: string | null): Promise<void>;
  resendSms(): Promise<void>;
  confirm(): Promise<void>;
  markRejected(): Promise<void>;
  cancel(): Promise<void>;
  restart(): Promise<void>;
  /** From a step the cashier may leave (see `canLeaveForNextSale`): close it and open a fresh sale in one press. */
  newSale(): Promise<void>;
  /** Asks main to retry this sale's queued instructions now instead of at their next scheduled attempt. */
  retryPendingNow(): Promise<void>;
}

const LOAD_RETRY_MS = 3000;

/** Newer wins: answers and events can cross on the wire, and an older copy must never move the screen back. */
function isNewerOrSame(next: SaleRecord, current: SaleRecord): boolean {
  return next.updatedAt >= current.updatedAt;
}

export function useSale(pos: PosApi, bridge: BridgeState): SaleController {
  const [sale, setSale] = useState<SaleRecord | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState<SaleActionName | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  // Refs so that actions read the sale and busy state of this instant, not of the render that made them.
  const saleRef = useRef<SaleRecord | null>(null);
  const busyRef = useRef<SaleActionName | null>(null);
  const bridgeRef = useRef<BridgeState>(bridge);
  bridgeRef.current = bridge;

  const show = useCallback((next: SaleRecord | null) => {
    const current = saleRef.current;
    if (next && current && next.id === current.id && !isNewerOrSame(next, current)) return;
    // An error belongs to the step it happened on: a new step starts clean. Done here, in message order,
    // so the failure answer of an action (which main sends after that action's step events) survives.
    if (next?.step !== current?.step || next?.id !== current?.id) setError(null);
    saleRef.current = next;
    setSale(next);
  }, []);

  const loadCurrent = useCallback(async () => {
    const result = await pos.sale.current({});
    if (result.ok) {
      // `current` is main's word on which sale is on screen, so it replaces ours even when it is null.
      saleRef.current = null;
      show(result.data.sale);
      setError(null);
      setLoaded(true);
    } else if (result.error.code !== 'locked') {
      // Refused while the till is locked or nobody is signed in: the sign-in screen covers this one, and the
      // retry below loads the sale once someone is.
      setError(result.error);
    }
  }, [pos, show]);

  // On start and whenever the bridge comes back (the preview host or main restarted): the sale resumes at
  // whatever step main journaled.
  useEffect(() => {
    if (bridge === 'open') void loadCurrent();
  }, [bridge, loadCurrent]);

  // Until main has answered once (it may refuse while the till is locked, or be restarting), keep asking:
  // a sale screen stuck on "loading" would stop the queue.
  useEffect(() => {
    if (loaded || bridge !== 'open') return;
    const timer = window.setInterval(() => void loadCurrent(), LOAD_RETRY_MS);
    return () => window.clearInterval(timer);
  }, [loaded, bridge, loadCurrent]);

  usePosEvent(
    pos,
    'sale.changed',
    useCallback(
      (record: SaleRecord) => {
        const current = saleRef.current;
        if (current && record.id === current.id) show(record);
        // Another sale changed (an older one's instruction landing, or a sale made elsewhere): ask main
        // which sale is current rather than guessing.
        else void loadCurrent();
      },
      [show, loadCurrent],
    ),
  );

  /** Runs one action at a time; its record (or error) becomes the screen. */
  const run = useCallback(
    async <T>(
      name: SaleActionName,
      call: (saleId: string) => Promise<IpcResult<T>>,
      onData: (data: T) => void,
    ): Promise<IpcResult<T> | null> => {
      if (busyRef.current) return null;
      const saleId = saleRef.current?.id ?? '';
      busyRef.current = name;
      setBusy(name);
      setError(null);
      try {
        const result =
          bridgeRef.current === 'open' ? await withTimeout(call(saleId), ACTION_TIMEOUT_MS) : tillNotAnswering<T>();
        if (result.ok) onData(result.data);
        else setError(result.error);
        return result;
      } finally {
        busyRef.current = null;
        setBusy(null);
      }
    },
    [],
  );

  const withRecord = (name: SaleActionName, call: (saleId: string) => Promise<IpcResult<SaleRecord>>) =>
    run(name, call, show);

  const controller: SaleController = {
    pos,
    bridge,
    sale,
    loaded,
    busy,
    error,
    clearError: useCallback(() => setError(null), []),
    accept: show,
    create: async () => {
      await withRecord('create', () => pos.sale.create({}));
    },
    start: () => withRecord('start', (saleId) => pos.sale.start({ saleId })),
    sendSms: async (product, campaign) => {
      await withRecord('sendSms', (saleId) => pos.sale.sendSms({ saleId, product, campaign }));
    },
    resendSms: async () => {
      await withRecord('resendSms', (saleId) => pos.sale.resendSms({ saleId }));
    },
    confirm: async () => {
      await withRecord('confirm', (saleId) => pos.sale.confirm({ saleId }));
    },
    markRejected: async () => {
      await withRecord('markRejected', (saleId) => pos.sale.markRejected({ saleId }));
    },
    cancel: async () => {
      await withRecord('cancel', (saleId) => pos.sale.cancel({ saleId }));
    },
    restart: async () => {
      await withRecord('restart', (saleId) => pos.sale.restart({ saleId }));
    },
    newSale: async () => {
      await run(
        'newSale',
        async (saleId): Promise<IpcResult<SaleRecord>> => {
          const current = saleRef.current;
          if (current && canLeaveForNextSale(current.step)) {
            const closed = await pos.sale.close({ saleId });
            if (!closed.ok) return closed;
          }
          return pos.sale.create({});
        },
        (record) => {
          saleRef.current = null;
          show(record);
        },
      );
    },
    retryPendingNow: async () => {
      await run(
        'retryNow',
        async (saleId) => {
          const list = await pos.outbox.list({});
          if (!list.ok) return list;
          let last: IpcResult<unknown> = list;
          for (const item of list.data.items) {
            if (item.saleId !== saleId || item.state === 'done' || item.state === 'in_flight') continue;
            last = await pos.outbox.retryNow({ instructionId: item.id });
            if (!last.ok) return last;
          }
          return last;
        },
        () => undefined,
      );
    },
  };
  return controller;
}
