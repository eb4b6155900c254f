// `npm run dist`: the installers for this platform (or `-- --win` / `-- --linux`), signed as the build
// machine's environment allows (scripts/dist-signing.ts), then SHA256SUMS for every artifact and, with
// SEQURA_POS_GPG_KEY, its detached GnuPG signature. Needs network (electron-builder downloads Electron).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { build, type Configuration } from 'electron-builder';
import yaml from 'js-yaml';
import { gpgSignArgs, packagingConfig, signingPlan, writeChecksums } from './dist-signing.ts';
import { parseScriptArgs } from './script-args.ts';

const target = parseScriptArgs({
  command: 'npm run dist --',
  summary: 'The installers, signed as the environment allows, with SHA256SUMS (run `npm run build` first).',
  options: {
    win: { type: 'boolean', description: 'build the Windows installer (default: this platform)' },
    linux: { type: 'boolean', description: 'build the Linux packages (default: this platform)' },
  },
});
const base = yaml.load(readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown>;
const plan = signingPlan(process.env);
console.log(`Windows signing: ${plan.windows}; Linux checksums signed with GnuPG: ${plan.gpgKey ? 'yes' : 'no'}`);
if (plan.windows === 'unsigned') console.warn('Warning: the Windows installer will NOT be signed (not for tills).');

const artifacts = await build({
  config: packagingConfig(base, process.env) as Configuration,
  win: target.win ? [] : undefined,
  linux: target.linux ? [] : undefined,
  publish: 'never',
});
const installers = artifacts.filter((path) => /\.(exe|deb|AppImage)$/.test(path));
const outDir = resolve(dirname(installers[0] ?? 'out/x'));
const sums = writeChecksums(outDir, installers);
console.log(`Checksums: ${sums}`);
if (plan.gpgKey) {
  execFileSync('gpg', gpgSignArgs(sums, plan.gpgKey), { stdio: 'inherit' });
  console.log(`Signature: ${sums}.asc`);
}
