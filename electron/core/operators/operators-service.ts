import {
  TRAINING_OPERATORS,
  type OperatorRole,
  type OperatorView,
  type Session,
} from '../../../shared/ipc/admin-schemas.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { tillPolicy } from '../config/machine-config.ts';
import { AppError } from '../errors.ts';
import type { TillDatabase } from '../db/database.ts';
import type { ManagerAuthorizer } from './manager-authorizer.ts';
import { OperatorDirectory, type StoredOperator } from './operator-directory.ts';
import {
  burnPinCheck,
  hashPin,
  pinHashNeedsPepper,
  pinHashUsable,
  pinWeakness,
  verifyPin,
  type PinHash,
} from './pin-hash.ts';
import type { Pepper } from '../security/till-key.ts';
import { DEFAULT_LIMITER_POLICY, PinLimiter, type FailureOutcome, type LimiterPolicy } from './pin-limiter.ts';
import { KeyedQueue } from './keyed-queue.ts';

// Operators, the till's one sign-in session, and manager authorisation.
//
// - Real operators live in the till database (OperatorDirectory) and work in both modes.
// - The training operators (shared TRAINING_OPERATORS: cashier 0001/1111, manager 0009/9999) exist only while
//   the till is in training mode: a fresh install is usable at once, and their public PINs are worthless on a
//   live till. The training manager may open the settings, but only a real manager may store credentials,
//   switch to live or manage operators.
// - One session per till. Locking (by hand or after the idle time) keeps the sale in progress in the journal;
//   the same operator's PIN unlocks it, or another operator signs in.
// - Wrong PINs are rate limited (pin-limiter.ts) and every attempt lands in the audit log.
export interface OperatorsServiceOptions {
  db: TillDatabase;
  /**
   * Store IT's one-time permission to create a first manager again after the operators were lost (the
   * content of a file only IT can write; null when there is none). See OperatorDirectory.firstRunAllowed.
   */
  firstRunReopenToken?: () => string | null;
  /** Wall clock: timestamps, lockout deadlines. */
  clock: () => Date;
  /** Monotonic milliseconds for idle and elevation timing (a wall-clock jump must not lock or unlock anyone). */
  idleClock?: () => number;
  audit: AuditLog;
  /** The PIN pepper from the till key (security/till-key.ts): every PIN hash is keyed with it. */
  pepper: Pepper;
  /** The session changed (sign-in, lock…): the core pushes a fresh status to the renderer. */
  onChange: () => void;
  limiterPolicy?: LimiterPolicy;
  /** How often the idle check runs; default 5 s. */
  idleCheckMs?: number;
  /** How long a manager PIN keeps the settings open without activity; default 5 min. */
  elevationMs?: number;
}

interface InternalSession {
  operatorRef: string;
  displayName: string;
  role: OperatorRole;
  trainingOperator: boolean;
  signedInAt: string;
  lastActivity: number;
  locked: boolean;
  lockedReason: 'manual' | 'idle' | null;
  elevatedBy: { ref: string; real: boolean; until: number } | null;
}

interface Candidate {
  id: string;
  displayName: string;
  role: OperatorRole;
  training: boolean;
  pin: PinHash;
}

export const MANAGER_PIN_KEY = 'manager-pin';
// The session bar already says the role: the name only needs to say "training".
const TRAINING_NAMES: Record<string, string> = { '0001': 'Formación', '0009': 'Formación' };

