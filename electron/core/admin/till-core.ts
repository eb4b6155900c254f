import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EnrolmentStatus } from '../../../shared/ipc/admin-schemas.ts';
import type { Core, CoreDeps, CoreEventListener } from '../app-core.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { openTillDatabase, type TillDatabase } from '../db/database.ts';
import { importLegacyData, TILL_LEGACY_KINDS } from '../db/legacy-import.ts';
import {
  loadMachineConfig,
  SEQURA_BASE_URLS,
  type MachineConfig,
  type MachineConfigLoad,
} from '../config/machine-config.ts';
import { CallRecorder, ConnectivityHistory } from '../diagnostics/call-recorder.ts';
import { OperatorsService } from '../operators/operators-service.ts';
import { createOutboundAllowlist } from '../security/outbound-allowlist.ts';
import { versionedStoreFactory } from '../storage/versioned-store.ts';
import type { KeyValueStore, StoreFactory } from '../storage/store.ts';
import { enrolFromFile, enrolmentFilePathFor } from './enrolment.ts';

// The till core as hosts see it (Electron main, the preview host, tests): a stable object around one
// *generation* of the core (app-core.ts) at a time. Switching to live, replacing or removing credentials and
// re-reading the machine configuration stop the running generation and build a new one from the same
// injected capabilities — the same thing an app restart does, without one, so "test connection → go live" is
// one screen for store IT. Requests that arrive during the swap wait for the new generation.
//
// What must outlive a generation lives here, in TillServices: operators and the signed-in session, the audit
// log, the recorded SeQura calls and connectivity history (diagnostics), and the last enrolment outcome.
export interface TillServices {
  /** The till database: one connection, owned here, for the till's whole run (db/database.ts). */
  readonly db: TillDatabase;
  /** Operators, the session and manager authorisation (also the ManagerAuthorizer for other capabilities). */
  readonly operators: OperatorsService;
  readonly audit: AuditLog;
  readonly calls: CallRecorder;
  readonly connectivityHistory: ConnectivityHistory;
  /** The versioned store factory for the small files this capability owns (admin-state). */
  readonly createStore: StoreFactory;
  readonly machineConfigPath: string | null;
  readonly enrolmentFilePath: string | null;
  /** Whether the SecretStore held credentials when this generation was built. */
  readonly credentialsStored: boolean;
  enrolment(): EnrolmentStatus | null;
  setEnrolment(status: EnrolmentStatus): void;
  /** The outbound allow-list and call recorder around the injected fetch, for one generation. */
  outboundFetch(config: MachineConfig | null, trainingSandboxBaseUrl: () => string | null): typeof fetch;
  /** Stop this generation and build a new one (after the current request has been answered). */
  requestRestart(reason: string): void;
  /** Called by each generation once, so session changes can push that generation's status. */
  bindGeneration(hooks: { emitStatus: () => void; onStart: () => void; onStop: () => void }): void;
}

interface AdminStateFile extends Record<string, unknown> {
  schemaVersion: 1;
  enrolment: EnrolmentStatus | null;
}

export type GenerationBuilder = (deps: CoreDeps, services: TillServices) => Promise<Core>;

export function sequraOrigin(config: MachineConfig | null): string | null {
  if (!config) return null;
  return config.sequra.environment === 'custom'
    ? (config.sequra.baseUrl ?? null)
    : SEQURA_BASE_URLS[config.sequra.environment];
}

