import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AdminChannel, AuditChain, ConfigStatus, Policy, Setup } from '../../../shared/ipc/admin-schemas.ts';
import type { AuditChainReport } from '../audit/audit-chain.ts';
import type { TillStatus } from '../../../shared/ipc/status-schemas.ts';
import type { CoreDeps, CoreEventListener } from '../core-types.ts';
import { receiptPaperWidthMm, sequraBaseUrl, tillPolicy, type MachineConfig } from '../config/machine-config.ts';
import { buildDiagnostics, stamp, writeDiagnostics } from '../diagnostics/bundle.ts';
import { AppError } from '../errors.ts';
import type { Handlers } from '../ipc/dispatcher.ts';
import type { SaleJournal } from '../journal/journal.ts';
import type { Outbox } from '../outbox/outbox.ts';
import { purgePersonalData } from '../privacy/purge.ts';
import type { StoreFactory } from '../storage/store.ts';
import { testSequraConnection } from './connection-test.ts';
import { enrolFromFile } from './enrolment.ts';
import { exportsDir, type TillServices } from './till-core.ts';

// Inside one core generation: the handlers of the session/operators/admin/audit/diagnostics channels and the
// personal-data purge timer (who may call which channel is the dispatcher's access guard: ipc/access.ts). The status fields
// the renderer needs come from `tillAdminStatus`, built before the generation's status so that nothing here
// refers to a later part of the composition (app-core.ts).
export interface GenerationContext {
  deps: CoreDeps;
  config: MachineConfig | null;
  connection: {
    mode: 'training' | 'live';
    kind: TillStatus['environment']['kind'];
    baseUrl: string;
    merchantId: string;
  };
  salesDir: string;
  journal: SaleJournal;
  outbox: Outbox;
  /** The generation's versioned store factory (journal and history files go through it). */
  createStore: StoreFactory;
  status: () => TillStatus;
  emit: CoreEventListener;
  outboundFetch: typeof fetch;
  clock: () => Date;
  /** Stop this generation and build a new one (after the current request has been answered). */
  requestRestart: (reason: string) => void;
}

const PURGE_INTERVAL_MS = 6 * 3600_000;

export interface TillAdmin {
  /** The session, operators, credentials, configuration, audit and diagnostics channels. */
  handlers: Pick<Handlers, AdminChannel>;
  /** The purge timer runs while the generation does. */
  start(): void;
  stop(): void;
}

type StatusFields = Pick<TillStatus, 'config' | 'policy' | 'session' | 'setup'>;

/** The status fields of this capability: the configuration file, the store policy, the session, first-run state. */
export function tillAdminStatus(
  services: TillServices,
  machineConfig: CoreDeps['machineConfig'],
  mode: TillStatus['mode'],
): { statusFields(): StatusFields } {
  const { operators } = services;
  const config: MachineConfig | null = machineConfig.kind === 'ok' ? machineConfig.config : null;
  // ------------------------------------------------------------------------------------------ status
  function setup(): Setup {
    const liveBlockedReason: Setup['liveBlockedReason'] =
      mode === 'live'
        ? null
        : machineConfig.kind === 'absent'
          ? 'no_config'
          : machineConfig.kind === 'invalid'
            ? 'config_invalid'
            : services.credentialsStored
              ? null
              : 'no_credentials';
    return {
      managerExists: operators.managerExists(),
      operatorsLost: operators.operatorsLost(),
      credentialsStored: services.credentialsStored,
      enrolmentFilePath: services.enrolmentFilePath,
      enrolment: services.enrolment(),
      liveBlockedReason,
      auditChain: auditChainView(services.audit.chainReport()),
    };
  }

  return {
    statusFields: () => ({
      config: configStatusOf(machineConfig),
      policy: policyOf(config),
      session: operators.sessionView(),
      setup: setup(),
    }),
  };
}

