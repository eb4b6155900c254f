import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import { sequraBaseUrl, tillPolicy, type MachineConfig } from './config/machine-config.ts';
import type { Core, CoreDeps, CoreEventListener } from './core-types.ts';
import type { Language } from '../../shared/ipc/status-schemas.ts';
import { ConnectivityMonitor, type ProbeOutcome } from './connectivity/monitor.ts';
import { isNoNetwork, withConnectivityReporting } from './connectivity/reporting-client.ts';
import { SaleHistory } from './journal/history.ts';
import { removeKeptAsideBefore } from './privacy/kept-aside.ts';
import { SaleJournal } from './journal/journal.ts';
import { Outbox } from './outbox/outbox.ts';
import { createOutboxStore } from './outbox/outbox-store.ts';
import { MerchantProducts } from './sale/merchant-products.ts';
import { SaleService, type TillSettings } from './sale/sale-service.ts';
import { createAfterSale } from './after-sale/after-sale.ts';
import { accessGuard, auditTrail } from './ipc/access-middleware.ts';
import { createDispatcher, type Handlers } from './ipc/dispatcher.ts';
import { startTrainingSandbox, type RunningSandbox } from '../../sandbox/training.ts';
import { createSequraClient, type SequraClient } from './sequra/client.ts';
import { SequraError } from './sequra/errors.ts';
import type { StoreFactory } from './storage/store.ts';
import { DEFAULT_SETTINGS, type SettingsFile } from './settings/migrations.ts';
import { RecoveryRegistry, storeDirs } from './storage/recovery.ts';
import { storeSpecFor } from './storage/store-specs.ts';
import { versionedStoreFactory } from './storage/versioned-store.ts';
import type { AdminChannel } from '../../shared/ipc/admin-schemas.ts';
import { attachTillAdmin, tillAdminStatus } from './admin/till-admin.ts';
import {
  createSwitchableCore,
  createTillServices,
  DatabaseBlockedError,
  type TillServices,
} from './admin/till-core.ts';
import { createDatabaseRecoveryCore } from './admin/database-recovery-core.ts';
import { deriveTillKeys } from './security/till-key.ts';
import { storageErrorOf } from './db/storage-error.ts';

// The composition root of everything that runs under plain Node. Electron's main and the preview host
// both build one of these and only differ in the capabilities they inject (fetch, store, secrets).
//
// The wiring runs one way: `createCore` builds what outlives a generation (operators, audit, diagnostics),
// then the stable core that swaps generations, then each generation builds its services in dependency order
// (stores → connection → journal → connectivity → client → outbox → sales → after-sale → admin → dispatcher).
// Where a service must react to a later one (the outbox settling a sale, SeQura's return draining queued
// sales), the later one is subscribed once everything exists, at the end of `createCoreGeneration`.
export type { Core, CoreDeps };

interface Connection {
  mode: TillStatus['mode'];
  kind: TillStatus['environment']['kind'];
  baseUrl: string;
  merchantId: string;
  client: SequraClient;
  /** The connectivity probe's own client: one attempt, short timeout (the next probe is its retry). */
  probeClient: SequraClient;
}

const TRAINING_DEFAULTS = { storeRef: 'FORMACION', tillId: '01' };
const RETENTION_INTERVAL_MS = 24 * 3600_000;
/** How often at most the pending list is sent to the screen while the outbox changes (see the outbox.changed emit). */
const OUTBOX_EVENT_INTERVAL_MS = 100;
// A probe that retried inside itself (the client's GET retries back off up to seconds) would notice SeQura's
// return late; one quick attempt per probe, on the monitor's interval, notices it within one interval.
const PROBE_CLIENT = { readRetries: 0, timeoutMs: 5_000, totalTimeoutMs: 5_000 };

