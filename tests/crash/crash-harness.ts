import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../../sandbox/index.ts';
import { audit, auditSummary, failedCounters, sandboxLog, type AuditCounters } from './audit.ts';
import { seededRandom } from './random.ts';

// The crash test: a child process runs the real core and a cashier (driver.ts) against the sandbox
// running here; this harness SIGKILLs it at random points across every step, starts it again and lets it
// resume, `kills` times, until `sales` sales are done; then it audits the till's files against the sandbox's
// own orders and request log (audit.ts has the counter definitions) and prints one summary line.
//
// Aiming: the child announces each action on stdout just before doing it. Each life of the child gets a
// plan: "kill after the n-th announcement" (n random, spaced so that the kills spread over all the sales) or
// "kill at the first or second <action>" (an action picked at random, so every step is hit), plus a random
// delay of 0–(latency + answer delay + 30) ms. Calls to SeQura are made slow on purpose — the sandbox waits
// `latencyMs` before applying a request and the child sees each answer `postDelayMs` late — so kills land
// before SeQura applies a request, after it applied it but before the till recorded the answer, and in the
// journal writes around them.
export interface CrashOptions {
  sales: number;
  kills: number;
  seed: number;
  latencyMs?: number;
  postDelayMs?: number;
  /** Whole-run bound. */
  timeoutMs?: number;
  /** Progress lines (stderr in the script). */
  log?: (line: string) => void;
  keepDataDir?: boolean;
}

export interface CrashResult {
  counters: AuditCounters & { kills: number; stuck: number };
  summary: string;
  problems: string[];
  /** Kills per action the child had last announced when it died. */
  killPoints: Record<string, number>;
  /** Kills that cut a SeQura call the sandbox had not applied yet (it logged the dropped request). */
  killsInsideSequraCalls: number;
  dataDir: string;
  durationMs: number;
}

/**
 * Actions a kill may be aimed at (driver.ts / cashier.ts announce these). The rarer ones (start_retry after an
 * uncertain start, resendSms when no SMS arrived) are reached by the "n-th announcement" plans.
 */
const TARGETS: Array<[action: string, weight: number]> = [
  // The steps that call SeQura, where a kill can split "SeQura applied it" from "the till recorded it"…
  ['start', 3],
  ['sendSms', 3],
  ['confirm', 3],
  ['waitConfirm', 2], // the outbox confirming / handing over in the background
  // …and the purely local ones (journal writes, start-up and resume).
  ['boot', 1],
  ['resume', 1],
  ['create', 1],
  ['saveDraft', 1],
  ['approve', 1],
  ['close', 1],
];
const TOTAL_WEIGHT = TARGETS.reduce((sum, [, weight]) => sum + weight, 0);

function pickTarget(random: () => number): string {
  let draw = random() * TOTAL_WEIGHT;
  for (const [action, weight] of TARGETS) {
    draw -= weight;
    if (draw < 0) return action;
  }
  return TARGETS[0]![0];
}

interface Plan {
  kind: 'nth' | 'action';
  n: number;
  action?: string;
  delayMs: number;
}

interface LifeOutcome {
  announcements: number;
  killed: boolean;
  killedAfter: string | null;
  exitCode: number | null;
  closed: number;
  error: string | null;
  stderr: string;
}

const here = dirname(fileURLToPath(import.meta.url));

