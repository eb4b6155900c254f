// `npm run dist`: the installers for this platform (or `-- --win` / `-- --linux`), signed as the build
// machine's environment allows (scripts/dist-signing.ts), then SHA256SUMS for every artifact and, with
// SEQURA_POS_GPG_KEY, its detached GnuPG signature. Needs network (electron-builder downloads Electron).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Configuration } from 'electron-builder';
import yaml from 'js-yaml';
import { gpgSignArgs, packagingConfig, signingPlan, writeChecksums } from './dist-signing.ts';

const { values: target } = parseArgs({ options: { win: { type: 'boolean' }, linux: { type: 'boolean' } } });
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
