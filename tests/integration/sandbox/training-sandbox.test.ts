// The sandbox the app ships for training mode (sandbox/training.ts): SeQura's API and the shopper's phone work
// as in the full sandbox, and nothing else answers — no control API, so no faults. Real loopback HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxDriver, sampleOrder } from '../../../sandbox/index.ts';
import { startTrainingSandbox, type RunningSandbox } from '../../../sandbox/training.ts';

let sandbox: RunningSandbox;
let driver: SandboxDriver;

beforeAll(async () => {
  sandbox = await startTrainingSandbox({ quiet: true });
  driver = new SandboxDriver(sandbox);
});
afterAll(() => sandbox.close());

function form(path: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${sandbox.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

describe('training sandbox', () => {
  it('runs a whole sale: the till solicits, the trainee approves on the virtual phone, the till confirms', async () => {
    const order = sampleOrder({ mobilePhone: '+34 612 345 678' });
    const uuid = await driver.createOrder(order);
    expect((await driver.sendSms(uuid, { channel: 'sms', product_code: 'pp3' })).status).toBe(204);
    expect((await fetch(sandbox.phoneUrl(uuid))).status).toBe(200);
    expect((await form(`/phone/${uuid}/otp`, { code: '45678' })).status).toBe(303);
    expect((await form(`/phone/${uuid}/decision`, { outcome: 'approve' })).status).toBe(303);
    expect(await (await fetch(sandbox.phoneUrl(uuid))).text()).toContain('Aprobado, pendiente de confirmación');
    expect((await driver.confirm(uuid, order, 'T-TRAINING-1')).status).toBe(200);
  });

  it('has no control API: no faults to set, no shopper to play, no reset', async () => {
    for (const [method, path, body] of [
      ['GET', '/config', undefined],
      ['POST', '/faults', { error_rate: 1 }],
      ['POST', '/reset', undefined],
      ['GET', '/orders', undefined],
    ] as const) {
      const reply = await driver.control(method, path, body);
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(reply.json(), `${method} ${path}`).toEqual({ errors: ['The training sandbox has no control API'] });
    }
    // And SeQura's surface is never faulted.
    expect((await driver.request('GET', '/merchants/credentials')).status).toBe(200);
  });
});