export function attachTillAdmin(services: TillServices, ctx: GenerationContext): TillAdmin {
  const { deps, config, connection, clock } = ctx;
  const { operators, audit } = services;
  const machineConfig = deps.machineConfig;
  const configInvalid = machineConfig.kind === 'invalid';

  operators.setMode(connection.mode);
  operators.setAutoLockMinutes(tillPolicy(config).autoLockMinutes);
  audit.setTraining(connection.mode === 'training');
  if (machineConfig.kind === 'invalid') {
    audit.record({
      actor: 'system',
      action: 'config.invalid',
      outcome: 'refused',
      target: machineConfig.path,
      detail: machineConfig.problems.map((p) => p.key).join(', '),
    });
    deps.log.error('config.invalid', { path: machineConfig.path, problems: machineConfig.problems });
  }

  // ------------------------------------------------------------------------------ personal-data purge
  let purgeTimer: ReturnType<typeof setInterval> | null = null;
  function purge(): void {
    try {
      const { purged } = purgePersonalData({
        db: services.db,
        activeJournal: ctx.journal,
        activeOutbox: ctx.outbox,
        personalDataDays: tillPolicy(config).personalDataDays,
        clock,
      });
      if (purged > 0) {
        audit.record({ actor: 'system', action: 'privacy.purged', outcome: 'ok', detail: `${purged} sale(s)` });
        deps.log.info('privacy.purged', { purged, personalDataDays: tillPolicy(config).personalDataDays });
      }
    } catch (error) {
      // Housekeeping: logged and tried again at the next run, never a reason not to sell.
      deps.log.error('privacy.purge_failed', { error: error instanceof Error ? error.name : 'unknown' });
    }
  }

  function pushStatus(): void {
    ctx.emit('status.changed', ctx.status());
  }

  // ---------------------------------------------------------------------------------------- handlers
  const session = () => ({ session: operators.sessionView() });

  const own: Pick<Handlers, AdminChannel> = {
    'session.signIn': async ({ operatorId, pin }) => ({ session: await operators.signIn(operatorId, pin) }),
    'session.signOut': async () => {
      operators.signOut();
      return session();
    },
    'session.lock': async () => ({ session: operators.lock('manual') }),
    'session.unlock': async ({ pin }) => ({ session: await operators.unlock(pin) }),
    'session.activity': async () => {
      operators.activity();
      return { locked: !operators.isUnlocked() };
    },
    'session.elevate': async ({ managerPin }) => ({ session: await operators.elevate(managerPin) }),
    'session.endElevation': async () => ({ session: operators.endElevation() }),

    'operators.list': async () => {
      operators.requireElevation(true);
      return { operators: operators.list() };
    },
    'operators.create': async (request) => {
      const by = operators.requireElevation(true);
      const list = await operators.create(request, by);
      pushStatus();
      return { operators: list };
    },
    'operators.bootstrapManager': async (request) => {
      const list = await operators.bootstrapManager(request);
      pushStatus();
      return { operators: list };
    },
    'operators.setPin': async ({ id, pin }) => ({
      operators: await operators.setPin(id, pin, operators.requireElevation(true)),
    }),
    'operators.setDisabled': async ({ id, disabled }) => {
      const list = operators.setDisabled(id, disabled, operators.requireElevation(true));
      pushStatus();
      return { operators: list };
    },

    'admin.testConnection': async ({ credentials }) => {
      const by = operators.requireElevation(false);
      const result = await testSequraConnection({
        config,
        credentials: credentials ?? (await deps.secrets.getCredentials()),
        fetch: ctx.outboundFetch,
        appVersion: deps.appVersion,
        clock,
      });
      audit.record({
        actor: by,
        action: 'credentials.tested',
        outcome: result.ok ? 'ok' : 'refused',
        target: result.merchantId,
        detail: result.problem,
      });
      return result;
    },
    'admin.saveCredentials': async ({ credentials, managerPin }) => {
      const { operatorRef } = await operators.authorizeRealManager(managerPin, 'credentials.save');
      if (!config)
        throw new AppError(
          'conflict',
          'Deploy a valid machine configuration file first: it says which SeQura host and merchant to use.',
          { fields: { config: machineConfig.kind } },
        );
      const test = await testSequraConnection({
        config,
        credentials,
        fetch: ctx.outboundFetch,
        appVersion: deps.appVersion,
        clock,
      });
      if (!test.ok) {
        audit.record({
          actor: operatorRef,
          action: 'credentials.save',
          outcome: 'refused',
          target: test.merchantId,
          detail: `connection test failed: ${test.problem}`,
        });
        return { test, restarting: false };
      }
      await deps.secrets.setCredentials(credentials);
      audit.record({
        actor: operatorRef,
        action: 'credentials.saved',
        outcome: 'ok',
        target: test.merchantId,
        detail: connection.mode === 'training' ? 'switching to live' : 'replacing the live credentials',
      });
      ctx.requestRestart(connection.mode === 'training' ? 'switched to live' : 'credentials replaced');
      return { test, restarting: true };
    },
    'admin.removeCredentials': async ({ managerPin }) => {
      const { operatorRef } = await operators.authorizeRealManager(managerPin, 'credentials.remove');
      await deps.secrets.clearCredentials();
      audit.record({ actor: operatorRef, action: 'credentials.removed', outcome: 'ok', detail: 'back to training' });
      ctx.requestRestart('credentials removed');
      return { restarting: true };
    },
    'admin.enrolFromFile': async () => {
      const by = operators.requireElevation(false);
      const enrolment = await enrolFromFile({
        filePath: services.enrolmentFilePath,
        machineConfig,
        secrets: deps.secrets,
        fetch: ctx.outboundFetch,
        appVersion: deps.appVersion,
        clock,
        audit,
        log: deps.log,
      });
      if (!enrolment) {
        audit.record({
          actor: by,
          action: 'credentials.enrolment_no_file',
          outcome: 'refused',
          target: services.enrolmentFilePath,
        });
        return { enrolment: null, restarting: false };
      }
      services.setEnrolment(enrolment);
      const restarting = enrolment.outcome === 'enrolled';
      if (restarting) ctx.requestRestart('credentials enrolled from file');
      else pushStatus();
      return { enrolment, restarting };
    },
    'admin.reloadConfig': async () => {
      // A broken configuration blocks selling anyway: anyone at the till may ask to read the fixed file.
      // Otherwise re-reading it restarts the core, which is a manager's decision.
      const by = configInvalid ? (operators.sessionView()?.operatorRef ?? 'it') : operators.requireElevation(false);
      audit.record({ actor: by, action: 'config.reload', outcome: 'ok', target: machineConfig.path ?? null });
      ctx.requestRestart('configuration re-read');
      return { restarting: true };
    },

    'admin.checkDatabase': async () => {
      const by = operators.requireElevation(false);
      const started = clock();
      const startedMs = performance.now();
      const result = services.db.check('full');
      const durationMs = Math.max(0, Math.round(performance.now() - startedMs));
      const problems = result.ok ? [] : result.problems.map((p) => p.slice(0, 300)).slice(0, 20);
      audit.record({
        actor: by,
        action: 'database.checked',
        outcome: result.ok ? 'ok' : 'failed',
        detail: result.ok ? `integrity_check ok in ${durationMs} ms` : `${problems.length} problem(s)`,
      });
      if (!result.ok) deps.log.error('storage.integrity_check_failed', { problems });
      return { ok: result.ok, problems, checkedAt: started.toISOString(), durationMs };
    },
    'audit.export': async () => {
      const by = operators.requireElevation(false);
      const now = clock();
      const path = join(exportsDir(deps.dataDir), `audit-${stamp(now)}.jsonl`);
      audit.record({ actor: by, action: 'audit.exported', outcome: 'ok', target: path.split(/[\\/]/).pop() ?? null });
      mkdirSync(exportsDir(deps.dataDir), { recursive: true });
      const written = audit.exportTo(path);
      // The admin screen shows the finding at once (the status carries it from now on too).
      ctx.emit('status.changed', ctx.status());
      return { ...written, path, chain: auditChainView(written.chain) };
    },
    'diagnostics.export': async () => {
      const now = clock();
      const status = ctx.status();
      const bundle = buildDiagnostics({
        generatedAt: now.toISOString(),
        appVersion: deps.appVersion,
        platformUname: deps.platformUname,
        status,
        machineConfig,
        credentialsStored: services.credentialsStored,
        enrolmentFilePath: services.enrolmentFilePath,
        enrolment: services.enrolment(),
        proxy: await proxyFor(deps, connection.baseUrl),
        calls: services.calls.recent(),
        connectivityHistory: services.connectivityHistory.all(),
        outbox: { items: ctx.outbox.items(), counts: ctx.outbox.counts() },
        activeSales: ctx.journal.active().map((s) => ({
          id: s.id,
          step: s.step,
          ticketNumber: s.ticketNumber,
          updatedAt: s.updatedAt,
          pendingInstructions: s.pendingInstructions,
          training: s.training,
        })),
        logFilePath: join(deps.dataDir, 'logs', 'sequra-pos.log'),
      });
      const written = writeDiagnostics(exportsDir(deps.dataDir), bundle, now);
      audit.record({
        actor: operators.sessionView()?.operatorRef ?? 'it',
        action: 'diagnostics.exported',
        outcome: 'ok',
        target: written.path.split(/[\\/]/).pop() ?? null,
      });
      const calls = (bundle.sequraCalls as unknown[]).length;
      return { path: written.path, bytes: written.bytes, entries: calls };
    },
  };

  return {
    start() {
      purge();
      purgeTimer = setInterval(purge, PURGE_INTERVAL_MS);
      purgeTimer.unref?.();
    },
    stop() {
      if (purgeTimer) clearInterval(purgeTimer);
      purgeTimer = null;
    },
    handlers: own,
  };
}

