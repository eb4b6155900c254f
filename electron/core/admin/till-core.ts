import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EnrolmentStatus } from '../../../shared/ipc/admin-schemas.ts';
import { AuditLog } from '../audit/audit-log.ts';
import type { TillDatabase } from '../db/database.ts';
import { setMetaOnce } from '../db/meta.ts';
import {
  DATABASE_MARKER_DEFAULTS,
  openTillDatabaseAtStart,
  type DatabaseMarkerFile,
  type DatabaseProblem,
  type FailedVerdict,
  type IntegrityCheckInProgress,
} from '../db/startup.ts';
import { StorageError, storageErrorOf } from '../db/storage-error.ts';
import { keepStampsAbove, stampOfTicketNumber } from '../journal/ticket-numbers.ts';
import { OPERATORS_LOST_KEY } from '../operators/operator-directory.ts';
import { importLegacyData, LEGACY_KINDS } from '../db/legacy-import.ts';
import {
  loadMachineConfig,
  sequraBaseUrl,
  type MachineConfig,
  type MachineConfigLoad,
} from '../config/machine-config.ts';
import type { Core, CoreDeps, CoreEventListener } from '../core-types.ts';
import { CallRecorder, ConnectivityHistory } from '../diagnostics/call-recorder.ts';
import { EVENT_ACCESS } from '../ipc/access.ts';
import { toRendererEvent } from '../ipc/events.ts';
import { OperatorsService } from '../operators/operators-service.ts';
import { createOutboundAllowlist } from '../security/outbound-allowlist.ts';
import { versionedStoreFactory } from '../storage/versioned-store.ts';
import type { TillKeys } from '../security/till-key.ts';
import type { KeyValueStore, StoreFactory } from '../storage/store.ts';
import { enrolFromFile, enrolmentFilePathFor } from './enrolment.ts';

// What outlives one *generation* of the core (app-core.ts builds generations): operators and the signed-in
// session, the audit log, the recorded SeQura calls and connectivity history (diagnostics), and the last
// enrolment outcome. Switching to live, replacing or removing credentials and re-reading the machine
// configuration stop the running generation and build a new one from the same injected capabilities — the
// same thing an app restart does, without one, so "test connection → go live" is one screen for store IT.
export interface TillServices {
  /** The till database: one connection, owned here, for the till's whole run (db/database.ts). */
  readonly db: TillDatabase;
  /** The start's integrity check while it runs beside the start (db/startup.ts); null: already passed. */
  readonly integrity: IntegrityCheckInProgress | null;
  /**
   * Keeps the preferences' "last ticket handed out" in step with the database (db/startup.ts); `ticket`: the
   * ticket number of the sale that was just recorded, when it has one.
   */
  rememberLastTickets(ticket?: { realm: 'live' | 'training'; number: string }): void;
  /** Operators, the session and manager authorisation (also the ManagerAuthorizer for other capabilities). */
  readonly operators: OperatorsService;
  readonly audit: AuditLog;
  readonly calls: CallRecorder;
  readonly connectivityHistory: ConnectivityHistory;
  /** The versioned store factory for the files this capability owns (operators, pin-attempts, admin-state). */
  readonly createStore: StoreFactory;
  readonly machineConfigPath: string | null;
  readonly enrolmentFilePath: string | null;
  /** Whether the SecretStore held credentials when the running generation was built. */
  readonly credentialsStored: boolean;
  enrolment(): EnrolmentStatus | null;
  setEnrolment(status: EnrolmentStatus): void;
  /** The outbound allow-list and call recorder around the injected fetch, for one generation. */
  outboundFetch(config: MachineConfig | null, trainingSandboxBaseUrl: () => string | null): typeof fetch;
  /** The session changed (sign-in, lock, elevation, operators): the running generation pushes its status. */
  onSessionChange(listener: () => void): () => void;
}

interface AdminStateFile extends Record<string, unknown> {
  schemaVersion: 1;
  enrolment: EnrolmentStatus | null;
}

/** Builds one generation for a machine configuration; `requestRestart` asks for the next one. */
export type GenerationBuilder = (
  machineConfig: MachineConfigLoad,
  requestRestart: (reason: string) => void,
) => Promise<Core>;

