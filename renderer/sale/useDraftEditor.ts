import { useCallback, useEffect, useRef, useState } from 'react';
import type { IpcError } from '../../shared/ipc/result.ts';
import type { CartDraft, SaleRecord } from '../../shared/sale/sale-record.ts';
import type { ShopperDraft } from '../../shared/sale/shopper.ts';
import { SAVE_TIMEOUT_MS, tillNotAnswering, withTimeout } from './till-calls.ts';
import type { SaleController } from './useSale.ts';

// The one place the renderer holds sale data main does not have yet: the text being typed into the draft.
// Every change is sent to main with `saveDraft` 300 ms after the cashier stops typing, and at once on a stage
// change, before the sale starts, when the screen goes away and when the bridge comes back, so a crash loses
// at most the last 300 ms of typing. Saves are chained: main receives them in the order they were made.

export const DRAFT_SAVE_DELAY_MS = 300;
export const DRAFT_RETRY_MS = 3000;

export type DraftStage = SaleRecord['draftStage'];
export type SaveState = 'saved' | 'unsaved' | 'saving' | 'failed';

/** Field path → validation code, valid only while the field still holds the value it was judged on. */
export interface JudgedProblems {
  problems: Record<string, string>;
  judged: unknown;
}

interface Draft {
  cart: CartDraft;
  shopper: ShopperDraft;
  stage: DraftStage;
}

export function valueAtPath(root: unknown, path: string): unknown {
  let value: unknown = root;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The problems main reported that still apply: the cashier has not touched those fields since. */
export function currentProblems(judged: JudgedProblems | null, now: unknown): Record<string, string> {
  if (!judged) return {};
  const result: Record<string, string> = {};
  for (const [path, code] of Object.entries(judged.problems)) {
    if (path === '' || valueAtPath(judged.judged, path) === valueAtPath(now, path)) result[path] = code;
  }
  return result;
}

export interface DraftEditor {
  cart: CartDraft;
  shopper: ShopperDraft;
  saveState: SaveState;
  /** The last save's error, shown by the save indicator. */
  saveError: IpcError | null;
  /** What main judged wrong with the shopper / cart at the last save. */
  shopperProblems: JudgedProblems | null;
  cartProblems: JudgedProblems | null;
  updateCart(change: (cart: CartDraft) => CartDraft): void;
  updateShopper(change: (shopper: ShopperDraft) => ShopperDraft): void;
  /** Saves now (optionally moving to another stage) and resolves once main has it. */
  saveNow(stage?: DraftStage): Promise<boolean>;
}

export function useDraftEditor(sale: SaleRecord, controller: SaleController): DraftEditor {
  const { pos, bridge, accept } = controller;
  const saleId = sale.id;
  const [cart, setCart] = useState<CartDraft>(sale.cart);
  const [shopper, setShopper] = useState<ShopperDraft>(sale.shopper);
  const [saveState, setSaveState] = useState<SaveState>('saved');
  const [saveError, setSaveError] = useState<IpcError | null>(null);
  const [shopperProblems, setShopperProblems] = useState<JudgedProblems | null>(null);
  const [cartProblems, setCartProblems] = useState<JudgedProblems | null>(null);

  const draft = useRef<Draft>({ cart: sale.cart, shopper: sale.shopper, stage: sale.draftStage });
  const editVersion = useRef(0);
  const savedVersion = useRef(0);
  const timer = useRef<number | null>(null);
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const bridgeRef = useRef(bridge);
  bridgeRef.current = bridge;

  const saveNow = useCallback(
    (stage?: DraftStage): Promise<boolean> => {
      if (timer.current !== null) {
        window.clearTimeout(timer.current);
        timer.current = null;
      }
      if (stage) draft.current = { ...draft.current, stage };
      const run = chain.current.then(async () => {
        const snapshot = draft.current;
        const version = editVersion.current;
        setSaveState('saving');
        // With the bridge down the save is not attempted (it could wait forever and hold up every later save);
        // the effect below saves as soon as the bridge is back.
        const result =
          bridgeRef.current === 'open'
            ? await withTimeout(
                pos.sale.saveDraft({ saleId, stage: snapshot.stage, cart: snapshot.cart, shopper: snapshot.shopper }),
                SAVE_TIMEOUT_MS,
              )
            : tillNotAnswering<never>();
        if (!result.ok) {
          setSaveError(result.error);
          setSaveState('failed');
          return false;
        }
        savedVersion.current = Math.max(savedVersion.current, version);
        setSaveError(null);
        setSaveState(savedVersion.current === editVersion.current ? 'saved' : 'unsaved');
        setShopperProblems({ problems: result.data.problems.shopper, judged: snapshot.shopper });
        setCartProblems({ problems: result.data.problems.cart, judged: snapshot.cart });
        accept(result.data.sale);
        return true;
      });
      chain.current = run.catch(() => false);
      return run;
    },
    [pos, saleId, accept],
  );

  const scheduleSave = useCallback(() => {
    editVersion.current += 1;
    setSaveState('unsaved');
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      timer.current = null;
      void saveNow();
    }, DRAFT_SAVE_DELAY_MS);
  }, [saveNow]);

  const updateCart = useCallback(
    (change: (cart: CartDraft) => CartDraft) => {
      const next = change(draft.current.cart);
      draft.current = { ...draft.current, cart: next };
      setCart(next);
      scheduleSave();
    },
    [scheduleSave],
  );

  const updateShopper = useCallback(
    (change: (shopper: ShopperDraft) => ShopperDraft) => {
      const next = change(draft.current.shopper);
      draft.current = { ...draft.current, shopper: next };
      setShopper(next);
      scheduleSave();
    },
    [scheduleSave],
  );

  // The bridge came back after a restart of main or the preview host: what was typed meanwhile goes to main.
  useEffect(() => {
    if (bridge === 'open' && savedVersion.current !== editVersion.current) void saveNow();
  }, [bridge, saveNow]);

  // A failed save (bridge down, till locked until someone signs in again, main busy restarting) is retried
  // every few seconds until it lands: the cashier should never have to type again.
  useEffect(() => {
    if (saveState !== 'failed') return;
    const timer = window.setInterval(() => void saveNow(), DRAFT_RETRY_MS);
    return () => window.clearInterval(timer);
  }, [saveState, saveNow]);

  // Leaving the draft (the sale started, or the page is going away) must not drop the last keystrokes.
  useEffect(() => {
    const flush = () => {
      if (savedVersion.current !== editVersion.current) void saveNow();
    };
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, [saveNow]);

  return { cart, shopper, saveState, saveError, shopperProblems, cartProblems, updateCart, updateShopper, saveNow };
}