export class OperatorsService implements ManagerAuthorizer {
  readonly directory: OperatorDirectory;
  private readonly limiter: PinLimiter;
  /** PIN checks run one at a time per limiter key (see pinAttempt). */
  private readonly pinChecks = new KeyedQueue();
  private readonly idleClock: () => number;
  private readonly elevationMs: number;
  private mode: 'training' | 'live' = 'training';
  // Until the generation sets the configured value: the configuration schema's default.
  private autoLockMs = tillPolicy(null).autoLockMinutes * 60_000;
  private session: InternalSession | null = null;
  private trainingHashes: Promise<Map<string, PinHash>> | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: OperatorsServiceOptions) {
    this.directory = new OperatorDirectory(options.db);
    this.limiter = new PinLimiter(options.db, options.clock, options.limiterPolicy ?? DEFAULT_LIMITER_POLICY);
    this.idleClock = options.idleClock ?? (() => performance.now());
    this.elevationMs = options.elevationMs ?? 5 * 60_000;
  }

  // ------------------------------------------------------------------------------------ configuration

  /** Called by each core generation: training operators stop existing the moment the till is live. */
  setMode(mode: 'training' | 'live'): void {
    this.mode = mode;
    if (mode === 'live' && this.session?.trainingOperator) {
      this.audit(this.session.operatorRef, 'session.signed_out', 'ok', null, 'till switched to live');
      this.session = null;
      this.options.onChange();
    }
  }

  /** 0 = never lock by itself (store IT's choice for a single-operator kiosk). */
  setAutoLockMinutes(minutes: number): void {
    this.autoLockMs = Math.max(0, minutes) * 60_000;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.checkIdle(), this.options.idleCheckMs ?? 5_000);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  // ------------------------------------------------------------------------------------------ session

  sessionView(): Session | null {
    const s = this.session;
    if (!s) return null;
    const elevated = !!s.elevatedBy && !s.locked && s.elevatedBy.until > this.idleClock();
    return {
      operatorRef: s.operatorRef,
      displayName: s.displayName,
      role: s.role,
      trainingOperator: s.trainingOperator,
      signedInAt: s.signedInAt,
      locked: s.locked,
      lockedReason: s.lockedReason,
      elevated,
      elevatedByRealManager: elevated && s.elevatedBy!.real,
    };
  }

  isUnlocked(): boolean {
    return !!this.session && !this.session.locked;
  }

  /** The name an operator ref is shown by (slips, a sale's page), or null for a ref the till does not know. */
  operatorName(ref: string): string | null {
    return this.directory.get(ref)?.displayName ?? TRAINING_NAMES[ref] ?? null;
  }

  /** The operator ref every new sale and SeQura order carries. */
  currentOperatorRef(): string {
    if (!this.session || this.session.locked)
      throw new AppError('locked', 'Sign in first.', { fields: { session: this.session ? 'locked' : 'signed_out' } });
    return this.session.operatorRef;
  }

  async signIn(operatorId: string, pin: string): Promise<Session> {
    const key = `operator:${operatorId.toUpperCase()}`;
    const candidate = await this.pinAttempt(key, operatorId, 'session.sign_in', async () => {
      const found = await this.candidate(operatorId);
      const ok = found
        ? await verifyPin(pin, found.pin, this.options.pepper)
        : await burnPinCheck(pin, this.options.pepper);
      return ok ? found : null;
    });
    await this.addPepperIfMissing(candidate, pin);
    const previous = this.session;
    if (previous && previous.operatorRef !== candidate.id)
      this.audit(previous.operatorRef, 'session.signed_out', 'ok', null, `replaced by ${candidate.id}`);
    this.session = {
      operatorRef: candidate.id,
      displayName: candidate.displayName,
      role: candidate.role,
      trainingOperator: candidate.training,
      signedInAt: this.options.clock().toISOString(),
      lastActivity: this.idleClock(),
      locked: false,
      lockedReason: null,
      elevatedBy: null,
    };
    this.audit(candidate.id, 'session.signed_in', 'ok', candidate.id, candidate.role);
    this.options.onChange();
    return this.sessionView()!;
  }

  async unlock(pin: string): Promise<Session> {
    const session = this.session;
    if (!session)
      throw new AppError('locked', 'Nobody is signed in: sign in with your operator id.', {
        fields: { session: 'signed_out' },
      });
    if (!session.locked) return this.sessionView()!;
    const key = `operator:${session.operatorRef.toUpperCase()}`;
    const candidate = await this.pinAttempt(key, session.operatorRef, 'session.unlock', async () => {
      const found = await this.candidate(session.operatorRef);
      const ok = found
        ? await verifyPin(pin, found.pin, this.options.pepper)
        : await burnPinCheck(pin, this.options.pepper);
      return ok ? found : null;
    });
    // Another request of the same burst may have unlocked it already (only with the right PIN).
    if (this.session !== session || !session.locked) return this.sessionView()!;
    await this.addPepperIfMissing(candidate, pin);
    session.locked = false;
    session.lockedReason = null;
    session.lastActivity = this.idleClock();
    this.audit(session.operatorRef, 'session.unlocked', 'ok', session.operatorRef);
    this.options.onChange();
    return this.sessionView()!;
  }

  lock(reason: 'manual' | 'idle'): Session | null {
    const session = this.session;
    if (!session || session.locked) return this.sessionView();
    session.locked = true;
    session.lockedReason = reason;
    session.elevatedBy = null;
    this.audit(session.operatorRef, 'session.locked', 'ok', session.operatorRef, reason);
    this.options.onChange();
    return this.sessionView();
  }

  signOut(): void {
    if (!this.session) return;
    this.audit(this.session.operatorRef, 'session.signed_out', 'ok', this.session.operatorRef);
    this.session = null;
    this.options.onChange();
  }

  /** Any sign of the cashier at the till (a key press, a sale action) pushes the auto-lock back. */
  activity(): void {
    if (this.session && !this.session.locked) {
      this.session.lastActivity = this.idleClock();
      if (this.session.elevatedBy)
        this.session.elevatedBy.until = Math.max(this.session.elevatedBy.until, this.idleClock() + this.elevationMs);
    }
  }

  /** Runs on a timer; public so tests can drive it with their own idle clock. */
  checkIdle(): void {
    const session = this.session;
    if (!session || session.locked) return;
    const now = this.idleClock();
    if (this.autoLockMs > 0 && now - session.lastActivity >= this.autoLockMs) {
      this.lock('idle');
      return;
    }
    if (session.elevatedBy && session.elevatedBy.until <= now) {
      session.elevatedBy = null;
      this.options.onChange();
    }
  }

  /** A manager PIN opens the settings for a few minutes (sliding with activity). */
  async elevate(pin: string): Promise<Session> {
    const session = this.session;
    if (!session || session.locked)
      throw new AppError('locked', 'Sign in first.', { fields: { session: session ? 'locked' : 'signed_out' } });
    const manager = await this.checkManagerPin(pin, 'settings.open', false);
    session.elevatedBy = { ref: manager.id, real: !manager.training, until: this.idleClock() + this.elevationMs };
    session.lastActivity = this.idleClock();
    this.options.onChange();
    return this.sessionView()!;
  }

  endElevation(): Session | null {
    if (this.session?.elevatedBy) {
      this.session.elevatedBy = null;
      this.options.onChange();
    }
    return this.sessionView();
  }

  /** Throws unless a manager PIN opened the settings; returns that manager's ref. */
  requireElevation(realManager: boolean): string {
    const view = this.sessionView();
    if (!view?.elevated)
      throw new AppError('locked', 'A manager PIN is needed for the settings.', {
        fields: { session: 'not_elevated' },
      });
    if (realManager && !view.elevatedByRealManager) {
      throw new AppError('locked', 'Only a real store manager can do this (not the training manager).', {
        fields: { session: 'training_manager' },
      });
    }
    this.activity();
    return this.session!.elevatedBy!.ref;
  }

  // ------------------------------------------------------------------------------ manager authorisation

  /** ManagerAuthorizer: cancellations, returns, goods release. The training manager counts in training mode. */
  async authorizeManager(pin: string, action: string): Promise<{ operatorRef: string }> {
    const manager = await this.checkManagerPin(pin, action, false);
    return { operatorRef: manager.id };
  }

  /** Live-affecting actions (credentials, switching to live): a stored manager only. */
  async authorizeRealManager(pin: string, action: string): Promise<{ operatorRef: string }> {
    const manager = await this.checkManagerPin(pin, action, true);
    return { operatorRef: manager.id };
  }

  private async checkManagerPin(pin: string, action: string, realOnly: boolean): Promise<Candidate> {
    const actor = this.session?.operatorRef ?? 'nobody';
    const manager = await this.pinAttempt(MANAGER_PIN_KEY, actor, `manager.${action}`, async () => {
      const managers: Candidate[] = this.directory.activeManagers().map(toCandidate);
      if (!realOnly && this.mode === 'training') {
        const hashes = await this.trainingPinHashes();
        for (const t of TRAINING_OPERATORS)
          if (t.role === 'manager') managers.push(trainingCandidate(t.id, t.role, hashes.get(t.id)!));
      }
      for (const candidate of managers) if (await verifyPin(pin, candidate.pin, this.options.pepper)) return candidate;
      if (managers.length === 0) await burnPinCheck(pin, this.options.pepper);
      return null;
    });
    await this.addPepperIfMissing(manager, pin);
    this.audit(
      manager.id,
      'manager.authorized',
      'ok',
      action,
      actor !== manager.id ? `at the session of ${actor}` : null,
    );
    return manager;
  }

  // ---------------------------------------------------------------------------------------- operators

  /**
   * Whether a manager who can sign in exists. A manager whose PIN was hashed under another till key (the
   * keychain was reset) cannot: the first-run "create the manager" is offered again, as on a fresh install.
   */
  managerExists(): boolean {
    return this.directory.activeManagers().some((m) => pinHashUsable(m.pin, this.options.pepper));
  }

  /** Operators whose PIN was made under another till key and must be set again by a manager. */
  operatorsNeedingNewPin(): string[] {
    return this.directory
      .list()
      .filter((o) => !o.disabled && !pinHashUsable(this.directory.get(o.id)!.pin, this.options.pepper))
      .map((o) => o.id);
  }

  /** Whether the sign-in screen may offer to create the first manager (never after operators were lost). */
  firstRunAllowed(): boolean {
    if (this.managerExists()) return false;
    // Managers are stored but none can sign in (their PINs were made under another till key): the keychain
    // was reset, the operators themselves are not lost, and first-run is the documented way back.
    if (this.directory.activeManagers().length > 0) return true;
    return this.directory.firstRunAllowed(this.options.firstRunReopenToken?.() ?? null);
  }

  /** Operators existed on this till and are gone: store IT must restore them (docs/it-guide.md). */
  operatorsLost(): boolean {
    return !this.firstRunAllowed() && !this.managerExists();
  }

  list(): OperatorView[] {
    return this.directory.list();
  }

  /** First run: the store's first manager, created from the sign-in screen while no manager exists. */
  async bootstrapManager(input: { id: string; displayName: string; pin: string }): Promise<OperatorView[]> {
    if (this.managerExists())
      throw new AppError('conflict', 'This till already has a manager: ask them to add operators in the settings.');
    const by = this.session?.operatorRef ?? 'first-run';
    const stale = this.directory.get(input.id);
    if (stale && !pinHashUsable(stale.pin, this.options.pepper)) {
      // After a keychain reset nobody's PIN can be checked: an existing operator id may be taken back as the
      // manager with a new PIN (the same power as creating the first manager; recorded in the audit log).
      refuseWeakPin(input.pin);
      const now = this.options.clock().toISOString();
      this.directory.put({
        ...stale,
        displayName: input.displayName.trim(),
        role: 'manager',
        pin: await hashPin(input.pin, this.options.pepper),
        pinChangedAt: now,
        disabledAt: null,
      });
      this.audit(by, 'operator.manager_recovered', 'ok', stale.id, 'till key changed');
      return this.list();
    }
    if (!this.firstRunAllowed())
      throw new AppError('conflict', 'The operators of this till were lost: store IT must restore them.', {
        fields: { operators: 'lost' },
      });
    await this.createOperator({ ...input, role: 'manager' }, by);
    const token = this.options.firstRunReopenToken?.() ?? null;
    if (token !== null) this.directory.consumeReopenToken(token);
    return this.list();
  }

  async create(
    input: { id: string; displayName: string; role: OperatorRole; pin: string },
    by: string,
  ): Promise<OperatorView[]> {
    await this.createOperator(input, by);
    return this.list();
  }

  async setPin(id: string, pin: string, by: string): Promise<OperatorView[]> {
    const operator = this.directory.get(id);
    if (!operator) throw new AppError('not_found', 'No operator with that id.');
    refuseWeakPin(pin);
    const now = this.options.clock().toISOString();
    this.directory.put({ ...operator, pin: await hashPin(pin, this.options.pepper), pinChangedAt: now });
    // A new PIN is a fresh start for that operator's wrong-PIN counter.
    this.limiter.recordSuccess(`operator:${operator.id.toUpperCase()}`);
    this.audit(by, 'operator.pin_changed', 'ok', operator.id);
    return this.list();
  }

  setDisabled(id: string, disabled: boolean, by: string): OperatorView[] {
    const operator = this.directory.get(id);
    if (!operator) throw new AppError('not_found', 'No operator with that id.');
    if (
      disabled &&
      operator.role === 'manager' &&
      operator.disabledAt === null &&
      this.directory.activeManagers().length === 1
    ) {
      throw new AppError('conflict', 'This is the only manager: add another manager before disabling it.');
    }
    this.directory.put({
      ...operator,
      disabledAt: disabled ? (operator.disabledAt ?? this.options.clock().toISOString()) : null,
    });
    this.audit(by, disabled ? 'operator.disabled' : 'operator.enabled', 'ok', operator.id);
    if (
      disabled &&
      this.session?.operatorRef.toUpperCase() === operator.id.toUpperCase() &&
      !this.session.trainingOperator
    )
      this.signOut();
    return this.list();
  }

  private async createOperator(
    input: { id: string; displayName: string; role: OperatorRole; pin: string },
    by: string,
  ): Promise<void> {
    if (TRAINING_OPERATORS.some((t) => t.id.toUpperCase() === input.id.toUpperCase())) {
      throw new AppError('invalid_request', 'That id is reserved for the training operators.', {
        fields: { id: 'reserved' },
      });
    }
    if (this.directory.get(input.id))
      throw new AppError('invalid_request', 'An operator with that id already exists.', { fields: { id: 'taken' } });
    refuseWeakPin(input.pin);
    const now = this.options.clock().toISOString();
    this.directory.put({
      id: input.id,
      displayName: input.displayName.trim(),
      role: input.role,
      pin: await hashPin(input.pin, this.options.pepper),
      createdAt: now,
      createdBy: by,
      pinChangedAt: now,
      disabledAt: null,
    });
    this.audit(by, 'operator.created', 'ok', input.id, input.role);
  }

  // ------------------------------------------------------------------------------------------ helpers

  /** A hash from before peppering is rewritten with the pepper once its PIN has been proved right. */
  private async addPepperIfMissing(candidate: Candidate, pin: string): Promise<void> {
    if (candidate.training || !pinHashNeedsPepper(candidate.pin)) return;
    const stored = this.directory.get(candidate.id);
    if (!stored || !pinHashNeedsPepper(stored.pin)) return;
    this.directory.put({ ...stored, pin: await hashPin(pin, this.options.pepper) });
  }

  private async candidate(operatorId: string): Promise<Candidate | null> {
    if (this.mode === 'training') {
      const training = TRAINING_OPERATORS.find((t) => t.id.toUpperCase() === operatorId.toUpperCase());
      if (training)
        return trainingCandidate(training.id, training.role, (await this.trainingPinHashes()).get(training.id)!);
    }
    const stored = this.directory.get(operatorId);
    return stored && stored.disabledAt === null ? toCandidate(stored) : null;
  }

  private trainingPinHashes(): Promise<Map<string, PinHash>> {
    // Hashed like any PIN so that the training operators go through the very same check.
    this.trainingHashes ??= Promise.all(
      TRAINING_OPERATORS.map(async (t) => [t.id, await hashPin(t.pin, this.options.pepper)] as const),
    ).then((pairs) => new Map(pairs));
    return this.trainingHashes;
  }

  /**
   * One PIN check under the limiter. Checks of one key (an operator, or "any manager PIN") run one at a time,
   * and each is counted as a failure *before* the PIN is checked (a right PIN then clears the count): however
   * many requests arrive at once, no key ever has more PINs checked than its limit, and the till-wide count
   * (bumped by the same synchronous step) holds across keys too. A crash mid-check leaves the attempt counted.
   */
  private pinAttempt<T>(key: string, actor: string, action: string, check: () => Promise<T | null>): Promise<T> {
    return this.pinChecks.run(key, async () => {
      this.refuseIfLockedOut(key, actor, action);
      const counted = this.limiter.recordFailure(key);
      const found = await check();
      if (found === null) throw this.wrongPin(counted, actor, action);
      this.limiter.recordSuccess(key);
      return found;
    });
  }

  private refuseIfLockedOut(key: string, actor: string, action: string): void {
    const until = this.limiter.lockedUntil(key);
    if (!until) return;
    this.audit(actor, action, 'refused', null, 'locked_out');
    throw new AppError('locked', `Too many wrong PINs: try again after ${until.toISOString()}.`, {
      retryable: true,
      fields: { pin: 'locked_out', retryAt: until.toISOString() },
    });
  }

  private wrongPin(outcome: FailureOutcome, actor: string, action: string): AppError {
    this.audit(actor, action, 'refused', null, outcome.lockedUntil ? 'wrong_pin_lockout_started' : 'wrong_pin');
    if (outcome.lockedUntil) {
      return new AppError('locked', `Too many wrong PINs: try again after ${outcome.lockedUntil.toISOString()}.`, {
        retryable: true,
        fields: { pin: 'locked_out', retryAt: outcome.lockedUntil.toISOString() },
      });
    }
    return new AppError('locked', 'Wrong operator id or PIN.', {
      fields: { pin: 'wrong', attemptsLeft: String(outcome.attemptsLeft) },
    });
  }

  private audit(
    actor: string,
    action: string,
    outcome: 'ok' | 'refused' | 'failed',
    target: string | null,
    detail: string | null = null,
  ): void {
    this.options.audit.record({ actor, action, outcome, target, detail });
  }
}

function toCandidate(o: StoredOperator): Candidate {
  return { id: o.id, displayName: o.displayName, role: o.role, training: false, pin: o.pin };
}

function trainingCandidate(id: string, role: OperatorRole, pin: PinHash): Candidate {
  return { id, displayName: TRAINING_NAMES[id] ?? id, role, training: true, pin };
}

function refuseWeakPin(pin: string): void {
  const weakness = pinWeakness(pin);
  if (weakness)
    throw new AppError('invalid_request', 'Choose another PIN: 4 to 8 digits, not all the same, not a run like 1234.', {
      fields: { pin: weakness },
    });
}
