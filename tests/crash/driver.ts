// The crash test's child process: the real core (conf files in a data folder, memory secrets holding the
// sandbox's credentials, machine config pointing at the sandbox as environment "custom") driven by one
// simulated cashier. The harness (crash-harness.ts) SIGKILLs it at random points and starts it again; each
// start resumes whatever sale is current, at whatever step.
//
//   node --import tsx tests/crash/driver.ts --data-dir D --sandbox-url U --sales N --seed S [--post-delay-ms 20]
//
// Protocol on stdout, one JSON object per line: {"t":"act","a":"<action>"} right before each action (the
// harness aims kills with these), {"t":"ready"}, {"t":"closed","id":…} after each sale, {"t":"drained"} at
// the end. Exit 0 when done and drained; 3 when the cashier could not finish (the audit reports it).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunningSandbox } from '../../sandbox/index.ts';
import { signInForTests, startCore, waitFor } from '../support/till.ts';
import { Cashier, Notebook, shopperPhone } from './cashier.ts';
import { seededRandom } from './random.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    'sandbox-url': { type: 'string' },
    sales: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    'post-delay-ms': { type: 'string', default: '0' },
  },
});

const dataDir = values['data-dir']!;
const sandboxUrl = values['sandbox-url']!;
const salesToSell = Number(values.sales);
const postDelayMs = Number(values['post-delay-ms']);

function send(message: Record<string, unknown>): void {
  // Pipes are synchronous on Linux and macOS: the line is out before the next statement, as a kill needs.
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

const plainFetch = globalThis.fetch;
// SeQura's answers reach this till a little late: widens the window in which SeQura has applied a request
// and the till has not yet recorded the answer (the window the write-ahead journal exists for), so random
// kills land there too. The sandbox's own latency (set by the harness) covers the time before it applies.
const lateFetch: typeof fetch = async (input, init) => {
  const response = await plainFetch(input, init);
  if (postDelayMs > 0) await new Promise((r) => setTimeout(r, postDelayMs));
  return response;
};

async function main(): Promise<void> {
  send({ t: 'act', a: 'boot' });
  const config = (await (await plainFetch(`${sandboxUrl}/__sandbox/config`)).json()) as RunningSandbox['config'];
  const sandbox = { baseUrl: sandboxUrl, config } as RunningSandbox;
  send({ t: 'act', a: 'resume' });
  const core = await startCore({ dataDir, sandbox, fetch: lateFetch });
  send({ t: 'ready' });
  const cashier = new Cashier({
    core,
    phone: shopperPhone(sandboxUrl),
    notebook: new Notebook(join(dataDir, 'cashier.jsonl')),
    random: seededRandom(Number(values.seed)),
    announce: (a) => send({ t: 'act', a }),
    leaveConfirmingChance: 0.3,
    saleTimeoutMs: 60_000,
    signBackIn: () => signInForTests(core),
  });
  // A sale found mid-way is finished first (a cashier never abandons the customer in front of them), then the
  // new ones; bounded by the count asked for.
  for (let sold = 0; sold < salesToSell || (sold < salesToSell + 1 && (await cashier.current())); sold += 1) {
    send({ t: 'closed', id: await cashier.sellOne() });
  }
  // Drained: nothing left for SeQura, no sale left mid-way (a sale left confirming finishes by itself).
  send({ t: 'act', a: 'drain' });
  await waitFor(
    async () => ({ work: core.pendingWork(), current: await cashier.current() }),
    ({ work, current }) => work.open === 0 && work.queuedSales === 0 && !current,
    60_000,
  );
  await core.stop();
  send({ t: 'drained' });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    send({ t: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exit(3);
  },
);
