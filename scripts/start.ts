// `npm start`: builds the app and runs it on the desktop. A fresh install may lack Electron's binary (npm 11
// does not run packages' install scripts unless approved), so this runs Electron's own installer first.
// Where the binary cannot be downloaded (no network, as on CI or a locked-down build machine) it says so and
// opens the browser preview instead: the same app, in training mode, driven from a browser.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseScriptArgs } from './script-args.ts';

// Only the browser preview takes options; Electron's window has none.
const previewFlags = parseScriptArgs({
  command: 'npm start --',
  summary: 'Builds the app and runs it on the desktop, or in the browser preview where Electron cannot run.',
  options: {
    'data-dir': { type: 'string', description: 'browser preview only: its data folder' },
    config: { type: 'string', description: 'browser preview only: the machine configuration file' },
    port: { type: 'string', description: 'browser preview only: its port (default: any free one)' },
  },
});
const previewArgs = Object.entries(previewFlags).flatMap(([name, value]) =>
  value === undefined ? [] : [`--${name}`, String(value)],
);

const root = process.cwd();
const electronDir = join(root, 'node_modules', 'electron');

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function electronBinary(): string | null {
  if (!existsSync(join(electronDir, 'path.txt'))) return null;
  // electron's index.js returns the absolute path of the binary it installed.
  return createRequire(import.meta.url)('electron') as unknown as string;
}

run('npx', ['vite', 'build', '--logLevel', 'warn']);
run('npx', ['tsx', 'scripts/build-electron.ts']);

let binary = electronBinary();
if (!binary) {
  console.log('Electron is not installed yet: running its installer (downloads the Electron binary)…');
  const install = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  binary = electronBinary();
  if (!binary) {
    // The installer prints a long stack; its first error line is the reason (e.g. getaddrinfo ENOTFOUND).
    const reason = `${install.stderr ?? ''}`
      .split('\n')
      .find((line) => /error/i.test(line))
      ?.trim();
    if (reason) console.log(`  ${reason.slice(0, 200)}`);
  }
}

if (binary) {
  const child = spawn(binary, ['.'], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('\nThe Electron binary could not be downloaded on this machine. Opening the browser preview instead');
  console.log('(same app and core; see README "Machines without a desktop").\n');
  const preview = spawn('npx', ['tsx', 'electron/preview/cli.ts', ...previewArgs], { stdio: 'inherit' });
  preview.on('exit', (code) => process.exit(code ?? 0));
}
