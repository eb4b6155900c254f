// SeQura's merchant Orders API as the sandbox serves it (sequra-api.md §8.1): routing, Basic auth, merchant ownership,
// and the mapping of domain results to SeQura's status codes and bodies.
import { createHash } from 'node:crypto';
import { decodeSegment, type RequestContext, type SandboxRuntime } from './context.ts';
import {
  emptyResponse,
  errorsResponse,
  htmlResponse,
  isRecord,
  jsonResponse,
  notFoundResponse,
  parseJsonBody,
  textResponse,
  type SandboxResponse,
} from './http-io.ts';
import { merchantPaymentMethods, orderPaymentMethods } from './payment-methods.ts';
import type { OperationResult } from './state.ts';
import { refToString, validateFormDelivery, validateOrderPayload, validateOrderUpdate } from './validation.ts';

type RouteName =
  | 'create_order'
  | 'form_deliveries'
  | 'form_v2'
  | 'order_payment_methods'
  | 'update_order'
  | 'credentials'
  | 'merchant_credentials'
  | 'merchant_payment_methods'
  | 'order_update';

interface Route {
  name: RouteName;
  /** Decoded path parameter: order uuid or merchant ref. */
  id: string;
  /** Decoded order_ref_1 of the order-update route. */
  ref: string;
}

function route(method: string, segments: string[]): Route | null {
  const [first, second, third, fourth] = segments;
  const id = second === undefined ? '' : decodeSegment(second);
  if (id === null) return null;
  if (first === 'orders') {
    if (segments.length === 1 && method === 'POST') return { name: 'create_order', id: '', ref: '' };
    if (id === '') return null;
    if (segments.length === 2 && method === 'PUT') return { name: 'update_order', id, ref: '' };
    if (segments.length !== 3) return null;
    if (third === 'form_deliveries' && method === 'POST') return { name: 'form_deliveries', id, ref: '' };
    if (third === 'form_v2' && method === 'GET') return { name: 'form_v2', id, ref: '' };
    if (third === 'payment_methods' && method === 'GET') return { name: 'order_payment_methods', id, ref: '' };
    return null;
  }
  if (first === 'merchants' && id !== '') {
    if (segments.length === 2 && id === 'credentials' && method === 'GET')
      return { name: 'credentials', id: '', ref: '' };
    if (segments.length === 3 && third === 'credentials' && method === 'GET')
      return { name: 'merchant_credentials', id, ref: '' };
    if (segments.length === 3 && third === 'payment_methods' && method === 'GET')
      return { name: 'merchant_payment_methods', id, ref: '' };
    if (segments.length === 4 && third === 'orders' && method === 'PUT') {
      const ref = decodeSegment(fourth!);
      if (ref === null || ref === '') return null;
      return { name: 'order_update', id, ref };
    }
  }
  return null;
}

