// The virtual shopper phone: SMS inbox, OTP step, decisions, and the screens for every state, over plain HTTP
// form posts as a browser would send them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxDriver } from '../../../sandbox/index.ts';
import { sampleOrder } from '../../../sandbox/index.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';

const REVIEW_DELAY_MS = 5_000;
let sandbox: RunningSandbox;
let driver: SandboxDriver;

beforeAll(async () => {
  sandbox = await startSandbox({ quiet: true, reviewDelayMs: REVIEW_DELAY_MS });
  driver = new SandboxDriver(sandbox);
});
afterAll(() => sandbox.close());

async function phone(uuid: string): Promise<{ status: number; html: string; headers: Headers }> {
  const response = await fetch(sandbox.phoneUrl(uuid));
  return { status: response.status, html: await response.text(), headers: response.headers };
}

async function submit(path: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${sandbox.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

async function openSmsLink(uuid: string): Promise<void> {
  const view = (await driver.control('GET', `/orders/${uuid}`)).json<{ sms: Array<{ link: string }> }>();
  const response = await fetch(view.sms.at(-1)!.link, { redirect: 'manual' });
  expect(response.status).toBe(302);
  expect(response.headers.get('location')).toBe(sandbox.phoneUrl(uuid));
}

async function verifiedOrder(): Promise<string> {
  const uuid = await driver.createOrder(sampleOrder({ mobilePhone: '+34 612 345 678' }));
  await driver.sendSms(uuid, { channel: 'sms', product_code: 'pp3' });
  await openSmsLink(uuid);
  await submit(`/phone/${uuid}/otp`, { code: '45678' });
  return uuid;
}

describe('virtual shopper phone', () => {
  it('waits for the SMS with an "Actualizar" link (no timed refresh), under a strict CSP and without scripts', async () => {
    const uuid = await driver.createOrder();
    const page = await phone(uuid);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Esperando el SMS de la tienda');
    expect(page.html).not.toContain('http-equiv="refresh"');
    expect(page.html).toContain('<a class="button" href="" data-testid="phone-refresh">Actualizar</a>');
    expect(page.html).toContain('<html lang="es">');
    expect(page.html).not.toContain('<script');
    expect(page.html).not.toMatch(/\sstyle=/);
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'",
    );
    const css = await fetch(`${sandbox.baseUrl}/phone/assets/phone.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('shows the SMS once sent, with the link that opens the form', async () => {
    const uuid = await driver.createOrder(sampleOrder({ lines: [8990, 3500] }));
    await driver.sendSms(uuid, { channel: 'sms', product_code: 'pp3' });
    const inbox = await phone(uuid);
    expect(inbox.html).toContain('124,90 €');
    expect(inbox.html).toContain('Paga Fraccionado');
    expect(inbox.html).toContain(`/orders/${uuid}/pumbaa_form?product=pp3`);
    expect(inbox.html).toContain('Abrir el enlace');
    await openSmsLink(uuid);
    const form = await phone(uuid);
    expect(form.html).toContain('name="code"');
    expect(form.html).toContain('Sandbox: el código son las 5 últimas cifras del móvil');
  });

  it('refuses a wrong OTP and accepts the last 5 digits of the mobile', async () => {
    const uuid = await driver.createOrder(sampleOrder({ mobilePhone: '+34 612 345 678' }));
    await driver.sendSms(uuid);
    await openSmsLink(uuid);
    const wrong = await submit(`/phone/${uuid}/otp`, { code: '11111' });
    expect(wrong.status).toBe(303);
    expect(wrong.headers.get('location')).toBe(`${sandbox.phoneUrl(uuid)}?error=otp`);
    expect(await (await fetch(wrong.headers.get('location')!)).text()).toContain('El código no es correcto');
    const right = await submit(`/phone/${uuid}/otp`, { code: '45678' });
    expect(right.headers.get('location')).toBe(sandbox.phoneUrl(uuid));
    const decisions = await phone(uuid);
    for (const outcome of ['approve', 'review_approve', 'review_cancel', 'reject', 'abandon'])
      expect(decisions.html).toContain(`value="${outcome}"`);
    expect((await driver.control('GET', `/orders/${uuid}`)).json()).toMatchObject({
      state: 'solicited',
      otp_verified: true,
    });
  });

  it('does not let the shopper decide before the OTP step', async () => {
    const uuid = await driver.createOrder();
    await driver.sendSms(uuid);
    const early = await submit(`/phone/${uuid}/decision`, { outcome: 'approve' });
    expect(early.headers.get('location')).toBe(`${sandbox.phoneUrl(uuid)}?error=state`);
    expect(await driver.orderState(uuid)).toBe('solicited');
  });

  it('approve → "Aprobado, pendiente de confirmación" → confirmed by the till → "¡Compra confirmada!"', async () => {
    const order = sampleOrder({ mobilePhone: '+34 612 345 678' });
    const uuid = await driver.createOrder(order);
    await driver.sendSms(uuid, { channel: 'sms', product_code: 'pp3' });
    await openSmsLink(uuid);
    await submit(`/phone/${uuid}/otp`, { code: '45678' });
    expect((await phone(uuid)).html).toContain('4716 7730 7733 9777');
    expect((await submit(`/phone/${uuid}/decision`, { outcome: 'approve' })).status).toBe(303);
    expect(await driver.orderState(uuid)).toBe('approved');
    expect((await phone(uuid)).html).toContain('Aprobado, pendiente de confirmación');
    expect((await driver.confirm(uuid, order, 'T-PHONE-1')).status).toBe(200);
    expect((await phone(uuid)).html).toContain('¡Compra confirmada!');
  });

  it('shows review, then its outcome', async () => {
    const uuid = await verifiedOrder();
    await submit(`/phone/${uuid}/decision`, { outcome: 'review_cancel' });
    expect((await phone(uuid)).html).toContain('Estamos revisando tu solicitud');
    await driver.advanceClock(REVIEW_DELAY_MS);
    expect((await phone(uuid)).html).toContain('Solicitud cancelada');
  });

  it('shows rejection and expiry', async () => {
    const rejected = await verifiedOrder();
    await submit(`/phone/${rejected}/decision`, { outcome: 'reject' });
    expect((await phone(rejected)).html).toContain('No hemos podido aprobar tu solicitud');
    const abandoned = await verifiedOrder();
    await submit(`/phone/${abandoned}/decision`, { outcome: 'abandon' });
    expect((await phone(abandoned)).html).toContain('El enlace ha caducado');
    const late = await submit(`/phone/${abandoned}/decision`, { outcome: 'approve' });
    expect(late.headers.get('location')).toBe(`${sandbox.phoneUrl(abandoned)}?error=state`);
  });

  it('escapes shopper data', async () => {
    const uuid = await driver.createOrder(sampleOrder({ givenNames: '<img src=x onerror=alert(1)>' }));
    await driver.sendSms(uuid);
    await openSmsLink(uuid);
    const page = await phone(uuid);
    expect(page.html).not.toContain('<img src=x');
    expect(page.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('answers 404 for an unknown order and lists recent orders at /phone', async () => {
    expect((await phone('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const uuid = await driver.createOrder();
    const index = await (await fetch(`${sandbox.baseUrl}/phone`)).text();
    expect(index).toContain(`href="/phone/${uuid}"`);
  });

  it('is never affected by faults', async () => {
    const uuid = await driver.createOrder();
    await driver.control('POST', '/faults', { error_rate: 1 });
    try {
      expect((await phone(uuid)).status).toBe(200);
      expect(
        (await fetch(`${sandbox.baseUrl}/orders/${uuid}/pumbaa_form?product=i1`, { redirect: 'manual' })).status,
      ).toBe(302);
    } finally {
      await driver.control('DELETE', '/faults');
    }
  });
});
