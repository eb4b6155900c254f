import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { EventName } from '../../shared/ipc/channels.ts';
import type { EventPayload } from '../../shared/ipc/contract.ts';
import type { Language, TillStatus } from '../../shared/ipc/status-schemas.ts';
import { SEQURA_BASE_URLS, type MachineConfig, type MachineConfigLoad } from './config/machine-config.ts';
import { ConnectivityMonitor, type ProbeOutcome } from './connectivity/monitor.ts';
import { withConnectivityReporting } from './connectivity/reporting-client.ts';
import { SaleHistory } from './journal/history.ts';
import { EMPTY_JOURNAL, SaleJournal, type JournalFile } from './journal/journal.ts';
import { Outbox, type OutboxFile } from './outbox/outbox.ts';
import { SaleService } from './sale/sale-service.ts';
import { createDispatcher, type Handlers } from './ipc/dispatcher.ts';
import type { Logger } from './log/logger.ts';
import { startSandbox, type RunningSandbox } from './sandbox/server.ts';
import type { SecretStore } from './secrets/secret-store.ts';
import { createSequraClient, type SequraClient } from './sequra/client.ts';
import { SequraError } from './sequra/errors.ts';
import type { StoreFactory } from './storage/store.ts';

// The composition root of everything that runs under plain Node. Electron's main and the preview host
// both build one of these and only differ in the capabilities they inject (fetch, store, secrets).
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
}

export type CoreEventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface Core {
  dispatch: ReturnType<typeof createDispatcher>;
  onEvent(listener: CoreEventListener): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The OS woke up or its network changed: probe SeQura now instead of waiting for the next interval. */
  nudgeConnectivity(): void;
  /** For tests and diagnostics only: the running training sandbox, if any. */
  readonly trainingSandbox: RunningSandbox | null;
}

interface Connection {
  mode: TillStatus['mode'];
  kind: TillStatus['environment']['kind'];
  baseUrl: string;
  merchantId: string;
  client: SequraClient;
}

const TRAINING_DEFAULTS = { storeRef: 'FORMACION', tillId: '01' };

