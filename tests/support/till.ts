import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../electron/core/app-core.ts';
import { quickCheckInWorker, type QuickCheckRunner } from '../../electron/core/db/integrity-check.ts';
import type { CoreDeps } from '../../electron/core/core-types.ts';
import { verifyAuditChain, type AuditChainReport, type AuditHead } from '../../electron/core/audit/audit-chain.ts';
import { AUDIT_HEAD_FILE } from '../../electron/core/audit/audit-log.ts';
import { deriveTillKeys } from '../../electron/core/security/till-key.ts';
import { loadMachineConfig } from '../../electron/core/config/machine-config.ts';
import { createFileLogger } from '../../electron/core/log/logger.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import {
  createMemorySecretStore,
  type SecretStore,
  type SequraCredentials,
} from '../../electron/core/secrets/secret-store.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { createConfStore } from '../../electron/core/storage/conf-store.ts';

// The real core on a real data directory, as the preview host and Electron build it. With a sandbox it
// runs "live" against that sandbox (which outlives core restarts, like SeQura does); without one it is a
// fresh install in training mode with its own in-process sandbox.
export function makeDataDir(prefix = 'sequra-pos-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface CoreOptions {
  dataDir: string;
  sandbox?: RunningSandbox;
  config?: Record<string, unknown>;
  clock?: () => Date;
  /**
   * Sign an operator in after start (default true), as a cashier would before selling: the training cashier
   * in training mode; in live mode a test manager (created on first use). Sales need a session.
   */
  signIn?: boolean;
  /** The machine configuration file's raw text (for broken files); wins over `config`. */
  configText?: string;
  /** Default: a memory store holding the sandbox's credentials when `sandbox` is given. */
  secrets?: SecretStore;
  /** Default: global fetch. */
  fetch?: typeof fetch;
  /** Stands in for Electron's silent webContents.print (the Electron binary cannot run here). */
  printReceipt?: CoreDeps['printReceipt'];
  /** Default: the real check in a worker thread. Tests wrap it to hold or watch the verdict. */
  runQuickCheck?: CoreDeps['runQuickCheck'];
}

/**
 * The till key every test core gets unless it brings its own secrets: the keychain keeps one key across
 * restarts, so tests that restart a core on the same folder keep it too.
 */
export const TEST_TILL_KEY = Buffer.alloc(32, 7);

/** The operator `startCore` signs in on a live till (created with the first-run "create the manager" path). */
export const TEST_MANAGER = { id: 'T900', displayName: 'Encargada de pruebas', pin: '482915' } as const;
/** The documented training operators (shared/ipc/admin-schemas.ts TRAINING_OPERATORS). */
export const TRAINING_CASHIER = { operatorId: '0001', pin: '1111' } as const;
export const TRAINING_MANAGER = { operatorId: '0009', pin: '9999' } as const;

/** Signs in the training cashier (training) or the test manager (live), as the sale tests expect. */
export async function signInForTests(core: Core): Promise<void> {
  const status = await call<TillStatus>(core, 'app.getStatus');
  if (status.mode === 'training') {
    await call(core, 'session.signIn', TRAINING_CASHIER);
    return;
  }
  if (!status.setup?.managerExists) await call(core, 'operators.bootstrapManager', TEST_MANAGER);
  await call(core, 'session.signIn', { operatorId: TEST_MANAGER.id, pin: TEST_MANAGER.pin });
}

export function tillConfigFor(sandbox: RunningSandbox, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sequra: { environment: 'custom', baseUrl: sandbox.baseUrl, merchantId: sandbox.config.merchants[0]!.ref },
    storeRef: 'TIENDA-01',
    tillId: '03',
    ...extra,
  };
}

