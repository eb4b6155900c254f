// `npm run test:crash -- [--sales 150] [--kills 220] [--seed 1] [--keep]`: the full crash test.
// A child process runs the real core and a cashier against the sandbox; it is SIGKILLed at random points
// across every step and restarted, then the journal is audited against the sandbox's own log
// (tests/crash/crash-harness.ts, counter definitions in tests/crash/audit.ts). Prints one summary line on
// stdout (progress and kill points on stderr) and exits non-zero if any counter after `confirmed` is not 0.
import { failedCounters } from '../tests/crash/audit.ts';
import { runCrashTest } from '../tests/crash/crash-harness.ts';
import { parseScriptArgs } from './script-args.ts';

const values = parseScriptArgs({
  command: 'npm run test:crash --',
  summary: 'The core is SIGKILLed at random points of real sales and restarted; then the journal is audited.',
  options: {
    sales: { type: 'string', default: '150', description: 'sales to complete' },
    kills: { type: 'string', default: '220', description: 'kills across the run' },
    seed: { type: 'string', default: '1', description: 'seed of the kill points and the cashier' },
    keep: { type: 'boolean', default: false, description: 'keep the data directory for inspection' },
  },
});

const result = await runCrashTest({
  sales: Number(values.sales),
  kills: Number(values.kills),
  seed: Number(values.seed),
  keepDataDir: values.keep,
  log: (line) => process.stderr.write(`${line}\n`),
});
const points = Object.entries(result.killPoints)
  .sort((a, b) => b[1] - a[1])
  .map(([action, count]) => `${action}=${count}`)
  .join(' ');
process.stderr.write(`kill points (last action announced): ${points}\n`);
process.stderr.write(
  `kills that cut a SeQura call before it was applied: ${result.killsInsideSequraCalls}; run took ${(result.durationMs / 1000).toFixed(1)} s\n`,
);
for (const problem of result.problems) process.stderr.write(`  ${problem}\n`);
console.log(result.summary);
process.exit(failedCounters(result.counters).length === 0 ? 0 : 1);