/** `tillKeys`: derived from the SecretStore's till key (security/till-key.ts) by createCore. */
export async function createTillServices(
  deps: CoreDeps,
  tillKeys: TillKeys,
  keptAsideAtStart?: { keptAt: string; detail: string },
): Promise<TillServices & { refreshCredentialsStored(): Promise<void> }> {
  const clock = deps.clock ?? (() => new Date());
  // Our own files get the same protection as the sale files: a corrupt one is set aside and reported, never
  // silently reset (the recovery screen lists set-aside files found in the data folder).
  const createStore = versionedStoreFactory(deps.createStore, {
    specFor: () => null,
    clock,
    onSetAside: (file) =>
      deps.log.error('storage.set_aside', { name: file.name, path: file.setAsidePath, reason: file.reason }),
  });
  const machineConfigPath = deps.machineConfig.path ?? null;
  // Checked before anything uses it; a damaged or vanished database stops the start here (db/startup.ts):
  // the host then runs the database recovery core instead, never an empty till over the lost data.
  const databaseMarker = createStore<DatabaseMarkerFile>({
    name: 'till-database',
    cwd: deps.dataDir,
    defaults: DATABASE_MARKER_DEFAULTS,
  });
  const opening = await openTillDatabaseAtStart({
    path: tillDatabasePath(deps.dataDir),
    marker: databaseMarker,
    configDir: machineConfigPath ? dirname(machineConfigPath) : null,
    clock,
    log: deps.log,
    runQuickCheck: deps.runQuickCheck,
    keptAsideAtStart,
  });
  if (opening.kind === 'blocked') throw new DatabaseBlockedError(opening.problem);
  const { db, integrity } = opening;
  try {
    return buildTillServices(deps, tillKeys, opening, databaseMarker, createStore);
  } catch (error) {
    // Damage met before the check's verdict (the start read a damaged page): moved aside, then the start goes
    // on as if the check had found it (the recovery screen, or the new database store IT allowed).
    const fault = storageErrorOf(error);
    if (!integrity || fault?.code !== 'storage_corrupt') throw error;
    db.close();
    const problem = await integrity.setAside({ ok: false, detail: fault.message, damaged: true });
    return createTillServices(deps, tillKeys, { keptAt: problem.keptAt!, detail: fault.message });
  }
}

function buildTillServices(
  deps: CoreDeps,
  tillKeys: TillKeys,
  opening: Extract<Awaited<ReturnType<typeof openTillDatabaseAtStart>>, { kind: 'opened' }>,
  databaseMarker: KeyValueStore<DatabaseMarkerFile>,
  createStore: StoreFactory,
): TillServices & { refreshCredentialsStored(): Promise<void> } {
  const clock = deps.clock ?? (() => new Date());
  const machineConfigPath = deps.machineConfig.path ?? null;
  const { db, integrity } = opening;
  // Nothing reaches SeQura (or the training sandbox) before the integrity check has passed: whatever asks
  // for a call meanwhile waits for the verdict, and a failed one refuses it.
  const fetchWhenChecked = integrity ? holdUntilChecked(deps.fetch, integrity) : deps.fetch;
  // A new database store IT allowed after a loss: the operators that existed are gone, and first-run manager
  // creation stays closed (allow-first-manager.txt opens it, like any lost operator table).
  if (opening.replaced)
    db.write(() =>
      setMetaOnce(db, OPERATORS_LOST_KEY, `database ${opening.replaced!.kind} at ${opening.replaced!.at}`),
    );
  // A data folder written by an earlier version (JSON files) is carried into the database first.
  importLegacyData(db, deps.dataDir, LEGACY_KINDS, deps.log);
  const audit = new AuditLog(db, clock, { key: tillKeys.auditKey, keyId: tillKeys.keyId }, deps.dataDir);
  const adminState: KeyValueStore<AdminStateFile> = createStore<AdminStateFile>({
    name: 'admin-state',
    cwd: deps.dataDir,
    defaults: { schemaVersion: 1, enrolment: null },
  });
  const sessionListeners = new Set<() => void>();
  const operators = new OperatorsService({
    db,
    firstRunReopenToken: () => readReopenToken(machineConfigPath),
    clock,
    audit,
    pepper: tillKeys.pepper,
    onChange: () => {
      for (const listener of sessionListeners) listener();
    },
  });
  reportTillKey(tillKeys, operators, audit, deps.log);
  if (opening.replaced)
    audit.record({
      actor: 'it',
      action: 'database.replaced',
      outcome: 'ok',
      target: opening.replaced.keptAt ?? 'missing',
      detail: `a new database after the old one was ${opening.replaced.kind}; tickets continue above ${opening.replaced.lastTicket ?? 'none'}`,
    });
  // A database put back from an older copy (the clock perhaps set back too) continues above the last
  // number the preferences saw issued, not only above its own.
  const remembered = databaseMarker.get('lastTicket');
  keepStampsAbove(db, [remembered.live?.number, remembered.training?.number]);
  rememberLastTickets(db, databaseMarker, deps.log);
  const calls = new CallRecorder(clock);
  let credentialsStored = false;

  return {
    db,
    integrity,
    rememberLastTickets: (ticket) => rememberLastTickets(db, databaseMarker, deps.log, ticket),
    operators,
    audit,
    calls,
    connectivityHistory: new ConnectivityHistory(),
    createStore,
    machineConfigPath,
    enrolmentFilePath: enrolmentFilePathFor(machineConfigPath),
    get credentialsStored() {
      return credentialsStored;
    },
    async refreshCredentialsStored() {
      credentialsStored = !!(await deps.secrets.getCredentials());
    },
    enrolment: () => adminState.get('enrolment'),
    setEnrolment: (status) => adminState.set('enrolment', status),
    outboundFetch: (config, trainingSandboxBaseUrl) =>
      createOutboundAllowlist(calls.wrap(fetchWhenChecked), {
        allowedOrigins: () => [config ? sequraBaseUrl(config) : null, trainingSandboxBaseUrl()],
        onRefused: (origin) => deps.log.warn('outbound.refused', { origin }),
      }),
    onSessionChange(listener) {
      sessionListeners.add(listener);
      return () => sessionListeners.delete(listener);
    },
  };
}

