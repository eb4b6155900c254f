// A till process for the ticket-clash crash test (tests/integration/ticket-numbers.test.ts): the real core on
// a data folder, live against the sandbox at the given URL. One sale is approved and confirmed; SeQura answers
// that its ticket number is taken, the till takes a new one and sends the confirmation again, SeQura applies
// it, and the answer never comes back. Then it prints one JSON line and waits to be killed.
//
//   node --import tsx tests/support/ticket-clash-child.ts <data-dir> <sandbox-url>
import type { RunningSandbox } from '../../sandbox/index.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { ticketThief } from './ticket-thief.ts';
import { CART, SHOPPER, call, shopper, startCore, waitFor } from './till.ts';

const [dataDir, sandboxUrl] = process.argv.slice(2) as [string, string];
const config = (await (await fetch(`${sandboxUrl}/__sandbox/config`)).json()) as RunningSandbox['config'];
const sandbox = { baseUrl: sandboxUrl, config } as RunningSandbox;
const thief = ticketThief(sandbox, { afterwards: 'answer_lost' });
const core = await startCore({ dataDir, sandbox, fetch: thief.fetch });

const created = await call<SaleRecord>(core, 'sale.create');
await call(core, 'sale.saveDraft', { saleId: created.id, stage: 'shopper', cart: CART, shopper: SHOPPER });
await call(core, 'sale.start', { saleId: created.id });
const awaiting = await call<SaleRecord>(core, 'sale.sendSms', { saleId: created.id, product: 'pp3', campaign: null });
await shopper(sandbox, awaiting.solicitation!.uuid, 'approve');
void call(core, 'sale.confirm', { saleId: created.id });
await waitFor(
  () => thief.state.answersLost,
  (lost) => lost > 0,
  30_000,
);
process.stdout.write(
  `${JSON.stringify({ saleId: created.id, uuid: awaiting.solicitation!.uuid, stolen: thief.state.stolen[0] })}\n`,
);
await new Promise(() => {});
