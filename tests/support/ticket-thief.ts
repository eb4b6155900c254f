import { SandboxDriver, sampleOrder, type RunningSandbox } from '../../sandbox/index.ts';

/**
 * The till's fetch, passing everything through to the sandbox, except that just before each of the till's
 * first `steals` confirmations reaches SeQura, another order of the same merchant is confirmed with the very
 * ticket number it carries (as if another till had used it a moment earlier). `afterwards` decides what
 * happens to the confirmations sent after those: they pass, fail as if the network were down, or reach SeQura
 * and their answer never comes back (the till is killed while waiting).
 */
export function ticketThief(
  sandbox: RunningSandbox,
  options: { steals?: number; afterwards?: 'pass' | 'network_down' | 'answer_lost' } = {},
) {
  const { steals = 1, afterwards = 'pass' } = options;
  const driver = new SandboxDriver(sandbox);
  const state = { stolen: [] as string[], thiefUuids: [] as string[], answersLost: 0 };
  const wrapped: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const isConfirmation = request.method === 'PUT' && /^\/orders\/[^/]+$/.test(new URL(request.url).pathname);
    if (isConfirmation) {
      const body = JSON.parse(await request.clone().text()) as {
        order: { merchant_reference?: { order_ref_1?: string } };
      };
      const ref = body.order.merchant_reference?.order_ref_1;
      if (state.stolen.length < steals && ref && !state.stolen.includes(ref)) {
        state.stolen.push(ref);
        state.thiefUuids.push(await driver.confirmedOrder(ref, sampleOrder({ merchantId: driver.merchantId })));
      } else if (afterwards === 'network_down') {
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
      } else if (afterwards === 'answer_lost') {
        await globalThis.fetch(request);
        state.answersLost += 1;
        return new Promise<Response>(() => {});
      }
    }
    return globalThis.fetch(request);
  };
  return { fetch: wrapped, state };
}