/**
 * The stable core the hosts hold: one generation at a time behind it. Requests that arrive during a switch
 * wait for the new generation; events are checked against their payload schema and the access table here,
 * once, for every transport (Electron IPC and the preview WebSocket forward them as they come).
 */
export async function createSwitchableCore(
  deps: CoreDeps,
  services: Awaited<ReturnType<typeof createTillServices>>,
  build: GenerationBuilder,
  /** What takes over when the integrity check fails after the start (the database recovery core). */
  recoveryCore: (problem: DatabaseProblem) => Core,
): Promise<Core> {
  const clock = deps.clock ?? (() => new Date());
  const listeners = new Set<CoreEventListener>();
  let unsubscribe: () => void = () => {};
  let started = false;
  let switching: Promise<void> | null = null;
  let restartReason: string | null = null;
  let inFlight = 0;
  let drained: Array<() => void> = [];

  function publish(event: string, payload: unknown): void {
    const checked = toRendererEvent(event, payload);
    if (!checked.ok) {
      deps.log.warn('ipc.event_dropped', { event: String(event).slice(0, 60), reason: checked.reason });
      return;
    }
    // A locked till shows nothing: sale and outbox events wait for an unlocked session (the generation sends
    // the sale as it is then: app-core.ts), like the channels that would return them (ipc/access.ts).
    if (EVENT_ACCESS[checked.event] !== 'none' && !services.operators.isUnlocked()) return;
    for (const listener of listeners) listener(checked.event, checked.payload as never);
  }

  async function buildGeneration(machineConfig: MachineConfigLoad): Promise<Core> {
    // The one-time credentials file is dealt with first, so that a good file makes this very start live.
    try {
      const enrolment = await enrolFromFile({
        filePath: services.enrolmentFilePath,
        machineConfig,
        secrets: deps.secrets,
        fetch: services.outboundFetch(machineConfig.kind === 'ok' ? machineConfig.config : null, () => null),
        appVersion: deps.appVersion,
        clock,
        audit: services.audit,
        log: deps.log,
      });
      if (enrolment) services.setEnrolment(enrolment);
    } catch (error) {
      // Enrolment is a convenience: whatever goes wrong with it, the till still starts.
      deps.log.error('enrolment.failed', { error: error instanceof Error ? error.name : 'unknown' });
    }
    await services.refreshCredentialsStored();
    const generation = await build(machineConfig, restart);
    unsubscribe = generation.onEvent((event, payload) => {
      if (event === 'connectivity.changed')
        services.connectivityHistory.observe(payload as Parameters<ConnectivityHistory['observe']>[0]);
      publish(event, payload);
    });
    return generation;
  }

  let current = await buildGeneration(deps.machineConfig);
  let stopped = false;

  // The start's integrity check runs beside it (db/startup.ts). Until its verdict only reads are answered;
  // every request that could change something waits for it (about a second at 100,000 stored sales), and the
  // generation's own work (resuming sales, draining the outbox, probing SeQura, retention) starts after it. A
  // failed check turns this core into the database recovery core, as a failed start would have.
  let checking: Promise<void> | null = null;
  let failedCheck = false;
  const integrity = services.integrity;
  if (integrity) {
    checking = integrity.verdict
      .then(async (verdict) => {
        if (!verdict.ok) await failOver(integrity, verdict);
      })
      .catch((error: unknown) =>
        deps.log.error('core.integrity_failover_failed', { error: error instanceof Error ? error.message : 'unknown' }),
      )
      .finally(() => {
        checking = null;
      });
  }

  /** Waits for every request in flight, then stops the generation serving them (its events unsubscribed first). */
  async function stopCurrentGeneration(): Promise<void> {
    if (inFlight > 0) await new Promise<void>((resolve) => drained.push(resolve));
    unsubscribe();
    try {
      await current.stop();
    } catch (error) {
      deps.log.error('core.generation_stop_failed', { error: error instanceof Error ? error.name : 'unknown' });
    }
  }

  function failOver(check: IntegrityCheckInProgress, verdict: FailedVerdict): Promise<void> {
    if (stopped) return Promise.resolve();
    failedCheck = true;
    // Like a generation switch: requests arriving now wait for the recovery core, and the reads in flight
    // finish before the database is closed under them.
    switching = (async () => {
      await stopCurrentGeneration();
      services.operators.stop();
      // Closed while the check's read-only connection is still open: no checkpoint into the damaged file.
      services.db.close();
      current = recoveryCore(await check.setAside(verdict));
      const status = await current.dispatch('app.getStatus', {}, true);
      if (status.ok) publish('status.changed', status.data);
    })().finally(() => {
      switching = null;
    });
    return switching;
  }

  async function startRunning(): Promise<void> {
    if (!started || failedCheck) return;
    await current.start();
    services.operators.start();
  }

  function restart(reason: string): void {
    if (switching) return;
    restartReason = reason;
    switching = (async () => {
      // Let the request that asked for this be answered first, then wait for every other one in flight.
      await new Promise((resolve) => setImmediate(resolve));
      await stopCurrentGeneration();
      // The configuration file is read again: a fixed file takes effect here, without an app restart.
      const machineConfig = services.machineConfigPath
        ? loadMachineConfig(services.machineConfigPath)
        : deps.machineConfig;
      current = await buildGeneration(machineConfig);
      if (started) await current.start();
      services.audit.record({
        actor: 'system',
        action: 'till.restarted',
        outcome: 'ok',
        detail: `${restartReason}; now ${machineConfig.kind === 'ok' && services.credentialsStored ? 'live' : 'training'}`,
      });
      deps.log.info('core.generation_restarted', { reason: restartReason });
      const status = await current.dispatch('app.getStatus', {}, true);
      if (status.ok) publish('status.changed', status.data);
    })()
      .catch((error: unknown) =>
        deps.log.error('core.restart_failed', { error: error instanceof Error ? error.message : 'unknown' }),
      )
      .finally(() => {
        switching = null;
      });
  }

  return {
    async dispatch(channel, request, senderTrusted) {
      if (checking && !READS_BEFORE_VERDICT.has(channel as string)) await checking;
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
      if (!checking) return startRunning();
      void checking
        .then(startRunning)
        .catch((error: unknown) =>
          deps.log.error('core.start_failed', { error: error instanceof Error ? error.message : 'unknown' }),
        );
    },
    async stop() {
      started = false;
      stopped = true;
      if (checking) await integrity?.abandon();
      while (switching) await switching;
      services.operators.stop();
      unsubscribe();
      await current.stop();
      // The audit head is written at most every 100 ms while the till runs; on the way out it names the last entry.
      services.audit.flushHead();
      services.db.close();
    },
    // The rest belongs to the running generation, asked at call time so it follows a restart.
    nudgeConnectivity: () => current.nudgeConnectivity(),
    pendingWork: () => current.pendingWork(),
    languageForNativeDialogs: () => current.languageForNativeDialogs(),
    get trainingSandbox() {
      return current.trainingSandbox;
    },
  };
}

