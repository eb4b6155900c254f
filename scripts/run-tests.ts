// `npm test`: the one test command (README, .ci/run). Runs every gate in order and ends with the
// closing line "N passed, N failed". Typecheck, lint and the builder-config check count as one check each;
// vitest suites count their individual tests.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseScriptArgs } from './script-args.ts';

parseScriptArgs({
  command: 'npm test',
  summary: 'Every gate in order (typecheck, lint, format, unused code, import cycles, unit, integration, e2e).',
  options: {},
});

const reportDir = join(process.cwd(), '.tmp', 'test-reports');
rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });

let passed = 0;
let failed = 0;

function run(label: string, command: string, args: string[]): boolean {
  console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  return result.status === 0;
}

function check(label: string, command: string, args: string[]): void {
  if (run(label, command, args)) passed += 1;
  else {
    failed += 1;
    console.log(`✗ ${label} failed`);
  }
}

function suite(label: string, config: string): void {
  const out = join(reportDir, `${label}.json`);
  const ok = run(label, 'npx', [
    'vitest',
    'run',
    '--config',
    config,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
  ]);
  try {
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numTotalTestSuites: number;
      success: boolean;
    };
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    // A suite that failed to load (syntax error, missing module) has no failed *tests*; still count it.
    if (!ok && report.numFailedTests === 0) failed += 1;
  } catch {
    failed += 1;
    console.log(`✗ ${label}: no report written`);
  }
}

check('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
check('typecheck shared (no DOM, no Node)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.shared.json']);
check('lint (includes the layering rule)', 'npx', ['eslint', '.']);
// Import cycles, type-only imports included (dpdm): modules are wired in one direction.
check('import cycles (dpdm)', 'npm', ['run', '--silent', 'cycles']);
// Unused files, exports and dependencies (knip.json names the entry points).
check('unused code (knip)', 'npx', ['knip', '--no-progress']);
check('format (prettier --check)', 'npx', ['prettier', '--check', '--log-level', 'warn', '.']);
// The renderer is built first: the preview-host integration tests and the e2e tests serve it.
check('build renderer', 'npx', ['vite', 'build', '--logLevel', 'warn']);
suite('unit-and-integration', 'vitest.config.ts');
suite('e2e', 'vitest.e2e.config.ts');

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
