// `npm run bench:sandbox`: requests per second of the sandbox on loopback for the till's happy path
// (create + SMS + shopper approval through the control API + confirm), over keep-alive connections.
// By default the sandbox runs in a child process so client and server each get a core, as in real use.
//
//   npm run bench:sandbox -- [--sales 4000] [--concurrency 48] [--warmup 300] [--in-process] [--url http://127.0.0.1:8787]
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sampleOrder } from '../sandbox/index.ts';
import { startSandbox } from '../sandbox/index.ts';
import { parseScriptArgs } from './script-args.ts';

const values = parseScriptArgs({
  command: 'npm run bench:sandbox --',
  summary: 'Sandbox throughput: sales (create + SMS + approve + confirm) over keep-alive connections.',
  options: {
    sales: { type: 'string', default: '4000', description: 'sales to run' },
    concurrency: { type: 'string', default: '48', description: 'sales in flight at once' },
    warmup: { type: 'string', default: '300', description: 'sales run first and not counted' },
    'in-process': {
      type: 'boolean',
      default: false,
      description: 'run the sandbox in this process, not `npm run sandbox`',
    },
    url: { type: 'string', description: 'measure an already running sandbox at this base URL' },
  },
});

const salesCount = Number(values.sales);
const concurrency = Number(values.concurrency);
const warmupSales = Number(values.warmup);

interface Reply {
  status: number;
  location: string | undefined;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });

function call(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}${path}`,
      {
        method,
        agent,
        headers: body === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function expectStatus(step: string, reply: Reply, expected: number): void {
  if (reply.status !== expected)
    throw new Error(`${step}: expected ${expected}, got ${reply.status} ${reply.body.slice(0, 300)}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The sandbox exited early with code ${child.exitCode}`);
    try {
      const reply = await call(baseUrl, 'GET', '/__sandbox/config', {});
      if (reply.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('The sandbox did not come up within 20 s');
}

async function main(): Promise<void> {
  let baseUrl: string;
  let stop: () => Promise<void>;
  let where: string;
  if (values.url) {
    baseUrl = values.url.replace(/\/$/, '');
    stop = async () => {};
    where = 'an already running sandbox';
  } else if (values['in-process']) {
    const sandbox = await startSandbox({ quiet: true, smsLimit: 1000 });
    baseUrl = sandbox.baseUrl;
    stop = () => sandbox.close();
    where = 'in-process (client and server share one event loop)';
  } else {
    const port = await freePort();
    const cli = fileURLToPath(new URL('../sandbox/cli.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      [...process.execArgv, cli, '--port', String(port), '--quiet', '--sms-limit', '1000'],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    baseUrl = `http://127.0.0.1:${port}`;
    stop = async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    };
    where = 'child process (its own core)';
    await waitUntilUp(baseUrl, child);
  }

  const configReply = await call(baseUrl, 'GET', '/__sandbox/config', {});
  expectStatus('config', configReply, 200);
  const config = JSON.parse(configReply.body) as {
    username: string;
    password: string;
    merchants: Array<{ ref: string }>;
  };
  const merchantId = config.merchants[0]!.ref;
  const sequraHeaders = {
    Authorization: `Basic ${Buffer.from(`${config.username}:${config.password}`).toString('base64')}`,
    Accept: 'application/json',
    'Content-Type': 'application/json',
    'Sequra-Merchant-Id': merchantId,
  };
  const controlHeaders = { 'Content-Type': 'application/json' };
  const runId = Date.now().toString(36);
  let requests = 0;
  let sequraRequests = 0;

  async function sale(index: number): Promise<number> {
    const started = performance.now();
    const order = sampleOrder({ merchantId, cartRef: `bench-${runId}-${index}#1`, lines: [4_990, 12_000, 1_500] });
    const created = await call(baseUrl, 'POST', '/orders', sequraHeaders, JSON.stringify({ order }));
    expectStatus('create', created, 204);
    const uuid = created.location!.slice(created.location!.lastIndexOf('/') + 1);
    expectStatus(
      'sms',
      await call(
        baseUrl,
        'POST',
        `/orders/${uuid}/form_deliveries`,
        sequraHeaders,
        '{"channel":"sms","product_code":"i1"}',
      ),
      204,
    );
    expectStatus(
      'approve',
      await call(baseUrl, 'POST', `/__sandbox/orders/${uuid}/shopper`, controlHeaders, '{"outcome":"approve"}'),
      200,
    );
    const confirmation = { ...order, state: 'confirmed', merchant_reference: { order_ref_1: `T-${runId}-${index}` } };
    expectStatus(
      'confirm',
      await call(baseUrl, 'PUT', `/orders/${uuid}`, sequraHeaders, JSON.stringify({ order: confirmation })),
      200,
    );
    requests += 4;
    sequraRequests += 3;
    return performance.now() - started;
  }

  async function run(total: number, offset: number): Promise<number[]> {
    const latencies: number[] = [];
    let next = 0;
    const workers = Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const index = offset + next++;
        latencies.push(await sale(index));
      }
    });
    await Promise.all(workers);
    return latencies;
  }

  try {
    await run(warmupSales, 0);
    requests = 0;
    sequraRequests = 0;
    const started = performance.now();
    const latencies = await run(salesCount, warmupSales);
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const percentile = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(1);
    console.log(`SeQura sandbox bench: ${where}, ${concurrency} keep-alive connections`);
    console.log(`  ${salesCount} sales (create + SMS + approve via control API + confirm) in ${seconds.toFixed(2)} s`);
    console.log(
      `  ${Math.round(requests / seconds)} req/s overall (${Math.round(sequraRequests / seconds)} req/s on SeQura endpoints), ${Math.round(salesCount / seconds)} sales/s`,
    );
    console.log(`  sale latency p50 ${percentile(0.5)} ms, p99 ${percentile(0.99)} ms`);
  } finally {
    agent.destroy();
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
