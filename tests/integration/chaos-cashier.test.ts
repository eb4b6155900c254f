import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { readTill } from '../crash/audit.ts';
import { Cashier, Notebook, shopperPhone } from '../crash/cashier.ts';
import { seededRandom } from '../crash/random.ts';
import { call, makeDataDir, removeDir, signInForTests, startCore } from '../support/till.ts';

// The simulated cashier of the crash and chaos runs meets the till's lock screen as a person does: a sale that
// waits minutes for SeQura (reads only, which are not activity) outlasts the idle lock, and a run whose
// cashier stopped there counted every later sale as stuck.
let sandbox: RunningSandbox;
const dirs: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true, reviewDelayMs: 20 });
});
afterAll(async () => {
  await sandbox.close();
  for (const dir of dirs) removeDir(dir);
});

describe('the chaos and crash cashier', () => {
  it('signs back in when the till has locked itself, and finishes the sale', async () => {
    const dataDir = makeDataDir('sequra-pos-cashier-');
    dirs.push(dataDir);
    const core = await startCore({ dataDir, sandbox });
    try {
      const cashier = new Cashier({
        core,
        phone: shopperPhone(sandbox.baseUrl),
        notebook: new Notebook(join(dataDir, 'cashier.jsonl')),
        random: seededRandom(3),
        signBackIn: () => signInForTests(core),
      });
      await call(core, 'session.lock');
      const saleId = await cashier.sellOne();
      expect(cashier.signedBackIn).toBe(1);
      expect(readTill(dataDir).sales.get(saleId)?.step).toBe('done');
    } finally {
      await core.stop();
    }
  });
});
