// `npm run bench:flow`: the app's own time per sale step, excluding SeQura's answer (target: under
// 50 ms from SeQura's answer to the next screen). The real core drives N sales against the sandbox over
// loopback; fetch is instrumented so the time spent waiting on SeQura is subtracted from each step.
// Prints p50/p99 per step, then the renderer's share measured in Chromium (scripts/bench-renderer.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCore } from '../electron/core/app-core.ts';
import { loadMachineConfig } from '../electron/core/config/machine-config.ts';
import { silentLogger } from '../electron/core/log/logger.ts';
import { startSandbox } from '../sandbox/index.ts';
import { createMemorySecretStore } from '../electron/core/secrets/secret-store.ts';
import { createConfStore } from '../electron/core/storage/conf-store.ts';
import { CART, SHOPPER, signInForTests } from '../tests/support/till.ts';
import { benchRenderer } from './bench-renderer.ts';
import { parseScriptArgs } from './script-args.ts';

const args = parseScriptArgs({
  command: 'npm run bench:flow --',
  summary: "The app's own time per sale step, SeQura's answer excluded (core, then the renderer in Chromium).",
  options: {
    sales: { type: 'string', default: '200', description: "sales through the core alone (main's time per step)" },
    'browser-sales': { type: 'string', default: '20', description: "sales through Chromium (the renderer's share)" },
  },
});
function count(name: keyof typeof args): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number above 0`);
  return value;
}
const sales = count('sales');
const sandbox = await startSandbox({ port: 0, quiet: true });
const dataDir = mkdtempSync(join(tmpdir(), 'bench-flow-'));
writeFileSync(
  join(dataDir, 'machine-config.json'),
  JSON.stringify({
    sequra: { environment: 'custom', baseUrl: sandbox.baseUrl, merchantId: sandbox.config.merchants[0]!.ref },
    storeRef: 'BENCH',
    tillId: '01',
  }),
);

let sequraMs = 0;
const timedFetch: typeof fetch = async (input, init) => {
  const started = performance.now();
  try {
    return await fetch(input, init);
  } finally {
    sequraMs += performance.now() - started;
  }
};

const core = await createCore({
  dataDir,
  appVersion: 'bench',
  fetch: timedFetch,
  createStore: createConfStore,
  secrets: createMemorySecretStore({ username: sandbox.config.username, password: sandbox.config.password }),
  log: silentLogger,
  machineConfig: loadMachineConfig(join(dataDir, 'machine-config.json')),
  platformUname: 'bench',
});
await core.start();
// A live till sells only with an operator signed in: create the first manager and sign in, as store IT would.
await signInForTests(core);

const samples = new Map<string, number[]>();
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each channel's answer differs; the bench reads a field or two
async function step(name: string, channel: string, request: unknown): Promise<any> {
  sequraMs = 0;
  const started = performance.now();
  const result = await core.dispatch(channel, request, true);
  const own = performance.now() - started - sequraMs;
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  if (!samples.has(name)) samples.set(name, []);
  samples.get(name)!.push(own);
  return result.data;
}

async function approve(uuid: string): Promise<void> {
  await fetch(`${sandbox.baseUrl}/__sandbox/orders/${uuid}/shopper`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{"outcome":"approve"}',
  });
}

async function waitDone(saleId: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const answer = await core.dispatch('sale.current', {}, true);
    const sale = answer.ok ? (answer.data as { sale: { id: string; step: string } | null }).sale : null;
    if (!sale || sale.id !== saleId || sale.step === 'done') return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error('sale did not finish');
}

for (let i = 0; i < sales; i++) {
  const created = await step('create', 'sale.create', {});
  await step('save draft', 'sale.saveDraft', { saleId: created.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
  const solicited = await step('start (POST /orders + products)', 'sale.start', { saleId: created.id });
  await step('send SMS', 'sale.sendSms', { saleId: created.id, product: 'pp3', campaign: null });
  await approve(solicited.solicitation.uuid);
  await step('confirm (PUT via outbox)', 'sale.confirm', { saleId: created.id });
  await waitDone(created.id);
  await step('close', 'sale.close', { saleId: created.id });
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
console.log(`bench:flow — ${sales} sales, app's own time per step (SeQura's answer excluded)`);
for (const [name, values] of samples) {
  console.log(
    `  ${name.padEnd(34)} p50 ${pct(values, 50).toFixed(2).padStart(7)} ms   p99 ${pct(values, 99).toFixed(2).padStart(7)} ms`,
  );
}
await core.stop();
await sandbox.close();
rmSync(dataDir, { recursive: true, force: true });

// Renderer phase (needs `vite build` and Chromium): main's message → next step painted.
const browserSales = count('browser-sales');
const latencies = await benchRenderer(browserSales);
console.log(
  `  renderer: main's answer → next step painted (${latencies.length} step changes over ${browserSales} sales in Chromium)`,
);
console.log(
  `  ${'renderer'.padEnd(34)} p50 ${pct(latencies, 50).toFixed(2).padStart(7)} ms   p99 ${pct(latencies, 99).toFixed(2).padStart(7)} ms`,
);
