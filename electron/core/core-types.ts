import type { EventName } from '../../shared/ipc/channels.ts';
import type { EventPayload } from '../../shared/ipc/contract.ts';
import type { Language } from '../../shared/ipc/status-schemas.ts';
import type { RunningSandbox, SandboxOptions } from '../../sandbox/training.ts';
import type { MachineConfigLoad } from './config/machine-config.ts';
import type { QuickCheckRunner } from './db/integrity-check.ts';
import type { Dispatch } from './ipc/dispatcher.ts';
import type { Logger } from './log/logger.ts';
import type { SecretStore } from './secrets/secret-store.ts';
import type { StoreFactory } from './storage/store.ts';

// The core as its hosts see it (Electron main, the preview host, tests, scripts) and what they inject into
// it. Kept apart from the composition (app-core.ts) so that the modules it builds can name these types
// without importing the module that builds them.

/** The capabilities a host injects: Electron's main and the preview host differ only in these. */
export interface CoreDeps {
  dataDir: string;
  appVersion: string;
  /** Electron's net.fetch in the app (system proxy, OS certificates); global fetch elsewhere. */
  fetch: typeof fetch;
  createStore: StoreFactory;
  secrets: SecretStore;
  log: Logger;
  machineConfig: MachineConfigLoad;
  platformUname: string;
  clock?: () => Date;
  /** Port for the in-process training sandbox (0 = any free port). */
  trainingSandboxPort?: number;
  /**
   * Starts the training sandbox; default: the one the app ships (SeQura's API and the shopper's phone only).
   * Tests pass the full sandbox, whose control API lets them play the shopper and read the orders.
   */
  startTrainingSandbox?: (options: SandboxOptions) => Promise<RunningSandbox>;
  /** Electron's session.resolveProxy, for the diagnostics bundle ("which proxy applies to SeQura's URL"). */
  resolveProxy?: (url: string) => Promise<string>;
  /**
   * Prints the window's page on the receipt printer without a dialog (Electron's webContents.print with
   * `silent`); absent in the preview host, where the browser's own dialog is used.
   */
  printReceipt?: (job: ReceiptPrintJob) => Promise<void>;
  /**
   * Runs the start's integrity check of the database (default: in a worker thread, db/integrity-check.ts).
   * Tests and the benchmark wrap the default to hold or time its verdict; no host passes another.
   */
  runQuickCheck?: QuickCheckRunner;
}

export interface ReceiptPrintJob {
  deviceName: string;
  copies: number;
  paperWidthMm: 58 | 80;
  /** The slip's printed height, so a roll printer feeds only what it needs. */
  heightMm: number;
}

export type CoreEventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface Core {
  dispatch: Dispatch;
  /** Core events, already checked against their payload schema: what a transport forwards as is. */
  onEvent(listener: CoreEventListener): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The OS woke up or its network changed: probe SeQura now instead of waiting for the next interval. */
  nudgeConnectivity(): void;
  /**
   * What quitting now would leave undone: `open` instructions still to reach SeQura (pending or in flight) and
   * the oldest one's creation time, `needsAttention` ones waiting for a person, and `queuedSales` (a start or
   * SMS waiting for SeQura). Main asks before quitting and explains if any is non-zero.
   */
  pendingWork(): { open: number; oldestOpenAt: string | null; needsAttention: number; queuedSales: number };
  /** The till's language, for the few native dialogs main shows itself. */
  languageForNativeDialogs(): Language;
  /** For tests and diagnostics only: the running training sandbox, if any. */
  readonly trainingSandbox: RunningSandbox | null;
}