/**
 * What is answered before the integrity check's verdict: reads of what the screen shows, which neither write
 * nor call SeQura. Everything else waits for the verdict.
 */
const READS_BEFORE_VERDICT: ReadonlySet<string> = new Set(['app.getStatus', 'sale.current', 'outbox.list']);

/** `fetch`, held until the integrity check has passed; refused if it failed. */
function holdUntilChecked(fetch: typeof globalThis.fetch, check: IntegrityCheckInProgress): typeof globalThis.fetch {
  let passed = false;
  void check.verdict.then((verdict) => {
    passed = verdict.ok;
  });
  return async (input, init) => {
    if (!passed && !(await check.verdict).ok)
      throw new StorageError('storage_corrupt', 'The till database failed its integrity check: nothing is sent.');
    return fetch(input, init);
  };
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

/** A new or replaced till key is worth a line in the audit log; PINs it cannot check are worth a warning. */
function reportTillKey(keys: TillKeys, operators: OperatorsService, audit: AuditLog, log: CoreDeps['log']): void {
  const needNewPin = operators.operatorsNeedingNewPin();
  log.info('tillkey.loaded', { source: keys.source, keyId: keys.keyId, operatorsNeedingNewPin: needNewPin.length });
  if (keys.source === 'created' || keys.source === 'replaced')
    audit.record({ actor: 'system', action: `tillkey.${keys.source}`, outcome: 'ok', target: keys.keyId });
  if (needNewPin.length > 0) {
    log.warn('tillkey.pins_unverifiable', { operators: needNewPin.length });
    audit.record({
      actor: 'system',
      action: 'tillkey.pins_unverifiable',
      outcome: 'failed',
      target: keys.keyId,
      detail: `PINs made under another till key: ${needNewPin.join(' ')}`,
    });
  }
}

/** Where exports (audit, diagnostics) are written: <dataDir>/exports. */
export function exportsDir(dataDir: string): string {
  return join(dataDir, 'exports');
}

/** The till database could not be used at start (damaged or missing): createCore runs the recovery core. */
export class DatabaseBlockedError extends Error {
  override readonly name = 'DatabaseBlockedError';
  constructor(readonly problem: DatabaseProblem) {
    super(`the till database is ${problem.kind}`);
  }
}

/** Whether `number` was issued after `than`: stamps only grow (a database put back continues above them). */
function laterStamp(number: string | null, than: string | undefined): boolean {
  const stamp = number ? stampOfTicketNumber(number) : null;
  const known = than ? stampOfTicketNumber(than) : null;
  return stamp !== null && (known === null || stamp > known);
}

/**
 * Copies the last ticket each realm handed out into the preferences, where it outlives the database: a lost
 * database is then reported with its last ticket, and a new one continues above it. Best effort (a full
 * disk must not turn a recorded step into a failure).
 */
function rememberLastTickets(
  db: TillDatabase,
  marker: KeyValueStore<DatabaseMarkerFile>,
  log: CoreDeps['log'],
  ticket?: { realm: 'live' | 'training'; number: string },
): void {
  const known = marker.get('lastTicket');
  if (ticket && known[ticket.realm]?.number === ticket.number) return;
  try {
    const rows = db.read(() =>
      db.sql
        .prepare<[], { realm: 'live' | 'training'; ticket_sequence: number; ticket_number: string | null }>(
          `SELECT j.realm, j.ticket_sequence,
                  (SELECT ticket_number FROM sales s WHERE s.realm = j.realm AND s.ticket_number IS NOT NULL
                    ORDER BY s.updated_at DESC LIMIT 1) AS ticket_number
             FROM sale_journal j`,
        )
        .all(),
    );
    let changed = false;
    const next = { ...known };
    for (const row of rows) {
      const number = ticket?.realm === row.realm ? ticket.number : row.ticket_number;
      // A later number, by count or (after a restored older database counts again from its copy) by stamp.
      const before = known[row.realm];
      const later = laterStamp(number, before?.number);
      if (row.ticket_sequence > (before?.sequence ?? 0) || later) {
        next[row.realm] = {
          sequence: Math.max(row.ticket_sequence, before?.sequence ?? 0),
          number: later || !before ? (number ?? String(row.ticket_sequence)) : before.number,
        };
        changed = true;
      }
    }
    if (changed) marker.set('lastTicket', next);
  } catch (error) {
    log.warn('storage.last_ticket_not_remembered', { error: error instanceof Error ? error.message : 'unknown' });
  }
}