export async function startCore(options: CoreOptions): Promise<Core> {
  mkdirSync(options.dataDir, { recursive: true });
  const configPath = join(options.dataDir, 'machine-config.json');
  let credentials: SequraCredentials | null = null;
  const config = options.config ?? (options.sandbox ? tillConfigFor(options.sandbox) : undefined);
  if (options.configText !== undefined) writeFileSync(configPath, options.configText);
  else if (config) writeFileSync(configPath, JSON.stringify(config));
  if (options.sandbox)
    credentials = { username: options.sandbox.config.username, password: options.sandbox.config.password };
  const core = await createCore({
    dataDir: options.dataDir,
    appVersion: '0.0.0-test',
    fetch: options.fetch ?? globalThis.fetch,
    createStore: createConfStore,
    secrets: options.secrets ?? createMemorySecretStore(credentials, TEST_TILL_KEY),
    log: createFileLogger(join(options.dataDir, 'logs', 'sequra-pos.log')),
    machineConfig: loadMachineConfig(configPath),
    platformUname: 'test',
    clock: options.clock,
    startTrainingSandbox: startSandbox,
    printReceipt: options.printReceipt,
    runQuickCheck: options.runQuickCheck,
  });
  await core.start();
  if (options.signIn !== false) await signInForTests(core);
  return core;
}

/**
 * Waits until the core in `dataDir` has started its own work `times` times in all (retention, outbox, probe,
 * resumed sales): that starts once the start's integrity check has passed, after `startCore` returned.
 */
export async function whenTillWorkStarted(dataDir: string, times = 1): Promise<void> {
  const logPath = join(dataDir, 'logs', 'sequra-pos.log');
  await waitFor(
    () => (existsSync(logPath) ? readFileSync(logPath, 'utf8').split('"event":"core.started"').length - 1 : 0),
    (started) => started >= times,
  );
}

/** Calls a channel the way the renderer does and unwraps the answer (throws with the error code otherwise). */
export async function call<T = unknown>(core: Core, channel: string, request: unknown = {}): Promise<T> {
  const result = await core.dispatch(channel, request, true);
  if (!result.ok) {
    const error = new Error(`${channel} failed: ${result.error.code} ${result.error.message}`) as Error & {
      ipc: typeof result.error;
    };
    error.ipc = result.error;
    throw error;
  }
  return result.data as T;
}

export async function callError(core: Core, channel: string, request: unknown = {}) {
  const result = await core.dispatch(channel, request, true);
  if (result.ok) throw new Error(`${channel} unexpectedly succeeded`);
  return result.error;
}

export const SHOPPER = {
  givenNames: 'María José',
  firstSurname: 'García',
  secondSurname: 'López',
  nin: '23232323T',
  ninControl: '',
  dateOfBirth: '1990-05-17',
  mobile: '612 345 678',
  email: 'maria@example.com',
  address: null,
};

export const CART = {
  lines: [
    { id: 'l1', reference: '8412345678901', name: 'Sofá 3 plazas', unitPriceCents: 49_900, quantity: 1 },
    { id: 'l2', reference: '8412345678902', name: 'Cojín', unitPriceCents: 1_995, quantity: 2 },
  ],
  discounts: [{ id: 'd1', name: 'Promo', amountCents: 2_000 }],
  tillPayments: [{ id: 'p1', method: 'cash', amountCents: 5_000 }],
};

/** The sandbox's control API (never part of SeQura's surface). */
export async function shopper(sandbox: RunningSandbox, uuid: string, outcome: string): Promise<void> {
  const response = await fetch(`${sandbox.baseUrl}/__sandbox/orders/${uuid}/shopper`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ outcome }),
  });
  if (!response.ok) throw new Error(`shopper ${outcome}: ${response.status} ${await response.text()}`);
}

/** The sandbox's view of one order (GET /__sandbox/orders/{uuid}); only the fields tests read are typed. */
export interface SandboxOrderView {
  state: string;
  sms_sent: number;
  product_code: string | null;
  campaign: string | null;
  order_ref_1: string | null;
  confirmed_count: number;
  shipped_cart?: { order_total_with_tax: number; items: Array<Record<string, unknown>> } | null;
  unshipped_cart?: { order_total_with_tax: number; items: Array<Record<string, unknown>> } | null;
  [key: string]: unknown;
}