async function proxyFor(deps: CoreDeps, url: string): Promise<{ url: string; rule: string | null }> {
  if (!deps.resolveProxy) return { url, rule: null };
  try {
    return { url, rule: (await deps.resolveProxy(url)).slice(0, 500) };
  } catch (error) {
    return { url, rule: `could not be resolved: ${error instanceof Error ? error.name : 'unknown'}` };
  }
}

function auditChainView(report: AuditChainReport): AuditChain {
  const { state, entries, problem, brokenAtSeq, unverifiable } = report;
  return { state, entries, problem, brokenAtSeq, unverifiable };
}

/** The machine configuration file as the status shows it: state, problems naming the key, values. */
export function configStatusOf(machineConfig: CoreDeps['machineConfig']): ConfigStatus {
  if (machineConfig.kind === 'absent')
    return { state: 'absent', path: machineConfig.path ?? null, problems: [], values: [] };
  if (machineConfig.kind === 'invalid')
    return { state: 'invalid', path: machineConfig.path, problems: machineConfig.problems.slice(0, 100), values: [] };
  const c = machineConfig.config;
  const values: Array<[string, unknown]> = [
    ['sequra.environment', c.sequra.environment],
    ['sequra.baseUrl', sequraBaseUrl(c)],
    ['sequra.merchantId', c.sequra.merchantId],
    ['storeRef', c.storeRef],
    ['tillId', c.tillId],
    ['allowedProducts', c.allowedProducts ? c.allowedProducts.join(', ') : '*'],
    ['requireNinControl', c.requireNinControl],
    ['usesShippedCart', c.usesShippedCart],
    ['offlineGoodsRelease', c.offlineGoodsRelease],
    ['retentionDays', c.retentionDays],
    ['personalDataDays', c.personalDataDays],
    ['defaultLanguage', c.defaultLanguage],
    ['autoLockMinutes', c.autoLockMinutes],
  ];
  return {
    state: 'ok',
    path: machineConfig.path,
    problems: [],
    values: values.map(([key, value]) => ({ key, value: String(value).slice(0, 500) })),
  };
}

/** The store policy the sale screens follow (the configuration's, or the training defaults). */
export function policyOf(config: MachineConfig | null): Policy {
  const { requireNinControl, usesShippedCart, offlineGoodsRelease, autoLockMinutes, personalDataDays, retentionDays } =
    tillPolicy(config);
  return {
    requireNinControl,
    usesShippedCart,
    offlineGoodsRelease,
    allowedProducts: config?.allowedProducts ?? null,
    autoLockMinutes,
    personalDataDays,
    retentionDays,
    receipt: {
      printerConfigured: !!config?.receiptPrinter,
      paperWidthMm: receiptPaperWidthMm(config),
    },
  };
}
