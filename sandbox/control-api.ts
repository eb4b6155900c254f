// The sandbox's own control API under /__sandbox/: no auth, never faulted, never part of SeQura's surface.
// Tests and scripts use it to play the shopper, inspect orders and traffic, inject faults and reset state.
import { z } from 'zod';
import type { RequestContext, SandboxRuntime } from './context.ts';
import { decodeSegment } from './context.ts';
import { faultConfigSchema, type FaultInjector } from './faults.ts';
import { emptyResponse, errorsResponse, jsonResponse, parseJsonBody, type SandboxResponse } from './http-io.ts';
import { publicConfig } from './public-config.ts';
import { ORDER_STATES, orderView, SHOPPER_OUTCOMES } from './state.ts';

const shopperSchema = z.strictObject({ outcome: z.enum(SHOPPER_OUTCOMES) });
/** At most a year at a time: enough for any expiry, and far from overflowing a Date. */
const clockSchema = z.strictObject({
  advance_ms: z
    .int()
    .min(0)
    .max(366 * 86_400_000),
});

function zodMessages(error: z.ZodError): string[] {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
}

function parseControlBody<T>(
  ctx: RequestContext,
  schema: z.ZodType<T>,
): { ok: true; value: T } | { ok: false; response: SandboxResponse } {
  const parsed = parseJsonBody(ctx.headers, ctx.body);
  if (!parsed.ok) return parsed;
  const result = schema.safeParse(parsed.value ?? {});
  if (!result.success) return { ok: false, response: errorsResponse(400, zodMessages(result.error)) };
  return { ok: true, value: result.data };
}

function unknownOrder(uuid: string): SandboxResponse {
  return errorsResponse(404, [`Unknown order '${uuid}'`]);
}

function listOrders(runtime: SandboxRuntime, ctx: RequestContext): SandboxResponse {
  const params = new URLSearchParams(ctx.query);
  const state = params.get('state');
  const merchant = params.get('merchant');
  if (state !== null && !(ORDER_STATES as readonly string[]).includes(state)) {
    return errorsResponse(400, [`Unknown state '${state}' (states: ${ORDER_STATES.join(', ')})`]);
  }
  const orders = runtime.store
    .list(ctx.nowMs)
    .filter(
      (order) => (state === null || order.state === state) && (merchant === null || order.merchantId === merchant),
    );
  return jsonResponse(
    200,
    orders.map((order) => orderView(order, runtime.baseUrl)),
  );
}

function listRequests(runtime: SandboxRuntime, ctx: RequestContext): SandboxResponse {
  const params = new URLSearchParams(ctx.query);
  const orderUuid = params.get('order_uuid');
  const limit = Number(params.get('limit') ?? 'NaN');
  let entries = runtime.requestLog.toArray();
  if (orderUuid !== null) entries = entries.filter((entry) => entry.order_uuid === orderUuid);
  if (Number.isInteger(limit) && limit >= 0) entries = entries.slice(Math.max(0, entries.length - limit));
  return jsonResponse(200, entries);
}

function shopper(runtime: SandboxRuntime, ctx: RequestContext, uuid: string): SandboxResponse {
  const order = runtime.store.get(uuid, ctx.nowMs);
  if (!order) return unknownOrder(uuid);
  const body = parseControlBody(ctx, shopperSchema);
  if (!body.ok) return body.response;
  const result = runtime.store.applyShopperOutcome(order, body.value.outcome, ctx.nowMs);
  if (!result.ok) return jsonResponse(result.status, { errors: result.errors, state: order.state });
  return jsonResponse(200, orderView(order, runtime.baseUrl));
}

function setFaults(runtime: SandboxRuntime, faults: FaultInjector, ctx: RequestContext): SandboxResponse {
  const body = parseControlBody(ctx, faultConfigSchema);
  if (!body.ok) return body.response;
  faults.set(body.value, ctx.nowMs);
  // "Every connection to a SeQura endpoint is dropped at once": including the ones already held open.
  if (body.value.partition_s !== undefined) runtime.dropHeldConnections();
  return jsonResponse(200, faults.view(ctx.nowMs));
}

function clockView(runtime: SandboxRuntime): SandboxResponse {
  return jsonResponse(200, { now: new Date(runtime.clock.now()).toISOString() });
}

function advanceClock(runtime: SandboxRuntime, ctx: RequestContext): SandboxResponse {
  const body = parseControlBody(ctx, clockSchema);
  if (!body.ok) return body.response;
  runtime.clock.advance(body.value.advance_ms);
  return clockView(runtime);
}

/** Time is left where it is: it only moves forward, so no order sees it run backwards. */
function reset(runtime: SandboxRuntime, faults: FaultInjector): SandboxResponse {
  runtime.store.reset();
  runtime.retryAfterUntil.clear();
  runtime.requestLog.clear();
  faults.clear();
  runtime.dropHeldConnections();
  return emptyResponse(204);
}

/** The fault injector is the one `runtime.faults` holds, passed on its own because the control API cannot be without it. */
export function handleControlRequest(
  runtime: SandboxRuntime,
  faults: FaultInjector,
  ctx: RequestContext,
): SandboxResponse {
  // segments[0] is '__sandbox'
  const [, resource, id, action] = ctx.segments;
  const method = ctx.method;
  const depth = ctx.segments.length;
  if (depth === 2) {
    if (resource === 'config' && method === 'GET') return jsonResponse(200, publicConfig(runtime));
    if (resource === 'reset' && method === 'POST') return reset(runtime, faults);
    if (resource === 'clock' && method === 'GET') return clockView(runtime);
    if (resource === 'clock' && method === 'POST') return advanceClock(runtime, ctx);
    if (resource === 'orders' && method === 'GET') return listOrders(runtime, ctx);
    if (resource === 'requests' && method === 'GET') return listRequests(runtime, ctx);
    if (resource === 'faults' && method === 'POST') return setFaults(runtime, faults, ctx);
    if (resource === 'faults' && method === 'GET') return jsonResponse(200, faults.view(ctx.nowMs));
    if (resource === 'faults' && method === 'DELETE') {
      faults.clear();
      return emptyResponse(204);
    }
  }
  if (resource === 'orders' && id !== undefined) {
    const uuid = decodeSegment(id) ?? '';
    if (depth === 3 && method === 'GET') {
      const order = runtime.store.get(uuid, ctx.nowMs);
      return order ? jsonResponse(200, orderView(order, runtime.baseUrl)) : unknownOrder(uuid);
    }
    if (depth === 4 && action === 'shopper' && method === 'POST') return shopper(runtime, ctx, uuid);
  }
  return errorsResponse(404, [`No sandbox control endpoint ${method} ${ctx.pathname}`]);
}
