import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { Core } from '../../electron/core/app-core.ts';
import type { IpcError } from '../../shared/ipc/result.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { CART, SHOPPER } from '../support/till.ts';

// A simulated cashier, shared by the crash test (one per child process, killed and restarted) and the chaos
// test (many in one process). It drives the real core through its IPC contract exactly as the screens do, and
// after any restart it carries on with whatever sale is current, at whatever step, as a person would:
//   - an uncertain start is retried (the till makes a fresh solicitation);
//   - an SMS is (re)sent only if the shopper's phone shows none arrived (the sandbox's own view of the
//     order stands in for looking at the shopper's phone);
//   - "not approved yet" → the shopper approves on the phone, the cashier confirms again;
//   - a confirmation pending in the background may be left to finish while the next sale starts.
// Every press that can reach SeQura is first written to the cashier's notebook (an append-only file in the
// till's data folder that survives kills), so the audit can compare what SeQura received with what the
// cashier asked for.

export interface NotebookEntry {
  at: string;
  action: 'sendSms' | 'resendSms' | 'confirm' | 'closed' | 'anomaly';
  saleId: string;
  uuid?: string | null;
  detail?: string;
}

export class Notebook {
  constructor(readonly path: string) {}

  write(entry: Omit<NotebookEntry, 'at'>): void {
    appendFileSync(this.path, `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);
  }

  read(): NotebookEntry[] {
    if (!existsSync(this.path)) return [];
    // The last line may be cut by a kill in the middle of a write: it never made it, so it is skipped.
    return readFileSync(this.path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as NotebookEntry];
        } catch {
          return [];
        }
      });
  }
}

/** The sandbox's control API: the shopper's phone and what SeQura knows. Never faulted. */
export interface ShopperPhone {
  order(uuid: string): Promise<{ state: string; sms_sent: number } | null>;
  approve(uuid: string): Promise<void>;
}

/**
 * A request to the sandbox's control API (the test's instruments, not the till). It shares the process's
 * connection pool with the tills' SeQura calls, whose sockets the sandbox cuts on purpose; a request that
 * lands on such a socket fails with `fetch failed` before reaching the sandbox, so it is simply made again
 * (a person looks at the phone again). Only transport failures are retried, never an answer.
 */
export async function controlFetch(url: string, init?: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt >= 5) throw error;
      await sleep(50 * attempt);
    }
  }
}

export function shopperPhone(baseUrl: string): ShopperPhone {
  return {
    async order(uuid) {
      const response = await controlFetch(`${baseUrl}/__sandbox/orders/${uuid}`);
      if (response.status === 404) return null;
      if (!response.ok) throw new Error(`sandbox order ${uuid}: ${response.status}`);
      return (await response.json()) as { state: string; sms_sent: number };
    },
    async approve(uuid) {
      const response = await controlFetch(`${baseUrl}/__sandbox/orders/${uuid}/shopper`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ outcome: 'approve' }),
      });
      // 409: no longer solicited (already approved by an earlier incarnation of this cashier): fine.
      if (!response.ok && response.status !== 409)
        throw new Error(`approve ${uuid}: ${response.status} ${await response.text()}`);
    },
  };
}

export interface CashierOptions {
  core: Core;
  phone: ShopperPhone;
  notebook: Notebook;
  random: () => number;
  /** Said right before each action, so the crash harness can aim its kills (no-op in the chaos test). */
  announce?: (action: string) => void;
  /** Chance of leaving a sale that is confirming in the background to start the next one. */
  leaveConfirmingChance?: number;
  /** Upper bound on one sale, wall clock. */
  saleTimeoutMs?: number;
  /** How long to watch a queued start before pressing start again. */
  queuedPatienceMs?: number;
  /** Lets a chaos run stop cashiers between actions. */
  stopped?: () => boolean;
  /**
   * Signs the cashier back in when the till locked itself after its idle time (a sale can wait minutes for
   * SeQura, with only reads in between, which are not activity): what the cashier does at the lock screen.
   */
  signBackIn?: () => Promise<void>;
}

export class CashierError extends Error {}

type Result<T> = { ok: true; data: T } | { ok: false; error: IpcError };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * How often the cashier looks at the screen while the till works on its own (starting, sending, confirming in
 * the background, a review). The screens are pushed their changes, so a person never polls; looking every few
 * milliseconds only took CPU from the tills the chaos run measures (12 cashiers ran ~400 validated IPC reads a
 * second, the process was busy 95–100 % while a partition's backlog drained).
 */
const GLANCE_MS = 100;

export class Cashier {
  private readonly announce: (action: string) => void;
  /** Times the cashier found the till locked after its idle time and signed back in. */
  signedBackIn = 0;

  constructor(private readonly options: CashierOptions) {
    this.announce = options.announce ?? (() => {});
  }

  private async call<T>(channel: string, request: unknown = {}): Promise<Result<T>> {
    const result = (await this.options.core.dispatch(channel, request, true)) as Result<T>;
    if (result.ok || result.error.code !== 'locked' || !this.options.signBackIn) return result;
    // The lock screen: the cashier enters her PIN and carries on with the same press.
    this.announce('signBackIn');
    await this.options.signBackIn();
    this.signedBackIn += 1;
    return (await this.options.core.dispatch(channel, request, true)) as Result<T>;
  }

  private async must<T>(channel: string, request: unknown = {}): Promise<T> {
    const result = await this.call<T>(channel, request);
    if (!result.ok) throw new CashierError(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.data;
  }

  private anomaly(sale: SaleRecord, detail: string): void {
    this.options.notebook.write({
      action: 'anomaly',
      saleId: sale.id,
      uuid: sale.solicitation?.uuid ?? null,
      detail: detail.slice(0, 300),
    });
  }

  async current(): Promise<SaleRecord | null> {
    return (await this.must<{ sale: SaleRecord | null }>('sale.current')).sale;
  }

  /**
   * Takes the current sale (or a new one) to its end and closes it; returns its id. Leaving a confirming
   * sale to finish in the background also counts as done for the cashier.
   */
  async sellOne(): Promise<string> {
    const deadline = Date.now() + (this.options.saleTimeoutMs ?? 120_000);
    let queuedSince: number | null = null;
    for (let turn = 0; turn < 5_000; turn += 1) {
      if (Date.now() > deadline) {
        const sale = await this.current();
        throw new CashierError(
          `sale ${sale?.id ?? '(none)'} stuck at ${sale?.step ?? '?'} (${sale?.lastError?.code ?? ''} ${sale?.lastError?.message ?? ''})`,
        );
      }
      if (this.options.stopped?.()) throw new CashierError('stopped');
      let sale = await this.current();
      if (!sale) {
        this.announce('create');
        sale = await this.must<SaleRecord>('sale.create');
      }
      if (sale.step !== 'start_queued') queuedSince = null;
      switch (sale.step) {
        case 'draft': {
          this.announce('saveDraft');
          await this.must('sale.saveDraft', { saleId: sale.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
          await this.start(sale, 'start');
          break;
        }
        case 'start_uncertain':
          // The answer to POST /orders was lost: the cashier is told and retries (a person takes a moment to
          // read the message and press again); the till solicits afresh.
          await sleep(300 + this.options.random() * 700);
          await this.start(sale, 'start_retry');
          break;
        case 'start_queued':
          // It goes by itself (once) when SeQura answers; a cashier who has waited a while presses start
          // again — not before the time SeQura gave, which the screen shows (and the till would refuse).
          queuedSince ??= Date.now();
          if (await this.waitOutRetryAfter(sale)) break;
          if (Date.now() - queuedSince > (this.options.queuedPatienceMs ?? 4_000)) {
            queuedSince = null;
            await this.start(sale, 'start_again');
          } else await sleep(GLANCE_MS);
          break;
        case 'starting':
        case 'sending_sms':
          // Another actor (the till itself, after SeQura answered again) is on it.
          await sleep(GLANCE_MS);
          break;
        case 'choose_product':
          await this.chooseProduct(sale);
          break;
        case 'awaiting_approval':
          await this.awaitApproval(sale);
          break;
        case 'confirming':
        case 'handing_over':
          if (this.options.random() < (this.options.leaveConfirmingChance ?? 0)) {
            this.announce('close');
            const closed = await this.call('sale.close', { saleId: sale.id });
            if (closed.ok) {
              this.options.notebook.write({ action: 'closed', saleId: sale.id, detail: `left at ${sale.step}` });
              return sale.id;
            }
          } else {
            this.announce('waitConfirm');
            await sleep(GLANCE_MS);
          }
          break;
        case 'confirm_refused':
          await this.afterRefusal(sale);
          break;
        case 'done':
        case 'rejected':
        case 'cancelled': {
          this.announce('close');
          await this.must('sale.close', { saleId: sale.id });
          this.options.notebook.write({ action: 'closed', saleId: sale.id, detail: sale.step });
          return sale.id;
        }
      }
    }
    throw new CashierError('too many turns for one sale');
  }

  private async start(sale: SaleRecord, action: string): Promise<void> {
    this.announce(action);
    const result = await this.call<SaleRecord>('sale.start', { saleId: sale.id });
    if (result.ok) return;
    // Unknown outcome (start_uncertain), a refusal shown on the sale, a concurrent automatic start
    // (conflict): the next turn looks at the sale again. Anything else is worth a look in the audit.
    if (
      !['sequra_unknown_outcome', 'sequra_unreachable', 'sequra_rate_limited', 'conflict', 'sequra_rejected'].includes(
        result.error.code,
      )
    ) {
      this.anomaly(sale, `start: ${result.error.code} ${result.error.message}`);
    }
    await sleep(20);
  }

  /** The screen says "SeQura asked the till to wait until…": the cashier waits (a bit of it). True if so. */
  private async waitOutRetryAfter(sale: SaleRecord): Promise<boolean> {
    if (!sale.waitUntil || sale.waitUntil <= new Date().toISOString()) return false;
    await sleep(Math.max(0, Math.min(2_000, Date.parse(sale.waitUntil) - Date.now() + 10)));
    return true;
  }

  private async chooseProduct(sale: SaleRecord): Promise<void> {
    if (await this.waitOutRetryAfter(sale)) return;
    if (!sale.paymentOptions || sale.paymentOptions.length === 0) {
      // The solicitation exists but its product list did not load: "Load the products again", after the
      // moment a person takes to read the screen.
      await sleep(300 + this.options.random() * 700);
      await this.start(sale, 'reloadProducts');
      return;
    }
    if (sale.sms.blockedUntil && sale.sms.blockedUntil > new Date().toISOString()) {
      await sleep(Math.max(0, Math.min(2_000, Date.parse(sale.sms.blockedUntil) - Date.now() + 10)));
      return;
    }
    const options = sale.paymentOptions.filter((o) => o.available && ['pp3', 'i1', 'sp1', 'pp5'].includes(o.product));
    if (options.length === 0) throw new CashierError(`no product available for sale ${sale.id}`);
    const option = options[Math.floor(this.options.random() * options.length)]!;
    this.options.notebook.write({ action: 'sendSms', saleId: sale.id, uuid: sale.solicitation!.uuid });
    this.announce('sendSms');
    const result = await this.call<SaleRecord>('sale.sendSms', {
      saleId: sale.id,
      product: option.product,
      campaign: option.campaign,
    });
    if (
      !result.ok &&
      !['sequra_rate_limited', 'sequra_unreachable', 'sequra_unknown_outcome', 'conflict'].includes(result.error.code)
    ) {
      this.anomaly(sale, `sendSms: ${result.error.code} ${result.error.message}`);
    }
  }

  private async awaitApproval(sale: SaleRecord): Promise<void> {
    const uuid = sale.solicitation!.uuid;
    const order = await this.options.phone.order(uuid);
    if (!order) throw new CashierError(`SeQura does not know order ${uuid} of sale ${sale.id}`);
    if (order.sms_sent === 0) {
      // The shopper's phone shows no SMS (the request was lost, or never left): ask for it again.
      if (await this.waitOutRetryAfter(sale)) return;
      if (sale.sms.blockedUntil && sale.sms.blockedUntil > new Date().toISOString()) {
        await sleep(Math.max(0, Math.min(2_000, Date.parse(sale.sms.blockedUntil) - Date.now() + 10)));
        return;
      }
      // A person reads the phone and the screen before pressing again (and the screen holds the button while
      // sending): never a burst of presses.
      await sleep(400 + this.options.random() * 600);
      this.options.notebook.write({ action: 'resendSms', saleId: sale.id, uuid });
      this.announce('resendSms');
      const result = await this.call('sale.resendSms', { saleId: sale.id });
      if (
        !result.ok &&
        !['sequra_rate_limited', 'sequra_unreachable', 'sequra_unknown_outcome', 'conflict'].includes(result.error.code)
      ) {
        this.anomaly(sale, `resendSms: ${result.error.code} ${result.error.message}`);
      }
      return;
    }
    if (order.state === 'solicited') {
      this.announce('approve');
      await this.options.phone.approve(uuid);
      return;
    }
    if (['approved', 'confirmed', 'shipped'].includes(order.state)) {
      await this.confirm(sale);
      return;
    }
    if (order.state === 'needs_review' || order.state === 'on_hold') {
      await sleep(GLANCE_MS);
      return;
    }
    this.anomaly(sale, `order ${uuid} is ${order.state} while the till awaits approval`);
    await this.must('sale.markRejected', { saleId: sale.id });
  }

  private async confirm(sale: SaleRecord): Promise<void> {
    this.options.notebook.write({ action: 'confirm', saleId: sale.id, uuid: sale.solicitation!.uuid });
    this.announce('confirm');
    const result = await this.call<SaleRecord>('sale.confirm', { saleId: sale.id });
    if (!result.ok && result.error.code !== 'conflict')
      this.anomaly(sale, `confirm: ${result.error.code} ${result.error.message}`);
  }

  private async afterRefusal(sale: SaleRecord): Promise<void> {
    const kind = sale.confirmation.refusal?.kind;
    if (kind === 'not_approved_yet' || kind === 'under_review') {
      // Same as waiting for approval: the phone says what is missing (an SMS, the shopper's answer).
      await this.awaitApproval(sale);
      return;
    }
    // No other refusal is expected from this cashier's sales: note it for the audit and end the sale.
    this.anomaly(sale, `confirmation refused: ${kind} ${sale.confirmation.refusal?.reasons.join(' | ') ?? ''}`);
    await this.must('sale.markRejected', { saleId: sale.id });
  }
}
