// The sandbox's SeQura surface outside the order life cycle: Basic auth, merchant ownership, routing, bad input,
// credentials, deployments, payment methods and the form_v2 snippet. Real loopback HTTP, no mocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxDriver } from '../../../sandbox/index.ts';
import { sampleOrder } from '../../../sandbox/index.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';

let sandbox: RunningSandbox;
let driver: SandboxDriver;

beforeAll(async () => {
  sandbox = await startSandbox({ quiet: true, merchants: ['pos_demo_es', 'pos_demo_es_2'] });
  driver = new SandboxDriver(sandbox);
});
afterAll(() => sandbox.close());

describe('startSandbox', () => {
  it('listens on a random loopback port and describes itself', () => {
    expect(sandbox.baseUrl).toBe(`http://127.0.0.1:${sandbox.port}`);
    expect(sandbox.port).toBeGreaterThan(0);
    expect(sandbox.config).toEqual({
      base_url: sandbox.baseUrl,
      username: 'sandbox-user',
      password: 'sandbox-secret',
      merchants: [
        { ref: 'pos_demo_es', country: 'ES' },
        { ref: 'pos_demo_es_2', country: 'ES' },
      ],
      sms_limit: 3,
      review_delay_ms: 5000,
      solicitation_ttl_s: 3600,
      approval_ttl_s: 1800,
      strict: true,
    });
    expect(sandbox.phoneUrl('abc')).toBe(`${sandbox.baseUrl}/phone/abc`);
  });

  it('refuses a non-loopback host', async () => {
    await expect(startSandbox({ host: '0.0.0.0', quiet: true })).rejects.toThrow(/loopback/);
  });

  it('runs several instances side by side and closes them despite open keep-alive connections', async () => {
    const [first, second] = await Promise.all([startSandbox({ quiet: true }), startSandbox({ quiet: true })]);
    expect(first.port).not.toBe(second.port);
    await fetch(`${first.baseUrl}/__sandbox/config`);
    await fetch(`${second.baseUrl}/__sandbox/config`);
    const started = Date.now();
    await Promise.all([first.close(), second.close()]);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('Basic auth', () => {
  it('answers 401 with the plain-text body "HTTP Basic: Access denied." without credentials', async () => {
    const reply = await driver.request('GET', '/merchants/credentials', { auth: false });
    expect(reply.status).toBe(401);
    expect(reply.text).toBe('HTTP Basic: Access denied.');
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(reply.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('answers 401 for a wrong password on every SeQura endpoint', async () => {
    const wrong = `Basic ${Buffer.from('sandbox-user:nope').toString('base64')}`;
    for (const [method, path] of [
      ['POST', '/orders'],
      ['GET', '/merchants/pos_demo_es/payment_methods'],
      ['PUT', '/merchants/pos_demo_es/orders/T-1'],
    ] as const) {
      const reply = await driver.request(method, path, {
        auth: false,
        headers: { Authorization: wrong },
        body: method === 'GET' ? undefined : {},
      });
      expect(reply.status, `${method} ${path}`).toBe(401);
      expect(reply.text).toBe('HTTP Basic: Access denied.');
    }
  });
});

describe('merchant ownership', () => {
  it('answers 403 "Bad merchant id" for a foreign Sequra-Merchant-Id header', async () => {
    const reply = await driver.request('GET', '/merchants/credentials', {
      headers: { 'Sequra-Merchant-Id': 'someone_else' },
    });
    expect(reply.status).toBe(403);
    expect(reply.json()).toEqual({ errors: ["Bad merchant id 'someone_else' for sandbox-user"] });
  });

  it('accepts requests without the Sequra-Merchant-Id header (older clients omit it)', async () => {
    expect((await driver.request('GET', '/merchants/credentials')).status).toBe(200);
  });

  it('answers 403 "Bad merchant id" for a foreign merchant.id in POST /orders', async () => {
    const reply = await driver.request('POST', '/orders', { body: { order: sampleOrder({ merchantId: 'test' }) } });
    expect(reply.status).toBe(403);
    expect(reply.json()).toEqual({ errors: ["Bad merchant id 'test' for sandbox-user"] });
  });

  it('answers 403 "Bad merchant id" for foreign merchant payment methods and credentials', async () => {
    for (const path of ['/merchants/test/payment_methods', '/merchants/test/credentials']) {
      const reply = await driver.request('GET', path);
      expect(reply.status).toBe(403);
      expect(reply.json()).toEqual({ errors: ["Bad merchant id 'test' for sandbox-user"] });
    }
  });

  it('answers 403 "You do not have access to this URL" for an order update of a foreign merchant', async () => {
    const reply = await driver.updateOrder('T-1', {}, 'test');
    expect(reply.status).toBe(403);
    expect(reply.json()).toEqual({ errors: ['You do not have access to this URL'] });
  });

  it('answers 403 "Bad order id" for the payment methods of an unknown order', async () => {
    const reply = await driver.request('GET', '/orders/00000000-0000-4000-8000-000000000000/payment_methods');
    expect(reply.status).toBe(403);
    expect(reply.json()).toEqual({ errors: ["Bad order id '00000000-0000-4000-8000-000000000000' for sandbox-user"] });
  });
});

describe('routing', () => {
  it('answers unknown paths and methods with the Rails 404 HTML page', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['GET', '/orders'],
      ['DELETE', '/orders/abc'],
      ['GET', '/merchants/pos_demo_es/orders/T-1'],
    ] as const) {
      const reply = await driver.request(method, path);
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
      expect(reply.text).toContain("The page you were looking for doesn't exist");
    }
  });

  it('serves GET /deployments without auth, pointing at itself', async () => {
    const reply = await driver.request('GET', '/deployments', { auth: false });
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual([
      expect.objectContaining({
        id: 'sequra',
        sandbox: { api_base_url: `${sandbox.baseUrl}/`, assets_base_url: `${sandbox.baseUrl}/assets/` },
      }),
    ]);
  });
});

describe('bad input', () => {
  it('answers malformed JSON with 400 and an errors array', async () => {
    const reply = await driver.request('POST', '/orders', { body: '{"order": {' });
    expect(reply.status).toBe(400);
    expect(reply.json<{ errors: string[] }>().errors[0]).toMatch(/^Malformed JSON/);
  });

  it('answers a non-JSON content type with 415', async () => {
    const reply = await driver.request('POST', '/orders', {
      body: 'order=1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(reply.status).toBe(415);
    expect(reply.json<{ errors: string[] }>().errors[0]).toMatch(/application\/json/);
  });

  it('answers a non-UTF-8 charset with 415 (SeQura takes UTF-8 JSON only)', async () => {
    const reply = await driver.request('POST', '/orders', {
      body: '{}',
      headers: { 'Content-Type': 'application/json; charset=ISO-8859-1' },
    });
    expect(reply.status).toBe(415);
  });

  it('answers invalid UTF-8 bytes with 400', async () => {
    const response = await fetch(`${sandbox.baseUrl}/orders`, {
      method: 'POST',
      headers: { Authorization: driver.authorization, 'Content-Type': 'application/json' },
      body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]),
    });
    expect(response.status).toBe(400);
  });

  it('answers bodies over 1 MiB with 413 and keeps serving', async () => {
    const huge = JSON.stringify({ order: { padding: 'x'.repeat(1024 * 1024 + 10) } });
    const reply = await driver.request('POST', '/orders', { body: huge });
    expect(reply.status).toBe(413);
    expect((await driver.request('GET', '/merchants/credentials')).status).toBe(200);
  });

  it('answers a JSON array or a missing root element with 409 like other invalid data', async () => {
    for (const body of ['[]', '{"cart":{}}', '{"order":null}']) {
      const reply = await driver.request('POST', '/orders', { body });
      expect(reply.status, body).toBe(409);
      expect(reply.json()).toEqual({ errors: ['param is missing or the value is empty: order'] });
    }
  });
});

describe('credentials', () => {
  it('lists the merchant accounts in the shape of sequra-api.md §2.10', async () => {
    const reply = await driver.request('GET', '/merchants/credentials', {
      headers: { 'Sequra-Merchant-Id': 'pos_demo_es' },
    });
    expect(reply.status).toBe(200);
    const accounts = reply.json<Array<Record<string, unknown>>>();
    expect(accounts.map((account) => account.ref)).toEqual(['pos_demo_es', 'pos_demo_es_2']);
    expect(accounts[0]).toMatchObject({
      country: 'ES',
      allowed_countries: ['ES'],
      currency: 'EUR',
      contract_options: [],
      extra_information: { type: 'regular', phone_number: '' },
      verify_signature: false,
      confirmation_path: 'default',
      realm: 'sequra',
    });
    expect(accounts[0]).toHaveProperty('assets_key');
    expect(accounts[0]).toHaveProperty('signature_secret');
    expect((await driver.request('GET', '/merchants/pos_demo_es/credentials')).status).toBe(200);
  });
});

interface PaymentMethods {
  payment_options: Array<{
    title: string;
    description: string | null;
    icon: string | null;
    category: string;
    methods: Array<Record<string, unknown>>;
  }>;
}

function products(body: PaymentMethods): Array<[unknown, unknown]> {
  return body.payment_options.flatMap((option) =>
    option.methods.map((method) => [method.product, method.campaign] as [unknown, unknown]),
  );
}

describe('payment methods', () => {
  it('lists i1, pp5 (campaign "temporary"), sp1 and pp3 with min/max amounts for the merchant', async () => {
    const reply = await driver.request('GET', '/merchants/pos_demo_es/payment_methods');
    expect(reply.status).toBe(200);
    const body = reply.json<PaymentMethods>();
    expect(products(body)).toEqual([
      ['i1', null],
      ['pp5', 'temporary'],
      ['sp1', null],
      ['pp3', null],
    ]);
    const pp3 = body.payment_options.flatMap((option) => option.methods).find((method) => method.product === 'pp3')!;
    expect(pp3).toMatchObject({ min_amount: 5000, max_amount: 300000 });
    for (const method of body.payment_options.flatMap((option) => option.methods)) {
      expect(Object.keys(method).sort()).toEqual(
        [
          'campaign',
          'claim',
          'cost',
          'cost_description',
          'description',
          'ends_at',
          'icon',
          'info_widget',
          'long_title',
          'max_amount',
          'min_amount',
          'product',
          'starts_at',
          'title',
          'widget',
        ].sort(),
      );
      expect(Object.keys(method.cost as object).sort()).toEqual([
        'down_payment_fees',
        'instalment_fee',
        'instalment_total',
        'setup_fee',
      ]);
    }
    expect(body.payment_options.map((option) => option.category)).toEqual(['pay_later', 'part_payment']);
  });

  it('lists only the products whose limits fit the order total for an order', async () => {
    const small = await driver.createOrder(sampleOrder({ lines: [2000] }));
    expect(products((await driver.request('GET', `/orders/${small}/payment_methods`)).json<PaymentMethods>())).toEqual([
      ['i1', null],
      ['pp5', 'temporary'],
    ]);
    const large = await driver.createOrder(sampleOrder({ lines: [250_000] }));
    expect(products((await driver.request('GET', `/orders/${large}/payment_methods`)).json<PaymentMethods>())).toEqual([
      ['pp3', null],
    ]);
  });
});

describe('form_v2', () => {
  it('returns the identification snippet pointing at pumbaa_form', async () => {
    const uuid = await driver.createOrder();
    const reply = await driver.request('GET', `/orders/${uuid}/form_v2?product=pp3&ajax=true`, {
      headers: { Accept: 'text/html' },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
    expect(reply.text).toContain("id='sq-identification-pp3'");
    expect(reply.text).toContain(`${sandbox.baseUrl}/orders/${uuid}/pumbaa_form?product_code=pp3`);
    expect(reply.text).toContain("window.SequraFormElement = 'sq-identification-pp3'");
  });

  it('defaults to i1 and answers 404 HTML for an unknown order', async () => {
    const uuid = await driver.createOrder();
    expect((await driver.request('GET', `/orders/${uuid}/form_v2`)).text).toContain('sq-identification-i1');
    const unknown = await driver.request('GET', '/orders/00000000-0000-4000-8000-000000000000/form_v2');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain("The page you were looking for doesn't exist");
  });
});