export async function createCore(deps: CoreDeps, keptAsideAtStart?: { keptAt: string; detail: string }): Promise<Core> {
  // Hosts get a core that can rebuild itself (switch to live, re-read the machine configuration) without an
  // app restart; operators, the session and the audit log live across rebuilds (admin/till-core.ts).
  // The till key (OS keychain in the app, memory in the preview host) gives the PIN pepper and the audit key.
  let services: Awaited<ReturnType<typeof createTillServices>>;
  try {
    services = await createTillServices(deps, deriveTillKeys(await deps.secrets.tillKey()), keptAsideAtStart);
  } catch (error) {
    // A damaged or missing database: the till shows what happened and does nothing else (db/startup.ts).
    if (error instanceof DatabaseBlockedError) return createDatabaseRecoveryCore(deps, error.problem);
    throw error;
  }
  try {
    return await createSwitchableCore(
      deps,
      services,
      (machineConfig, requestRestart) => createCoreGeneration({ ...deps, machineConfig }, services, requestRestart),
      (problem) => createDatabaseRecoveryCore(deps, problem),
    );
  } catch (error) {
    // Damage met while the first generation reads the database, before the integrity check's verdict: moved
    // aside, then the start goes on as if the check had found it.
    const fault = storageErrorOf(error);
    if (!services.integrity || fault?.code !== 'storage_corrupt') throw error;
    services.db.close();
    const problem = await services.integrity.setAside({ ok: false, detail: fault.message, damaged: true });
    return createCore(deps, { keptAt: problem.keptAt!, detail: fault.message });
  }
}