export async function sandboxOrder(sandbox: RunningSandbox, uuid: string): Promise<SandboxOrderView> {
  return (await fetch(`${sandbox.baseUrl}/__sandbox/orders/${uuid}`)).json();
}

export async function sandboxRequests(
  sandbox: RunningSandbox,
): Promise<Array<{ method: string; path: string; status: number | null; order_uuid: string | null }>> {
  return (await fetch(`${sandbox.baseUrl}/__sandbox/requests`)).json();
}

export async function setFaults(sandbox: RunningSandbox, faults: Record<string, unknown> | null): Promise<void> {
  const response = await fetch(`${sandbox.baseUrl}/__sandbox/faults`, {
    method: faults ? 'POST' : 'DELETE',
    headers: { 'Content-Type': 'application/json' },
    body: faults ? JSON.stringify(faults) : undefined,
  });
  if (!response.ok) throw new Error(`faults: ${response.status} ${await response.text()}`);
}

export async function waitFor<T>(
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`waitFor timed out; last value: ${JSON.stringify(value).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 25));
    value = await read();
  }
  return value;
}

/** A pp3 sale of CART, through the core, up to the SMS sent: SeQura now waits for the shopper. */
export async function saleAwaitingApproval(core: Core): Promise<SaleRecord> {
  const created = await call<SaleRecord>(core, 'sale.create');
  await call(core, 'sale.saveDraft', { saleId: created.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
  await call(core, 'sale.start', { saleId: created.id });
  return call<SaleRecord>(core, 'sale.sendSms', { saleId: created.id, product: 'pp3', campaign: null });
}

/** The same, and the shopper approves at the sandbox: the cashier has not pressed "confirm" yet. */
export async function approvedSale(core: Core, sandbox: RunningSandbox): Promise<SaleRecord> {
  const awaiting = await saleAwaitingApproval(core);
  await shopper(sandbox, awaiting.solicitation!.uuid, 'approve');
  return awaiting;
}

/**
 * A pp3 sale of CART taken to "done" through the core (the shopper approves at the sandbox), for tests whose
 * subject is what comes after the sale; the sale screens have their own tests.
 */
export async function confirmedSaleThroughCore(
  core: Core,
  sandbox: RunningSandbox,
  mobile: string,
): Promise<SaleRecord> {
  const created = await call<SaleRecord>(core, 'sale.create');
  await call(core, 'sale.saveDraft', {
    saleId: created.id,
    stage: 'shopper',
    cart: CART,
    shopper: { ...SHOPPER, mobile },
  });
  const started = await call<SaleRecord>(core, 'sale.start', { saleId: created.id });
  const option = started.paymentOptions!.find((o) => o.product === 'pp3')!;
  await call(core, 'sale.sendSms', { saleId: created.id, product: 'pp3', campaign: option.campaign });
  await shopper(sandbox, started.solicitation!.uuid, 'approve');
  await call(core, 'sale.confirm', { saleId: created.id });
  return waitFor(
    async () => (await call<{ sale: SaleRecord }>(core, 'sale.current')).sale!,
    (sale) => sale.step === 'done',
  );
}

/** The audit log's entries as stored in the till database (read through a second, read-only connection). */
export function auditEntries(dataDir: string): Array<Record<string, unknown>> {
  return auditLines(dataDir).map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The audit chain as the till with TEST_TILL_KEY verifies it, head included (audit/audit-chain.ts). */
export function auditChainReport(dataDir: string): AuditChainReport {
  const keys = deriveTillKeys({ key: TEST_TILL_KEY, source: 'memory' });
  let head: AuditHead | null;
  try {
    head = JSON.parse(readFileSync(join(dataDir, AUDIT_HEAD_FILE), 'utf8')) as AuditHead;
  } catch {
    head = null;
  }
  return verifyAuditChain(auditLines(dataDir), { key: keys.auditKey, keyId: keys.keyId }, head);
}

export function auditLines(dataDir: string): string[] {
  const db = new Database(join(dataDir, 'till.db'), { readonly: true });
  try {
    return (db.prepare('SELECT line FROM audit_log ORDER BY seq').all() as Array<{ line: string }>).map((r) => r.line);
  } finally {
    db.close();
  }
}

/** A second connection to a stopped till's database, for tests that inspect or rewind it by hand. */
export function withTillDatabase<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, 'till.db'));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** The live journal's sales (archived = 0), as stored. */
export function journalSales(dataDir: string, realm: 'live' | 'training' = 'live'): Record<string, SaleRecordLike> {
  return withTillDatabase(dataDir, (db) =>
    Object.fromEntries(
      (
        db.prepare('SELECT id, record FROM sales WHERE realm = ? AND archived = 0').all(realm) as Array<{
          id: string;
          record: string;
        }>
      ).map((row) => [row.id, JSON.parse(row.record) as SaleRecordLike]),
    ),
  );
}
type SaleRecordLike = Record<string, unknown> & { id: string; step: string };

/** Every sale the till database holds (journal and history, both realms), as stored. */
export function storedSales<T = Record<string, unknown>>(dataDir: string): T[] {
  return withTillDatabase(dataDir, (db) =>
    (db.prepare('SELECT record FROM sales').all() as Array<{ record: string }>).map(
      (row) => JSON.parse(row.record) as T,
    ),
  );
}

/** Rewrites one stored sale by hand (a test standing in for a crash or an old version's data). */
export function rewriteStoredSale<T extends { id: string }>(dataDir: string, id: string, change: (sale: T) => T): void {
  withTillDatabase(dataDir, (db) => {
    const row = db.prepare('SELECT record FROM sales WHERE id = ?').get(id) as { record: string };
    db.prepare('UPDATE sales SET record = ? WHERE id = ?').run(JSON.stringify(change(JSON.parse(row.record) as T)), id);
  });
}

/** Every outbox instruction's stored JSON text (both realms). */
export function storedOutboxText(dataDir: string): string {
  return withTillDatabase(dataDir, (db) =>
    (db.prepare('SELECT record FROM outbox').all() as Array<{ record: string }>).map((row) => row.record).join('\n'),
  );
}

/**
 * Damage where the start does not read but the check does: a table of filler rows added after the till's own
 * data, then pages near the end of the file (its leaves) overwritten, as a failing disk or a bad copy would.
 */
export function damageWhereTheStartDoesNotRead(path: string): void {
  const sql = new Database(path);
  sql.exec('CREATE TABLE filler (n INTEGER PRIMARY KEY, text TEXT NOT NULL)');
  const insert = sql.prepare('INSERT INTO filler (text) VALUES (?)');
  sql.transaction(() => {
    for (let i = 0; i < 2_000; i += 1) insert.run('x'.repeat(900));
  })();
  sql.close();
  const size = statSync(path).size;
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(3 * 4096, 0xa5), 0, 3 * 4096, size - 20 * 4096);
  } finally {
    closeSync(fd);
  }
}

/** The real check in its worker thread, its verdict held until the test lets it through; each step noted. */
export function heldCheck(events: string[]): { runner: QuickCheckRunner; release(): void; readonly runs: number } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const real = quickCheckInWorker();
  let runs = 0;
  return {
    runner: (path) => {
      runs += 1;
      const running = real(path);
      return {
        verdict: running.verdict.then(async (verdict) => {
          await released;
          events.push(`verdict ${verdict.ok ? 'ok' : 'damaged'}`);
          return verdict;
        }),
        close: () => running.close(),
      };
    },
    release: () => release(),
    get runs() {
      return runs;
    },
  };
}