/** The child is bundled once per run (esbuild, node_modules left external): it starts in ~0.2 s instead of ~0.7 s with tsx. */
export async function buildDriver(): Promise<{ command: string; args: string[]; cleanup: () => void }> {
  const { build } = await import('esbuild');
  const outDir = join(here, '..', '..', 'node_modules', '.cache', 'sequra-pos-crash');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `driver-${process.pid}-${Date.now()}.mjs`);
  await build({
    entryPoints: [join(here, 'driver.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  return { command: process.execPath, args: [outfile], cleanup: () => rmSync(outfile, { force: true }) };
}

export async function runCrashTest(options: CrashOptions): Promise<CrashResult> {
  const started = Date.now();
  const latencyMs = options.latencyMs ?? 20;
  const postDelayMs = options.postDelayMs ?? 30;
  const deadline = started + (options.timeoutMs ?? Math.max(120_000, options.kills * 3_000 + options.sales * 2_000));
  const log = options.log ?? (() => {});
  const random = seededRandom(options.seed);
  const sandbox = await startSandbox({
    port: 0,
    quiet: true,
    reviewDelayMs: 20,
    smsLimit: 50,
    seed: options.seed,
    requestLogLimit: 1_000_000,
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'sequra-pos-crash-'));
  const driver = await buildDriver();
  const killPoints: Record<string, number> = {};
  let kills = 0;
  let closed = 0;
  let stuck = 0;
  const problems: string[] = [];
  let keep = false;
  try {
    await fetch(`${sandbox.baseUrl}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ latency_ms: latencyMs }),
    });
    let announcements = 0;
    const maxDelay = latencyMs + postDelayMs + 30;
    // Bounded in count (each life either is killed, which counts, or sells and drains) and in time.
    for (let life = 1; life <= options.kills + 50; life += 1) {
      if (Date.now() > deadline) {
        stuck += 1;
        problems.push(`stuck: the run passed its time bound after ${kills} kills and ${closed} sales`);
        break;
      }
      const killsLeft = kills < options.kills;
      // Spread the remaining kills over the remaining sales, using the announcements per sale seen so far.
      const perSale = closed > 0 ? announcements / closed : 10;
      const salesPerKill = Math.max(0.2, (options.sales - closed) / Math.max(1, options.kills - kills));
      const meanGap = Math.max(1, Math.round(perSale * salesPerKill));
      const plan: Plan | null = killsLeft
        ? random() < 0.3
          ? { kind: 'nth', n: 1 + Math.floor(random() * 2 * meanGap), delayMs: Math.floor(random() * maxDelay) }
          : {
              kind: 'action',
              action: pickTarget(random),
              n: 1 + Math.floor(random() * 2),
              delayMs: Math.floor(random() * maxDelay),
            }
        : null;
      // While kills remain the child sells on (a kill always comes); the last life sells what is left and drains.
      const salesArg = killsLeft ? 1_000_000 : Math.max(0, options.sales - closed);
      const outcome = await runLife(driver, {
        args: [
          '--data-dir',
          dataDir,
          '--sandbox-url',
          sandbox.baseUrl,
          '--sales',
          String(salesArg),
          '--seed',
          String(options.seed * 1000 + life),
          '--post-delay-ms',
          String(postDelayMs),
        ],
        plan,
        // The aimed-at action may never come in this life: kill at a random moment after the till is up instead.
        fallbackKillMs: 300 + Math.floor(random() * 3_000),
        maxLifeMs: Math.max(10_000, deadline - Date.now()),
      });
      closed += outcome.closed;
      announcements += outcome.announcements;
      if (outcome.killed) {
        kills += 1;
        const point = outcome.killedAfter ?? 'spawn';
        killPoints[point] = (killPoints[point] ?? 0) + 1;
        if (kills % 20 === 0) log(`crash: ${kills}/${options.kills} kills, ${closed} sales closed`);
        continue;
      }
      if (outcome.exitCode === 0) break;
      stuck += 1;
      problems.push(
        `stuck: the till's cashier gave up (exit ${outcome.exitCode}): ${outcome.error ?? ''} ${outcome.stderr.slice(-500)}`,
      );
      break;
    }
    const report = await audit({ tills: [{ dataDir }], sandboxBaseUrl: sandbox.baseUrl });
    const dropped = (await sandboxLog(sandbox.baseUrl)).filter(
      (entry) => entry.status === null && entry.fault === 'latency',
    );
    const counters = { ...report.counters, kills, stuck };
    const failing = failedCounters(counters);
    keep = failing.length > 0;
    const summary =
      `crash: sales=${counters.sales} kills=${kills} confirmed=${counters.confirmed} lost_confirmations=${counters.lost_confirmations}` +
      ` duplicate_sms=${counters.duplicate_sms} duplicate_solicitations_after_sms=${counters.duplicate_solicitations_after_sms}` +
      ` confirmed_at_sequra_unknown_to_till=${counters.confirmed_at_sequra_unknown_to_till}` +
      ` lost_handovers=${counters.lost_handovers} unsettled=${counters.unsettled} anomalies=${counters.anomalies} stuck=${stuck}` +
      ` ${auditSummary(counters)}`;
    if (failing.length) log(`crash: FAILED ${failing.join(', ')} (data kept in ${dataDir})`);
    return {
      counters,
      summary,
      problems: [...problems, ...report.problems],
      killPoints,
      killsInsideSequraCalls: dropped.length,
      dataDir,
      durationMs: Date.now() - started,
    };
  } finally {
    driver.cleanup();
    await sandbox.close();
    // A failing run keeps the till's files (journal, outbox, history, logs, cashier notebook) for debugging.
    if (!options.keepDataDir && !keep && stuck === 0 && problems.length === 0)
      rmSync(dataDir, { recursive: true, force: true });
  }
}

function runLife(
  driver: { command: string; args: string[] },
  input: { args: string[]; plan: Plan | null; fallbackKillMs: number; maxLifeMs: number },
): Promise<LifeOutcome> {
  return new Promise((resolve) => {
    const child = spawn(driver.command, [...driver.args, ...input.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const outcome: LifeOutcome = {
      announcements: 0,
      killed: false,
      killedAfter: null,
      exitCode: null,
      closed: 0,
      error: null,
      stderr: '',
    };
    let lastAction: string | null = null;
    let announcements = 0;
    let targetSeen = 0;
    let armed = false;
    const timers: NodeJS.Timeout[] = [];
    const kill = () => {
      if (outcome.killed || child.exitCode !== null) return;
      outcome.killed = true;
      outcome.killedAfter = lastAction;
      child.kill('SIGKILL');
    };
    const arm = (delayMs: number) => {
      if (armed) return;
      armed = true;
      timers.push(setTimeout(kill, delayMs));
    };
    // The aimed-at moment may never come: then kill at a random moment, counted from when the child says the
    // till is up and signed in, not from the spawn. On a loaded machine the start-up alone can outlast the
    // fallback, and every kill then landed there (kill points: spawn=14 of 15), none in a sale; kills in a row
    // inside the sign-in also count as wrong PINs (a crash mid-check leaves the attempt counted) and locked
    // the cashier out. Start-up and resume are still aimed at through the 'boot' and 'resume' targets.
    const armFallback = () => {
      if (input.plan) timers.push(setTimeout(kill, input.fallbackKillMs));
    };
    // A life that neither finishes nor is killed within its bound is stuck: end it (the run reports it).
    timers.push(
      setTimeout(() => {
        outcome.error = 'life time bound exceeded';
        child.kill('SIGKILL');
      }, input.maxLifeMs),
    );
    child.stderr.on('data', (chunk: Buffer) => {
      outcome.stderr = (outcome.stderr + chunk.toString()).slice(-4_000);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      let message: { t: string; a?: string; message?: string };
      try {
        message = JSON.parse(line);
      } catch {
        return;
      }
      if (message.t === 'ready') armFallback();
      if (message.t === 'closed') outcome.closed += 1;
      if (message.t === 'error') outcome.error = message.message ?? 'error';
      if (message.t !== 'act' || outcome.killed) return;
      lastAction = message.a ?? null;
      announcements += 1;
      outcome.announcements = announcements;
      const plan = input.plan;
      if (!plan) return;
      if (plan.kind === 'nth' && announcements === plan.n) arm(plan.delayMs);
      if (plan.kind === 'action' && message.a === plan.action && ++targetSeen === plan.n) arm(plan.delayMs);
    });
    child.on('exit', (code) => {
      for (const timer of timers) clearTimeout(timer);
      outcome.exitCode = code;
      resolve(outcome);
    });
  });
}