export async function createCore(deps: CoreDeps): Promise<Core> {
  const clock = deps.clock ?? (() => new Date());
  const listeners = new Set<CoreEventListener>();
  const emit: CoreEventListener = (event, payload) => {
    for (const listener of listeners) listener(event, payload);
  };

  const config: MachineConfig | null = deps.machineConfig.kind === 'ok' ? deps.machineConfig.config : null;
  const settings = deps.createStore<{ schemaVersion: number; language: Language | null }>({
    name: 'settings',
    cwd: deps.dataDir,
    defaults: { schemaVersion: 1, language: null },
  });

  let trainingSandbox: RunningSandbox | null = null;
  const connection = await resolveConnection();

  async function resolveConnection(): Promise<Connection> {
    const credentials = await deps.secrets.getCredentials();
    if (config && credentials) {
      const baseUrl = config.sequra.environment === 'custom' ? config.sequra.baseUrl! : SEQURA_BASE_URLS[config.sequra.environment];
      return {
        mode: 'live',
        kind: config.sequra.environment,
        baseUrl,
        merchantId: config.sequra.merchantId,
        client: makeClient(baseUrl, credentials.username, credentials.password, config.sequra.merchantId),
      };
    }
    // A fresh install (or one without credentials yet) trains against the sandbox, in-process on loopback.
    trainingSandbox = await startSandbox({ port: deps.trainingSandboxPort ?? 0, quiet: true });
    const sandboxConfig = trainingSandbox.config;
    const merchantId = sandboxConfig.merchants[0]!.ref;
    return {
      mode: 'training',
      kind: 'training-sandbox',
      baseUrl: trainingSandbox.baseUrl,
      merchantId,
      client: makeClient(trainingSandbox.baseUrl, sandboxConfig.username, sandboxConfig.password, merchantId),
    };
  }

  function makeClient(baseUrl: string, username: string, password: string, merchantId: string): SequraClient {
    return createSequraClient({ baseUrl, username, password, merchantId, fetch: deps.fetch, appName: 'sequra-pos', appVersion: deps.appVersion });
  }

  // Training sales live in their own folder: never mixed with real ones, in files or in reports.
  const salesDir = connection.mode === 'training' ? join(deps.dataDir, 'training') : deps.dataDir;
  const journal = new SaleJournal(
    deps.createStore<JournalFile>({ name: 'journal', cwd: salesDir, defaults: EMPTY_JOURNAL }),
    new SaleHistory(deps.createStore, salesDir),
  );

  let lastState: string = 'unknown';
  const connectivity = new ConnectivityMonitor({
    probe: () => probe(connection.client),
    pending: () => outbox.summary(),
    onChange: (snapshot) => {
      emit('connectivity.changed', snapshot);
      if (snapshot.state === 'online' && lastState !== 'online') {
        // SeQura answers again: everything waiting for it goes now, not at its backoff time.
        outbox.wakeAll();
        void sales.onSequraReachable();
      }
      lastState = snapshot.state;
    },
    clock,
  });
  const client = withConnectivityReporting(connection.client, connectivity);

  const outbox: Outbox = new Outbox({
    store: deps.createStore<OutboxFile>({ name: 'outbox', cwd: salesDir, defaults: { schemaVersion: 1, instructions: {} } }),
    executor: client,
    log: deps.log,
    clock,
    onSettled: (instruction, outcome) => sales.onInstructionSettled(instruction, outcome),
    onChange: () => {
      emit('outbox.changed', { items: outbox.items() });
      sales.onOutboxChanged(journal.active().map((s) => s.id));
      connectivity.nudge();
    },
  });

  const sales: SaleService = new SaleService({
    journal,
    outbox,
    client,
    till: {
      merchantId: connection.merchantId,
      storeRef: config?.storeRef ?? TRAINING_DEFAULTS.storeRef,
      tillId: config?.tillId ?? TRAINING_DEFAULTS.tillId,
      training: connection.mode === 'training',
      requireNinControl: config?.requireNinControl ?? false,
      usesShippedCart: config?.usesShippedCart ?? false,
      allowedProducts: config?.allowedProducts ?? null,
    },
    appVersion: deps.appVersion,
    platformUname: deps.platformUname,
    operatorRef: () => 'CAJERO',
    newId: () => randomUUID(),
    log: deps.log,
    clock,
    emitSale: (sale) => emit('sale.changed', sale),
  });

  function status(): TillStatus {
    return {
      appVersion: deps.appVersion,
      mode: connection.mode,
      environment: { kind: connection.kind, baseUrl: connection.baseUrl },
      merchantId: connection.merchantId,
      storeRef: config?.storeRef ?? TRAINING_DEFAULTS.storeRef,
      tillId: config?.tillId ?? TRAINING_DEFAULTS.tillId,
      language: settings.get('language') ?? config?.defaultLanguage ?? 'es',
      connectivity: connectivity.snapshot(),
      trainingPhoneBaseUrl: trainingSandbox ? `${trainingSandbox.baseUrl}/phone/` : null,
    };
  }

  const handlers: Handlers = {
    'app.getStatus': async () => status(),
    'app.setLanguage': async ({ language }) => {
      settings.set('language', language);
      deps.log.info('settings.language', { language });
      const next = status();
      emit('status.changed', next);
      return next;
    },
    'connectivity.checkNow': async () => connectivity.checkNow(),
    'sale.current': async () => ({ sale: sales.current() }),
    'sale.create': async () => sales.create(),
    'sale.saveDraft': async (request) => sales.saveDraft(request),
    'sale.start': async ({ saleId }) => sales.start(saleId),
    'sale.sendSms': async (request) => sales.sendSms(request),
    'sale.resendSms': async ({ saleId }) => sales.resendSms(saleId),
    'sale.confirm': async ({ saleId }) => sales.confirm(saleId),
    'sale.markRejected': async ({ saleId }) => sales.markRejected(saleId),
    'sale.cancel': async ({ saleId }) => sales.cancel(saleId),
    'sale.restart': async ({ saleId }) => sales.restart(saleId),
    'sale.close': async ({ saleId }) => ({ sale: sales.close(saleId) }),
    'outbox.list': async () => ({ items: outbox.items() }),
    'outbox.retryNow': async ({ instructionId }) => {
      outbox.retryNow(instructionId);
      return { items: outbox.items() };
    },
  };

  return {
    dispatch: createDispatcher(handlers, deps.log),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async start() {
      sales.resume();
      outbox.start();
      connectivity.start();
      deps.log.info('core.started', { mode: connection.mode, environment: connection.kind });
    },
    nudgeConnectivity() {
      void connectivity.checkNow();
    },
    async stop() {
      connectivity.stop();
      await outbox.stop();
      await trainingSandbox?.close();
    },
    get trainingSandbox() {
      return trainingSandbox;
    },
  };
}

/** A light probe: any HTTP answer from SeQura (even 401) proves it is reachable. */
async function probe(client: SequraClient): Promise<ProbeOutcome> {
  try {
    await client.checkCredentials();
    return { reachable: true };
  } catch (error) {
    if (error instanceof SequraError) {
      if (error.status !== undefined && error.status !== null) return { reachable: true };
      return { reachable: false, offline: error.kind === 'offline', errorName: error.networkCode ?? error.kind };
    }
    return { reachable: false, offline: false, errorName: error instanceof Error ? error.name : 'unknown' };
  }
}
