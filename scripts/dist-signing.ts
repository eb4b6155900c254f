import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

// How `npm run dist` signs what it builds, chosen from the environment of the build machine so that no
// certificate, password or account name is ever in the repository (docs/it-guide.md, "Verifying the
// packages"). electron-builder.yml holds everything that is not secret; this adds the rest:
//
// - Windows, Azure Trusted Signing: when AZURE_TRUSTED_SIGNING_ENDPOINT is set, with
//   AZURE_TRUSTED_SIGNING_ACCOUNT, AZURE_TRUSTED_SIGNING_PROFILE and AZURE_TRUSTED_SIGNING_PUBLISHER
//   (the certificate's subject). Microsoft Entra sign-in comes from AZURE_TENANT_ID, AZURE_CLIENT_ID and
//   AZURE_CLIENT_SECRET, which the signing module reads itself.
// - Windows, Authenticode with a .pfx (or an EV token): electron-builder's own CSC_LINK / WIN_CSC_LINK and
//   CSC_KEY_PASSWORD / WIN_CSC_KEY_PASSWORD; nothing to add here, the yml sets the hash and timestamp server.
// - Linux: deb and AppImage are not signed by electron-builder; every artifact gets a line in SHA256SUMS,
//   and when SEQURA_POS_GPG_KEY names a key in the build machine's GnuPG keyring, SHA256SUMS.asc is its
//   detached signature.
//
// A release build (SEQURA_POS_RELEASE=1) refuses to produce an unsigned Windows installer.
export type WindowsSigning = 'azure-trusted-signing' | 'authenticode' | 'unsigned';

export interface SigningPlan {
  windows: WindowsSigning;
  /** GnuPG key id or fingerprint for SHA256SUMS.asc, or null for checksums only. */
  gpgKey: string | null;
}

const AZURE_VARIABLES = [
  'AZURE_TRUSTED_SIGNING_ENDPOINT',
  'AZURE_TRUSTED_SIGNING_ACCOUNT',
  'AZURE_TRUSTED_SIGNING_PROFILE',
  'AZURE_TRUSTED_SIGNING_PUBLISHER',
] as const;
const ENTRA_VARIABLES = ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'] as const;

export class SigningSetupError extends Error {
  override name = 'SigningSetupError';
}

export function signingPlan(env: NodeJS.ProcessEnv): SigningPlan {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  let windows: WindowsSigning = 'unsigned';
  if (set('AZURE_TRUSTED_SIGNING_ENDPOINT')) {
    const missing = [...AZURE_VARIABLES, ...ENTRA_VARIABLES].filter((name) => !set(name));
    if (missing.length) throw new SigningSetupError(`Azure Trusted Signing needs ${missing.join(', ')}.`);
    windows = 'azure-trusted-signing';
  } else if (set('WIN_CSC_LINK') || set('CSC_LINK')) {
    if (!set('WIN_CSC_KEY_PASSWORD') && !set('CSC_KEY_PASSWORD'))
      throw new SigningSetupError('Authenticode signing needs CSC_KEY_PASSWORD (or WIN_CSC_KEY_PASSWORD).');
    windows = 'authenticode';
  }
  if (windows === 'unsigned' && env.SEQURA_POS_RELEASE === '1')
    throw new SigningSetupError(
      'A release build must be signed: set AZURE_TRUSTED_SIGNING_* or CSC_LINK and CSC_KEY_PASSWORD.',
    );
  return { windows, gpgKey: set('SEQURA_POS_GPG_KEY') ? env.SEQURA_POS_GPG_KEY!.trim() : null };
}

/** electron-builder's configuration for this build: the yml, plus the signing that the environment allows. */
export function packagingConfig(base: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const plan = signingPlan(env);
  const win = { ...(base.win as Record<string, unknown>) };
  if (plan.windows === 'azure-trusted-signing') {
    // Azure signs through its own module: the signtool options do not apply.
    delete win.signtoolOptions;
    win.azureSignOptions = {
      endpoint: env.AZURE_TRUSTED_SIGNING_ENDPOINT!.trim(),
      codeSigningAccountName: env.AZURE_TRUSTED_SIGNING_ACCOUNT!.trim(),
      certificateProfileName: env.AZURE_TRUSTED_SIGNING_PROFILE!.trim(),
      publisherName: env.AZURE_TRUSTED_SIGNING_PUBLISHER!.trim(),
    };
  }
  // A signed build must fail rather than quietly ship an unsigned installer when signing goes wrong.
  if (plan.windows !== 'unsigned') win.forceCodeSigning = true;
  return { ...base, win };
}

/** Writes SHA256SUMS (the `sha256sum -c` format) for the given artifacts; returns its path. */
export function writeChecksums(dir: string, artifacts: string[]): string {
  const lines = artifacts
    .map((path) => `${createHash('sha256').update(readFileSync(path)).digest('hex')}  ${basename(path)}`)
    .sort((a, b) => a.slice(66).localeCompare(b.slice(66)));
  const path = join(dir, 'SHA256SUMS');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** The gpg command line that signs SHA256SUMS into SHA256SUMS.asc with the named key. */
export function gpgSignArgs(checksumsPath: string, key: string): string[] {
  return [
    '--batch',
    '--yes',
    '--local-user',
    key,
    '--armor',
    '--detach-sign',
    '--output',
    `${checksumsPath}.asc`,
    checksumsPath,
  ];
}