function expectedAuthorization(runtime: SandboxRuntime): string {
  const { username, password } = runtime.settings;
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

function isAuthorized(runtime: SandboxRuntime, header: string | undefined): boolean {
  if (header === undefined) return false;
  if (header === expectedAuthorization(runtime)) return true;
  const match = /^basic\s+(\S+)$/i.exec(header.trim());
  if (!match) return false;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  return (
    separator >= 0 &&
    decoded.slice(0, separator) === runtime.settings.username &&
    decoded.slice(separator + 1) === runtime.settings.password
  );
}

// Plain text, as Rails' http_basic_authenticate answers (sequra-api.md §1.2).
function unauthorized(): SandboxResponse {
  return textResponse(401, 'HTTP Basic: Access denied.', 'text/plain; charset=utf-8', {
    'WWW-Authenticate': 'Basic realm="Application"',
  });
}

function badMerchant(runtime: SandboxRuntime, merchantId: string): SandboxResponse {
  return errorsResponse(403, [`Bad merchant id '${merchantId}' for ${runtime.settings.username}`]);
}

function owns(runtime: SandboxRuntime, merchantId: string): boolean {
  return runtime.settings.merchants.includes(merchantId);
}

function fromResult(result: OperationResult, success: SandboxResponse): SandboxResponse {
  if (result.ok) return success;
  const headers: Record<string, string> =
    result.retryAfterS === undefined ? {} : { 'Retry-After': String(result.retryAfterS) };
  return errorsResponse(result.status, result.errors, headers);
}

/** Unwraps `{"order": {...}}`; a missing root is answered like SeQura answers other invalid data (409). */
function orderRoot(body: unknown): unknown {
  return isRecord(body) ? body.order : undefined;
}

function merchantIdOf(order: unknown): string | null {
  return isRecord(order) && isRecord(order.merchant) ? refToString(order.merchant.id) : null;
}

function createOrder(runtime: SandboxRuntime, ctx: RequestContext): SandboxResponse {
  const parsed = parseJsonBody(ctx.headers, ctx.body);
  if (!parsed.ok) return parsed.response;
  const order = orderRoot(parsed.value);
  const claimedMerchant = merchantIdOf(order);
  if (claimedMerchant !== null && !owns(runtime, claimedMerchant)) return badMerchant(runtime, claimedMerchant);
  const valid = validateOrderPayload(order, { ...runtime.settings, purpose: 'solicit' });
  if (!valid.ok) return errorsResponse(409, valid.errors);
  const created = runtime.store.create(valid.value, ctx.nowMs);
  ctx.orderUuid = created.uuid;
  return emptyResponse(204, { Location: `${runtime.baseUrl}/orders/${created.uuid}`, 'Cache-Control': 'no-cache' });
}

function deliverForm(runtime: SandboxRuntime, ctx: RequestContext, uuid: string): SandboxResponse {
  const order = runtime.store.get(uuid, ctx.nowMs);
  if (!order) return notFoundResponse();
  ctx.orderUuid = order.uuid;
  const parsed = parseJsonBody(ctx.headers, ctx.body);
  if (!parsed.ok) return parsed.response;
  const delivery = validateFormDelivery(parsed.value);
  if (!delivery.ok) return errorsResponse(409, delivery.errors);
  const query = new URLSearchParams({ product: delivery.value.productCode });
  if (delivery.value.campaign !== null) query.set('campaign', delivery.value.campaign);
  const link = `${runtime.baseUrl}/orders/${order.uuid}/pumbaa_form?${query.toString()}`;
  return fromResult(runtime.store.deliverForm(order, delivery.value, link, ctx.nowMs), emptyResponse(204));
}

function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** The online identification-form snippet (sequra-api.md §2.3): an iframe pointing at pumbaa_form plus SeQura's loader. */
function formV2(runtime: SandboxRuntime, ctx: RequestContext, uuid: string): SandboxResponse {
  const order = runtime.store.get(uuid, ctx.nowMs);
  if (!order) return notFoundResponse();
  ctx.orderUuid = order.uuid;
  const params = new URLSearchParams(ctx.query);
  const requested = params.get('product') ?? '';
  const product = /^[a-z0-9_]{1,20}$/i.test(requested) ? requested : 'i1';
  const campaign = params.get('campaign');
  const ajax = params.get('ajax') === 'true';
  const formQuery = new URLSearchParams({ product_code: product });
  if (campaign) formQuery.set('campaign', campaign);
  formQuery.set('ajax', String(ajax));
  formQuery.set('secret', order.uuid);
  formQuery.set('uuid', order.uuid);
  const elementId = `sq-identification-${product}`;
  const src = escapeAttribute(`${runtime.baseUrl}/orders/${order.uuid}/pumbaa_form?${formQuery.toString()}`);
  const html = `<iframe id='${elementId}' name='${elementId}' class="sq-identification-iframe" src="${src}" style="display:none;width:100%;height:100%;position:fixed;top:0;left:0;z-index:99999;border:none;" frameborder="0"></iframe>
<script type="text/javascript">window.SequraFormElement = '${elementId}';</script>
<script src='${escapeAttribute(runtime.baseUrl)}/assets/sequra_form-sandbox.js' type='text/javascript'></script>
`;
  return htmlResponse(200, html, { 'Cache-Control': 'no-cache, no-store' });
}

function paymentMethodsForOrder(runtime: SandboxRuntime, ctx: RequestContext, uuid: string): SandboxResponse {
  const order = runtime.store.get(uuid, ctx.nowMs);
  // 403 rather than 404 for an unknown order (sequra-api.md §2.8, IC fixtures).
  if (!order) return errorsResponse(403, [`Bad order id '${uuid}' for ${runtime.settings.username}`]);
  ctx.orderUuid = order.uuid;
  return jsonResponse(200, orderPaymentMethods(order.totalWithTax));
}

function updateOrder(runtime: SandboxRuntime, ctx: RequestContext, uuid: string): SandboxResponse {
  const order = runtime.store.get(uuid, ctx.nowMs);
  if (!order) return notFoundResponse();
  ctx.orderUuid = order.uuid;
  const parsed = parseJsonBody(ctx.headers, ctx.body);
  if (!parsed.ok) return parsed.response;
  const payload = orderRoot(parsed.value);
  const claimedMerchant = merchantIdOf(payload);
  if (claimedMerchant !== null && !owns(runtime, claimedMerchant)) return badMerchant(runtime, claimedMerchant);
  const valid = validateOrderPayload(payload, { ...runtime.settings, purpose: 'update' });
  if (!valid.ok) return errorsResponse(409, valid.errors);
  // 200 with an empty body: the body is undocumented and official clients ignore it (sequra-api.md §2.4).
  return fromResult(runtime.store.updateSolicited(order, valid.value, ctx.nowMs), emptyResponse(200));
}

function updateConfirmedOrder(
  runtime: SandboxRuntime,
  ctx: RequestContext,
  merchantId: string,
  orderRef1: string,
): SandboxResponse {
  const order = runtime.store.findConfirmedByRef(merchantId, orderRef1, ctx.nowMs);
  if (!order) return notFoundResponse();
  ctx.orderUuid = order.uuid;
  const parsed = parseJsonBody(ctx.headers, ctx.body);
  if (!parsed.ok) return parsed.response;
  const update = validateOrderUpdate(orderRoot(parsed.value));
  if (!update.ok) return errorsResponse(409, update.errors);
  if (update.value.merchantId !== null && update.value.merchantId !== merchantId) {
    return errorsResponse(409, [
      `Invalid data: merchant.id '${update.value.merchantId}' does not match the URL's merchant '${merchantId}'`,
    ]);
  }
  if (update.value.orderRef1 !== null && update.value.orderRef1 !== orderRef1) {
    return errorsResponse(409, [
      `Invalid data: merchant_reference.order_ref_1 '${update.value.orderRef1}' does not match the URL's '${orderRef1}'`,
    ]);
  }
  return fromResult(runtime.store.updateAfterConfirmation(order, update.value, ctx.nowMs), emptyResponse(204));
}

/** GET /merchants/credentials (sequra-api.md §2.10): the merchant accounts these credentials reach. */
function credentials(runtime: SandboxRuntime): SandboxResponse {
  return jsonResponse(
    200,
    runtime.settings.merchants.map((ref) => ({
      ref,
      name: `SeQura POS sandbox (${ref})`,
      country: 'ES',
      allowed_countries: ['ES'],
      currency: 'EUR',
      assets_key: `sandbox-assets-${ref}`,
      contract_options: [],
      extra_information: { type: 'regular', phone_number: '' },
      verify_signature: false,
      signature_secret: createHash('sha256').update(`${runtime.settings.password}:${ref}`).digest('hex').slice(0, 32),
      confirmation_path: 'default',
      realm: 'sequra',
    })),
  );
}

/** GET /deployments is public on SeQura (sequra-api.md §1.1); here every deployment points back at the sandbox. */
function deployments(runtime: SandboxRuntime): SandboxResponse {
  const urls = { api_base_url: `${runtime.baseUrl}/`, assets_base_url: `${runtime.baseUrl}/assets/` };
  return jsonResponse(200, [{ id: 'sequra', name: 'seQura (sandbox)', live: urls, sandbox: urls }]);
}

export function handleSequraRequest(runtime: SandboxRuntime, ctx: RequestContext): SandboxResponse {
  if (ctx.method === 'GET' && ctx.segments.length === 1 && ctx.segments[0] === 'deployments')
    return deployments(runtime);
  const matched = route(ctx.method, ctx.segments);
  if (!matched) return notFoundResponse();
  if (!isAuthorized(runtime, ctx.headers.authorization)) return unauthorized();
  const headerMerchant = ctx.headers['sequra-merchant-id'];
  if (
    typeof headerMerchant === 'string' &&
    headerMerchant !== '' &&
    !owns(runtime, headerMerchant) &&
    matched.name !== 'order_update'
  ) {
    return badMerchant(runtime, headerMerchant);
  }
  switch (matched.name) {
    case 'create_order':
      return createOrder(runtime, ctx);
    case 'form_deliveries':
      return deliverForm(runtime, ctx, matched.id);
    case 'form_v2':
      return formV2(runtime, ctx, matched.id);
    case 'order_payment_methods':
      return paymentMethodsForOrder(runtime, ctx, matched.id);
    case 'update_order':
      return updateOrder(runtime, ctx, matched.id);
    case 'credentials':
      return credentials(runtime);
    case 'merchant_credentials':
      return owns(runtime, matched.id) ? credentials(runtime) : badMerchant(runtime, matched.id);
    case 'merchant_payment_methods':
      return owns(runtime, matched.id) ? jsonResponse(200, merchantPaymentMethods()) : badMerchant(runtime, matched.id);
    case 'order_update':
      // This endpoint answers a foreign merchant in the path with its own message (sequra-api.md §2.6, IC fixture).
      if (!owns(runtime, matched.id)) return errorsResponse(403, ['You do not have access to this URL']);
      if (typeof headerMerchant === 'string' && headerMerchant !== '' && !owns(runtime, headerMerchant))
        return badMerchant(runtime, headerMerchant);
      return updateConfirmedOrder(runtime, ctx, matched.id, matched.ref);
  }
}