export async function createTillCore(deps: CoreDeps, build: GenerationBuilder): Promise<Core> {
  const clock = deps.clock ?? (() => new Date());
  // Our own files get the same protection as the sale files: a corrupt one is set aside and reported, never
  // silently reset (the recovery screen lists set-aside files found in the data folder).
  const createStore = versionedStoreFactory(deps.createStore, {
    specFor: () => null,
    clock,
    onSetAside: (file) =>
      deps.log.error('storage.set_aside', { name: file.name, path: file.setAsidePath, reason: file.reason }),
  });
  const db = openTillDatabase(tillDatabasePath(deps.dataDir), { quickCheck: true });
  // A data folder written by an earlier version: its operators, PIN counters and audit log come in first.
  importLegacyData(db, deps.dataDir, TILL_LEGACY_KINDS, deps.log);
  const audit = new AuditLog(db, clock);
  const calls = new CallRecorder(clock);
  const connectivityHistory = new ConnectivityHistory();
  const adminState: KeyValueStore<AdminStateFile> = createStore<AdminStateFile>({
    name: 'admin-state',
    cwd: deps.dataDir,
    defaults: { schemaVersion: 1, enrolment: null },
  });
  const machineConfigPath = deps.machineConfig.path ?? null;
  const enrolmentFilePath = enrolmentFilePathFor(machineConfigPath);

  let hooks: { emitStatus: () => void; onStart: () => void; onStop: () => void } | null = null;
  const operators = new OperatorsService({
    db,
    firstRunReopenToken: () => readReopenToken(machineConfigPath),
    clock,
    audit,
    onChange: () => hooks?.emitStatus(),
  });

  let credentialsStored = false;
  let restartRequest: string | null = null;
  const services: TillServices = {
    db,
    operators,
    audit,
    calls,
    connectivityHistory,
    createStore,
    machineConfigPath,
    enrolmentFilePath,
    get credentialsStored() {
      return credentialsStored;
    },
    enrolment: () => adminState.get('enrolment'),
    setEnrolment: (status) => adminState.set('enrolment', status),
    outboundFetch: (config, trainingSandboxBaseUrl) =>
      createOutboundAllowlist(calls.wrap(deps.fetch), {
        allowedOrigins: () => [sequraOrigin(config), trainingSandboxBaseUrl()],
        onRefused: (origin) => deps.log.warn('outbound.refused', { origin }),
      }),
    requestRestart: (reason) => restart(reason),
    bindGeneration: (next) => {
      hooks = next;
    },
  };

  // ---------------------------------------------------------------------------------------- generations
  const listeners = new Set<CoreEventListener>();
  let current: Core;
  let unsubscribe: () => void = () => {};
  let started = false;
  let switching: Promise<void> | null = null;
  let inFlight = 0;
  let drained: Array<() => void> = [];

  async function buildGeneration(machineConfig: MachineConfigLoad): Promise<Core> {
    // The one-time credentials file is dealt with first, so that a good file makes this very start live.
    try {
      const enrolment = await enrolFromFile({
        filePath: enrolmentFilePath,
        machineConfig,
        secrets: deps.secrets,
        fetch: services.outboundFetch(machineConfig.kind === 'ok' ? machineConfig.config : null, () => null),
        appVersion: deps.appVersion,
        clock,
        audit,
        log: deps.log,
      });
      if (enrolment) services.setEnrolment(enrolment);
    } catch (error) {
      // Enrolment is a convenience: whatever goes wrong with it, the till still starts.
      deps.log.error('enrolment.failed', { error: error instanceof Error ? error.name : 'unknown' });
    }
    credentialsStored = !!(await deps.secrets.getCredentials());
    hooks = null;
    const generation = await build({ ...deps, machineConfig }, services);
    unsubscribe = generation.onEvent((event, payload) => {
      if (event === 'connectivity.changed')
        connectivityHistory.observe(payload as Parameters<ConnectivityHistory['observe']>[0]);
      for (const listener of listeners) listener(event, payload);
    });
    return generation;
  }

  async function startGeneration(): Promise<void> {
    await current.start();
    hooks?.onStart();
    operators.start();
  }

  current = await buildGeneration(deps.machineConfig);

  function restart(reason: string): void {
    if (switching) return;
    restartRequest = reason;
    switching = (async () => {
      // Let the request that asked for this be answered first, then wait for every other one in flight.
      await new Promise((resolve) => setImmediate(resolve));
      if (inFlight > 0) await new Promise<void>((resolve) => drained.push(resolve));
      hooks?.onStop();
      unsubscribe();
      try {
        await current.stop();
      } catch (error) {
        deps.log.error('core.generation_stop_failed', { error: error instanceof Error ? error.name : 'unknown' });
      }
      // The configuration file is read again: a fixed file takes effect here, without an app restart.
      const machineConfig = machineConfigPath ? loadMachineConfig(machineConfigPath) : deps.machineConfig;
      current = await buildGeneration(machineConfig);
      if (started) await startGeneration();
      audit.record({
        actor: 'system',
        action: 'till.restarted',
        outcome: 'ok',
        detail: `${restartRequest}; now ${machineConfig.kind === 'ok' && credentialsStored ? 'live' : 'training'}`,
      });
      deps.log.info('core.generation_restarted', { reason: restartRequest });
      const status = await current.dispatch('app.getStatus', {}, true);
      if (status.ok) for (const listener of listeners) listener('status.changed', status.data as never);
    })()
      .catch((error: unknown) =>
        deps.log.error('core.restart_failed', { error: error instanceof Error ? error.message : 'unknown' }),
      )
      .finally(() => {
        switching = null;
      });
  }

  const own: Partial<Core> = {
    async dispatch(channel, request, senderTrusted) {
      while (switching) await switching;
      const generation = current;
      inFlight += 1;
      try {
        return await generation.dispatch(channel, request, senderTrusted);
      } finally {
        inFlight -= 1;
        if (inFlight === 0) {
          const waiting = drained;
          drained = [];
          for (const resolve of waiting) resolve();
        }
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async start() {
      started = true;
      await startGeneration();
    },
    async stop() {
      started = false;
      while (switching) await switching;
      operators.stop();
      hooks?.onStop();
      unsubscribe();
      await current.stop();
      db.close();
    },
  };

  // Every other member of Core (added by other capabilities: pendingWork, trainingSandbox…) is the running
  // generation's, looked up at call time so it follows a restart.
  return new Proxy(own as Core, {
    get(target, property, receiver) {
      if (property in own) return Reflect.get(target, property, receiver);
      const value = Reflect.get(current, property, current) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
  });
}

/** The till database: <dataDir>/till.db (with its -wal and -shm files beside it while the app runs). */
export function tillDatabasePath(dataDir: string): string {
  return join(dataDir, 'till.db');
}

/**
 * Store IT's one-time permission to create a first manager again on a till whose operators were lost: a file
 * `allow-first-manager.txt` next to the machine configuration (a folder only IT can write), holding any
 * text IT chooses. Each distinct text opens first-run once (docs/it-guide.md).
 */
export const FIRST_MANAGER_FILE = 'allow-first-manager.txt';
function readReopenToken(machineConfigPath: string | null): string | null {
  if (!machineConfigPath) return null;
  try {
    const text = readFileSync(join(dirname(machineConfigPath), FIRST_MANAGER_FILE), 'utf8').trim();
    return text ? text.slice(0, 200) : null;
  } catch {
    return null;
  }
}

/** Where exports (audit, diagnostics) are written: <dataDir>/exports. */
export function exportsDir(dataDir: string): string {
  return join(dataDir, 'exports');
}
