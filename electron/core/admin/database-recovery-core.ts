import { isChannel } from '../../../shared/ipc/channels.ts';
import { contract } from '../../../shared/ipc/contract.ts';
import { ipcFail, type IpcResult } from '../../../shared/ipc/result.ts';
import type { Language, TillStatus } from '../../../shared/ipc/status-schemas.ts';
import type { DatabaseProblem } from '../db/startup.ts';
import type { Core, CoreDeps } from '../core-types.ts';
import { configStatusOf, policyOf } from './till-admin.ts';

// What the till runs instead of the normal core when its database is damaged or missing (db/startup.ts): it
// answers its status, with the database notice the recovery screen shows, and its language; every other
// request is refused with the storage code. Nothing here opens, creates or writes a database, starts the
// training sandbox or calls SeQura: the data folder stays exactly as store IT will find it.
const ANSWERED = new Set(['app.getStatus', 'app.setLanguage', 'connectivity.checkNow']);

export function createDatabaseRecoveryCore(deps: CoreDeps, problem: DatabaseProblem): Core {
  const clock = deps.clock ?? (() => new Date());
  const config = deps.machineConfig.kind === 'ok' ? deps.machineConfig.config : null;
  let language: Language = config?.defaultLanguage ?? 'es';

  function status(): TillStatus {
    return {
      appVersion: deps.appVersion,
      mode: config ? 'live' : 'training',
      environment: { kind: config ? config.sequra.environment : 'training-sandbox', baseUrl: '' },
      merchantId: config?.sequra.merchantId ?? '',
      // The training defaults of a till without a configuration file (app-core.ts), so the top bar reads the same.
      storeRef: config?.storeRef ?? 'FORMACION',
      tillId: config?.tillId ?? '01',
      language,
      connectivity: {
        // Nothing here calls SeQura (see above): the pill says it is not used rather than "checking".
        state: 'not_used',
        since: null,
        lastCheckedAt: null,
        lastError: null,
        pendingCount: 0,
        oldestPendingAt: null,
      },
      trainingPhoneBaseUrl: null,
      recovery: null,
      database: {
        kind: problem.kind,
        keptAt: problem.keptAt,
        detail: problem.detail,
        at: problem.at,
        lastTicket: problem.lastTicket,
        permissionFile: problem.permissionFile,
      },
      config: configStatusOf(deps.machineConfig),
      policy: policyOf(config),
      session: null,
      setup: {
        managerExists: false,
        operatorsLost: true,
        credentialsStored: false,
        enrolmentFilePath: null,
        enrolment: null,
        liveBlockedReason: null,
        auditChain: { state: 'unverifiable', entries: 0, problem: null, brokenAtSeq: null, unverifiable: 0 },
      },
    };
  }

  async function dispatch(channel: unknown, request: unknown, senderTrusted: boolean): Promise<IpcResult<unknown>> {
    if (!senderTrusted) return ipcFail('forbidden_sender', 'Request refused: it did not come from the till app.');
    if (!isChannel(channel)) return ipcFail('unknown_channel', 'Unknown request.');
    if (!ANSWERED.has(channel))
      return ipcFail(
        'storage_corrupt',
        `The till database is ${problem.kind}: this till cannot sell until store IT restores it (see the screen).`,
      );
    const parsed = contract[channel].request.safeParse(request);
    if (!parsed.success) return ipcFail('invalid_request', 'The request was not valid.');
    if (channel === 'app.setLanguage') language = (parsed.data as { language: Language }).language;
    const checked = contract[channel].response.safeParse(
      channel === 'connectivity.checkNow' ? status().connectivity : status(),
    );
    return checked.success
      ? { ok: true, data: checked.data }
      : ipcFail('internal', 'The till produced an invalid answer.');
  }

  deps.log.error('core.database_recovery', { kind: problem.kind, keptAt: problem.keptAt, at: clock().toISOString() });
  return {
    dispatch,
    onEvent: () => () => {},
    start: async () => {},
    stop: async () => {},
    nudgeConnectivity: () => {},
    pendingWork: () => ({ open: 0, oldestOpenAt: null, needsAttention: 0, queuedSales: 0 }),
    languageForNativeDialogs: () => language,
    trainingSandbox: null,
  };
}