async function createCoreGeneration(
  deps: CoreDeps,
  services: TillServices,
  requestRestart: (reason: string) => void,
): Promise<Core> {
  const clock = deps.clock ?? (() => new Date());
  const listeners = new Set<CoreEventListener>();
  const emit: CoreEventListener = (event, payload) => {
    for (const listener of listeners) listener(event, payload);
  };

  // What follows a committed write (events, the pending counts of sales): the write has succeeded whatever
  // happens here, so a failure is logged, never thrown back at the caller of the write.
  const afterCommit = (fn: () => void) =>
    services.db.afterCommit(() => {
      try {
        fn();
      } catch (error) {
        deps.log.error('core.after_commit_failed', { error: error instanceof Error ? error.message : 'unknown' });
      }
    });
  const config: MachineConfig | null = deps.machineConfig.kind === 'ok' ? deps.machineConfig.config : null;
  // Every store file is checked before it is opened: corrupt or newer-version files are set aside (kept,
  // reported on the recovery screen), older ones migrated (storage/versioned-store.ts, */migrations.ts).
  const recovery = new RecoveryRegistry(deps.dataDir, () => storeDirs(deps.dataDir));
  const createStore: StoreFactory = versionedStoreFactory(deps.createStore, {
    specFor: storeSpecFor,
    clock,
    onSetAside: (file) => {
      recovery.record(file);
      deps.log.error('storage.set_aside', {
        name: file.name,
        path: file.setAsidePath,
        reason: file.reason,
        detail: file.detail,
      });
    },
    onMigrated: (info) => deps.log.info('storage.migrated', info),
    onTempFilesRemoved: (info) => deps.log.info('storage.temp_files_removed', info),
  });
  const settings = createStore<SettingsFile>({ name: 'settings', cwd: deps.dataDir, defaults: DEFAULT_SETTINGS });
  recovery.attachSettings(settings);

  let trainingSandbox: RunningSandbox | null = null;
  // Every SeQura call leaves through the outbound allow-list (the configured host, or this training sandbox)
  // and is recorded for the diagnostics bundle (security/outbound-allowlist.ts, diagnostics/call-recorder.ts).
  const outboundFetch = services.outboundFetch(config, () => trainingSandbox?.baseUrl ?? null);
  const connection = await resolveConnection();

  async function resolveConnection(): Promise<Connection> {
    const credentials = await deps.secrets.getCredentials();
    if (config && credentials) {
      const baseUrl = sequraBaseUrl(config);
      return {
        mode: 'live',
        kind: config.sequra.environment,
        baseUrl,
        merchantId: config.sequra.merchantId,
        client: makeClient(baseUrl, credentials.username, credentials.password, config.sequra.merchantId),
        probeClient: makeClient(
          baseUrl,
          credentials.username,
          credentials.password,
          config.sequra.merchantId,
          PROBE_CLIENT,
        ),
      };
    }
    // A fresh install (or one without credentials yet) trains against the sandbox, in-process on loopback.
    const startSandbox = deps.startTrainingSandbox ?? startTrainingSandbox;
    trainingSandbox = await startSandbox({ port: deps.trainingSandboxPort ?? 0, quiet: true });
    const sandboxConfig = trainingSandbox.config;
    const merchantId = sandboxConfig.merchants[0]!.ref;
    return {
      mode: 'training',
      kind: 'training-sandbox',
      baseUrl: trainingSandbox.baseUrl,
      merchantId,
      client: makeClient(trainingSandbox.baseUrl, sandboxConfig.username, sandboxConfig.password, merchantId),
      probeClient: makeClient(
        trainingSandbox.baseUrl,
        sandboxConfig.username,
        sandboxConfig.password,
        merchantId,
        PROBE_CLIENT,
      ),
    };
  }

  function makeClient(
    baseUrl: string,
    username: string,
    password: string,
    merchantId: string,
    extra: { readRetries?: number; timeoutMs?: number; totalTimeoutMs?: number } = {},
  ): SequraClient {
    return createSequraClient({
      baseUrl,
      username,
      password,
      merchantId,
      fetch: outboundFetch,
      appName: 'sequra-pos',
      appVersion: deps.appVersion,
      ...extra,
    });
  }

  // Training sales live apart (realm 'training' in the till database): never mixed with real ones, in any
  // query or report. `salesDir` is where this generation's exports and after-sale files go.
  const salesDir = connection.mode === 'training' ? join(deps.dataDir, 'training') : deps.dataDir;
  const realm = connection.mode === 'training' ? 'training' : 'live';
  const history = new SaleHistory(services.db, realm);
  const journal = new SaleJournal(services.db, realm, clock);

  const connectivity = new ConnectivityMonitor({ probe: () => probe(connection.probeClient), clock });
  const client = withConnectivityReporting(connection.client, connectivity);
  const outbox = new Outbox({
    store: createOutboxStore(services.db, realm),
    executor: client,
    log: deps.log,
    clock,
    ensureRecordable: () => services.db.ensureRecordable(),
  });

  // The configuration's policy, or the schema's defaults on a till without one (training).
  const policy = tillPolicy(config);
  const till: TillSettings = {
    merchantId: connection.merchantId,
    storeRef: config?.storeRef ?? TRAINING_DEFAULTS.storeRef,
    tillId: config?.tillId ?? TRAINING_DEFAULTS.tillId,
    training: connection.mode === 'training',
    requireNinControl: policy.requireNinControl,
    usesShippedCart: policy.usesShippedCart,
    allowedProducts: config?.allowedProducts ?? null,
    offlineGoodsRelease: policy.offlineGoodsRelease,
  };
  const sales = new SaleService({
    journal,
    outbox,
    client,
    till,
    appVersion: deps.appVersion,
    platformUname: deps.platformUname,
    operatorRef: () => services.operators.currentOperatorRef(),
    authorizer: services.operators,
    newId: () => randomUUID(),
    log: deps.log,
    clock,
    ensureRecordable: () => services.db.ensureRecordable(),
    // Told once the step is committed, never before: a page (or a crash) never sees a step the disk lacks.
    emitSale: (sale) =>
      afterCommit(() => {
        emit('sale.changed', sale);
        if (sale.ticketNumber) services.rememberLastTickets({ realm, number: sale.ticketNumber });
        // A start or SMS just queued for SeQura: probe at the fast interval so it goes as soon as SeQura answers.
        if (sale.step === 'start_queued' || (sale.step === 'sending_sms' && sale.sms.queued)) connectivity.nudge();
      }),
  });

  // The merchant's products and their limits, for the cart step (asked once at start, then hourly on use).
  const merchantProducts = new MerchantProducts({
    client,
    allowedProducts: till.allowedProducts,
    clock,
    log: deps.log,
  });

  // After the sale: history and search, cancellations, returns, reprints, end-of-day report.
  const afterSale = createAfterSale({
    db: services.db,
    journal,
    history,
    outbox,
    // Cancellations and returns after confirmation need a manager's PIN (rate limited and audited there).
    authorizer: services.operators,
    till,
    appVersion: deps.appVersion,
    platformUname: deps.platformUname,
    cancelBeforeConfirmation: (saleId) => sales.cancel(saleId),
    operatorRef: () => services.operators.currentOperatorRef(),
    operatorName: (ref) => services.operators.operatorName(ref),
    log: deps.log,
    clock,
    emitSale: (sale) => afterCommit(() => emit('sale.changed', sale)),
  });

  let retentionTimer: ReturnType<typeof setInterval> | null = null;
  const retentionDays = policy.retentionDays;
  function applyRetention(): void {
    const cutoff = new Date(clock().getTime() - retentionDays * 86_400_000).toISOString();
    try {
      const removed = history.removeFinishedBefore(cutoff);
      if (removed > 0) deps.log.info('journal.retention', { removed, retentionDays, cutoff });
      const keptAside = removeKeptAsideBefore(services.db, deps.dataDir, cutoff);
      if (keptAside.length > 0) deps.log.info('journal.retention_kept_aside_removed', { keptAside, retentionDays });
    } catch (error) {
      // Retention is housekeeping: a failure is logged and retried tomorrow, never a reason not to sell.
      deps.log.error('journal.retention_failed', { error: error instanceof Error ? error.message : 'unknown' });
    }
  }

  // The operator's own language when one is signed in and has chosen; else the till's last choice; else the
  // machine configuration's default.
  function currentLanguage(): Language {
    const operatorRef = services.operators.sessionView()?.operatorRef;
    const own = operatorRef ? settings.get('operatorLanguages')[operatorRef] : undefined;
    return own ?? settings.get('language') ?? policy.defaultLanguage;
  }

  const adminStatus = tillAdminStatus(services, deps.machineConfig, connection.mode);
  function status(): TillStatus {
    return {
      appVersion: deps.appVersion,
      mode: connection.mode,
      environment: { kind: connection.kind, baseUrl: connection.baseUrl },
      merchantId: connection.merchantId,
      storeRef: config?.storeRef ?? TRAINING_DEFAULTS.storeRef,
      tillId: config?.tillId ?? TRAINING_DEFAULTS.tillId,
      language: currentLanguage(),
      connectivity: connectivity.snapshot(),
      trainingPhoneBaseUrl: trainingSandbox ? `${trainingSandbox.baseUrl}/phone/` : null,
      recovery: recovery.notice(),
      database: null,
      ...adminStatus.statusFields(),
    };
  }

  // Operators/credentials/audit/diagnostics handlers and the personal-data purge (admin/till-admin.ts).
  const admin = attachTillAdmin(services, {
    deps,
    config,
    connection,
    salesDir,
    journal,
    outbox,
    createStore,
    status,
    emit,
    outboundFetch,
    clock,
    requestRestart,
  });

  const handlers: Omit<Handlers, AdminChannel> = {
    'app.getStatus': async () => status(),
    'app.setLanguage': async ({ language }) => {
      settings.set('language', language);
      const operatorRef = services.operators.sessionView()?.operatorRef;
      if (operatorRef)
        settings.set('operatorLanguages', { ...settings.get('operatorLanguages'), [operatorRef]: language });
      deps.log.info('settings.language', { language, operator: operatorRef ?? null });
      const next = status();
      emit('status.changed', next);
      return next;
    },
    'app.acknowledgeRecovery': async () => {
      const before = recovery.notice();
      recovery.acknowledge();
      deps.log.info('storage.recovery_acknowledged', { files: before?.files.map((f) => f.setAsidePath) ?? [] });
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
    'sale.releaseGoods': async ({ saleId, managerPin }) => sales.releaseGoods(saleId, managerPin),
    'sale.productLimits': async () => ({ limits: await merchantProducts.limits() }),
    'print.receipt': async ({ heightMm }) => {
      const printer = config?.receiptPrinter;
      if (!printer || !deps.printReceipt) return { printed: false };
      await deps.printReceipt({
        deviceName: printer.name,
        copies: printer.copies,
        paperWidthMm: printer.paperWidthMm,
        heightMm,
      });
      return { printed: true };
    },
    'outbox.list': async () => ({ items: outbox.items() }),
    ...afterSale.handlers,
    'outbox.retryNow': async ({ instructionId }) => {
      // Before SeQura's Retry-After it goes at that time instead: the item's `waitUntil` says when.
      outbox.retryNow(instructionId);
      return { items: outbox.items() };
    },
  };

  // ------------------------------------------------------------------ reactions, once everything exists
  connectivity.watch({ pending: () => outbox.summary(), urgent: () => sales.queuedWork() > 0 });
  let lastState: TillStatus['connectivity']['state'] = 'unknown';
  connectivity.subscribe((snapshot, cause) => {
    emit('connectivity.changed', snapshot);
    if (snapshot.state === 'online' && lastState !== 'online') {
      // SeQura answers again: everything waiting for it goes now, not at its backoff time.
      outbox.wakeAll();
      void sales.onSequraReachable();
    } else if (cause === 'probe' && snapshot.state === 'online' && sales.queuedWork() > 0) {
      // A start or SMS queued after a 5xx/429 never sees an offline→online change (SeQura kept answering), so
      // every successful probe also sends what is queued; the probe runs fast while anything is.
      void sales.onSequraReachable();
    }
    lastState = snapshot.state;
  });
  outbox.onSettled((instruction, outcome) => {
    sales.onInstructionSettled(instruction, outcome);
    afterSale.onInstructionSettled(instruction, outcome);
  });
  // Only the sales whose instructions changed are looked at again: with a backlog of a thousand queued
  // confirmations, going over every active sale on each change made a drain grow with its square.
  // The pending list goes to the screen at most once per OUTBOX_EVENT_INTERVAL_MS, with what it is by then: it
  // carries every instruction, so sending (and validating) it on each change made a drain of a thousand queued
  // confirmations cost the backlog's size on every one of its several thousand changes.
  let outboxEventTimer: ReturnType<typeof setTimeout> | null = null;
  const emitOutboxChangedSoon = () => {
    if (outboxEventTimer) return;
    outboxEventTimer = setTimeout(() => {
      outboxEventTimer = null;
      emit('outbox.changed', { items: outbox.items() });
    }, OUTBOX_EVENT_INTERVAL_MS);
    outboxEventTimer.unref?.();
  };
  outbox.onChange((saleId) =>
    afterCommit(() => {
      emitOutboxChangedSoon();
      sales.onOutboxChanged(saleId === null ? journal.active().map((s) => s.id) : [saleId]);
      connectivity.nudge();
    }),
  );
  const unsubscribeSession = services.onSessionChange(() => {
    emit('status.changed', status());
    // Sale and outbox events are withheld while the till is locked (ipc/access.ts): once it is unlocked
    // again, the page gets them as they are now.
    if (!services.operators.isUnlocked()) return;
    const current = sales.current();
    if (current) emit('sale.changed', current);
    emit('outbox.changed', { items: outbox.items() });
  });

  return {
    dispatch: createDispatcher({ ...handlers, ...admin.handlers }, deps.log, {
      // Who may call what (ipc/access.ts), then one audit line per action: the same for both transports.
      guards: [accessGuard(services.operators, { configInvalid: deps.machineConfig.kind === 'invalid' })],
      middleware: [auditTrail(services.operators, services.audit)],
    }),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async start() {
      applyRetention();
      // Daily as well, for a till that is never restarted; unref'd so it never keeps a process alive.
      retentionTimer = setInterval(applyRetention, RETENTION_INTERVAL_MS);
      retentionTimer.unref?.();
      sales.resume();
      outbox.start();
      connectivity.start();
      void merchantProducts.refresh();
      admin.start();
      deps.log.info('core.started', { mode: connection.mode, environment: connection.kind });
    },
    nudgeConnectivity() {
      void connectivity.checkNow();
    },
    pendingWork() {
      return { ...outbox.counts(), queuedSales: sales.queuedWork() };
    },
    languageForNativeDialogs() {
      return currentLanguage();
    },
    async stop() {
      unsubscribeSession();
      if (outboxEventTimer) clearTimeout(outboxEventTimer);
      outboxEventTimer = null;
      admin.stop();
      if (retentionTimer) clearInterval(retentionTimer);
      retentionTimer = null;
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
      // "Offline" only when the till's own network is down; a reset or refused connection is "SeQura unreachable"
      // (the same rule as every other call: connectivity/reporting-client.ts).
      return {
        reachable: false,
        offline: error.kind === 'offline' && isNoNetwork(error.networkCode),
        errorName: error.networkCode ?? error.kind,
      };
    }
    return { reachable: false, offline: false, errorName: error instanceof Error ? error.name : 'unknown' };
  }
}
