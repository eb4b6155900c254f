// A thin fetch-based driver for the sandbox, for tests and scripts that exercise it over real HTTP.
// Deliberately raw (status, headers, text): it is not the app's SeQura client and makes no decisions.
import type { RunningSandbox } from './server.ts';
import { sampleOrder, type JsonObject } from './fixtures.ts';
import type { ShopperOutcome } from './state.ts';

export interface RawReply {
  status: number;
  headers: Headers;
  text: string;
  json<T = unknown>(): T;
}

async function toReply(response: Response): Promise<RawReply> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: <T>() => JSON.parse(text) as T };
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are. */
  body?: unknown;
  auth?: boolean;
  signal?: AbortSignal;
}

export class SandboxDriver {
  readonly merchantId: string;

  constructor(private readonly sandbox: Pick<RunningSandbox, 'baseUrl' | 'config'>) {
    this.merchantId = sandbox.config.merchants[0]!.ref;
  }

  get baseUrl(): string {
    return this.sandbox.baseUrl;
  }

  get authorization(): string {
    const { username, password } = this.sandbox.config;
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<RawReply> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.auth !== false) headers.Authorization = this.authorization;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    Object.assign(headers, options.headers);
    const body =
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body);
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body,
      signal: options.signal,
      redirect: 'manual',
    });
    return toReply(response);
  }

  control(method: string, path: string, body?: unknown): Promise<RawReply> {
    return this.request(method, `/__sandbox${path}`, { body, auth: false });
  }

  /** POST /orders; returns the uuid (throws unless 204). */
  async createOrder(order: JsonObject = sampleOrder({ merchantId: this.merchantId })): Promise<string> {
    const reply = await this.request('POST', '/orders', { body: { order } });
    if (reply.status !== 204) throw new Error(`POST /orders answered ${reply.status}: ${reply.text}`);
    return reply.headers.get('location')!.split('/').pop()!;
  }

  sendSms(uuid: string, body: JsonObject = { channel: 'sms', product_code: 'i1' }): Promise<RawReply> {
    return this.request('POST', `/orders/${uuid}/form_deliveries`, { body });
  }

  shopper(uuid: string, outcome: ShopperOutcome): Promise<RawReply> {
    return this.control('POST', `/orders/${uuid}/shopper`, { outcome });
  }

  putOrder(uuid: string, order: JsonObject): Promise<RawReply> {
    return this.request('PUT', `/orders/${uuid}`, { body: { order } });
  }

  confirm(uuid: string, order: JsonObject, orderRef1?: string): Promise<RawReply> {
    const confirmation: JsonObject = { ...order, state: 'confirmed' };
    if (orderRef1 !== undefined) confirmation.merchant_reference = { order_ref_1: orderRef1 };
    return this.putOrder(uuid, confirmation);
  }

  updateOrder(orderRef1: string, order: JsonObject, merchantId = this.merchantId): Promise<RawReply> {
    return this.request('PUT', `/merchants/${encodeURIComponent(merchantId)}/orders/${encodeURIComponent(orderRef1)}`, {
      body: { order },
    });
  }

  /** Moves the sandbox's time forward (expiries, reviews, Retry-After, partitions), instead of sleeping. */
  async advanceClock(ms: number): Promise<void> {
    const reply = await this.control('POST', '/clock', { advance_ms: ms });
    if (reply.status !== 200) throw new Error(`POST /__sandbox/clock answered ${reply.status}: ${reply.text}`);
  }

  async orderState(uuid: string): Promise<string> {
    return (await this.control('GET', `/orders/${uuid}`)).json<{ state: string }>().state;
  }

  /** Create, send the SMS, approve as the shopper and confirm with `orderRef1`: a confirmed order ready for E6. */
  async confirmedOrder(
    orderRef1: string,
    order: JsonObject = sampleOrder({ merchantId: this.merchantId }),
  ): Promise<string> {
    const uuid = await this.createOrder(order);
    const steps = [
      await this.sendSms(uuid),
      await this.shopper(uuid, 'approve'),
      await this.confirm(uuid, order, orderRef1),
    ];
    const failed = steps.find((reply) => reply.status >= 300);
    if (failed) throw new Error(`Could not confirm the order: ${failed.status} ${failed.text}`);
    return uuid;
  }
}
