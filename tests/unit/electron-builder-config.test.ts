// electron-builder.yml is checked against electron-builder's own JSON schema (packaging itself needs
// downloads and cannot run here), and the settings store IT relies on are pinned one by one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, matchesGlob, relative } from 'node:path';
import Ajv from 'ajv';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { gpgSignArgs, packagingConfig, signingPlan, writeChecksums } from '../../scripts/dist-signing.ts';

// js-yaml is the YAML parser electron-builder itself loads its configuration with.

const root = process.cwd();
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  files: string[];
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  nsis: Record<string, unknown>;
  win: { target: Array<{ target: string }> };
  linux: { target: Array<{ target: string }> };
  deb: { depends: string[] };
};
const schema = JSON.parse(readFileSync(join(root, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8')) as Record<
  string,
  unknown
>;

function validator() {
  // scheme.json is draft-07, Ajv 8's default draft; strict off because the schema uses keywords
  // (descriptions on $ref siblings, "default" in odd places) that strict mode rejects.
  const ajv = new Ajv({ strict: false, allErrors: true });
  return ajv.compile(schema);
}

describe('electron-builder.yml', () => {
  it('is valid against app-builder-lib/scheme.json', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const validate = validator();
    const valid = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check bites: a misspelt or mistyped option is refused', () => {
    const validate = validator();
    expect(validate({ ...config, nsis: { ...config.nsis, perMachien: true } })).toBe(false);
    expect(validate({ ...config, nsis: { ...config.nsis, oneClick: 'no' } })).toBe(false);
    expect(validate({ ...config, electronFuses: { ...config.electronFuses, runAsNodee: false } })).toBe(false);
  });

  it('Windows: an assisted NSIS installer, per machine, that keeps app data on uninstall', () => {
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
    expect(config.nsis).toMatchObject({
      oneClick: false,
      perMachine: true,
      allowElevation: true,
      deleteAppDataOnUninstall: false,
    });
  });

  it('Linux: deb (with explicit depends, including the keyring client) and AppImage', () => {
    expect(config.linux.target.map((t) => t.target).sort()).toEqual(['AppImage', 'deb']);
    expect(config.deb.depends).toEqual(expect.arrayContaining(['libnss3', 'libgtk-3-0', 'libsecret-1-0', 'libgbm1']));
    expect(config.deb.depends.some((d) => d.includes('libasound2'))).toBe(true);
  });

  it('auto-update is off: nothing is published and no update feed is generated', () => {
    expect(config.publish).toBeNull();
    expect(config.detectUpdateChannel).toBe(false);
    expect(config.generateUpdatesFilesForAllChannels).toBe(false);
    // A platform-level publish block would switch a feed back on for that platform.
    for (const section of ['win', 'nsis', 'linux', 'deb', 'appImage']) {
      expect((config[section] as Record<string, unknown>).publish, section).toBeUndefined();
    }
  });

  it('fuses: no run-as-node, NODE_OPTIONS or inspector; app only from an integrity-checked asar', () => {
    expect(config.asar).toBe(true);
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packages only the built bundles, which is what package.json "main" points into', () => {
    expect(config.directories).toEqual({ output: 'out' });
    expect(config.files).toEqual(
      expect.arrayContaining(['dist/electron/**/*', 'dist/renderer/**/*', 'package.json', '!node_modules/**/*']),
    );
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; productName: string };
    expect(pkg.main).toBe('dist/electron/main.cjs');
    expect(config.productName).toBe(pkg.productName);
  });

  it('appId matches the AppUserModelID main sets on Windows', () => {
    const mainSource = readFileSync(join(root, 'electron', 'main', 'main.ts'), 'utf8');
    expect(mainSource).toContain(`APP_USER_MODEL_ID = '${String(config.appId)}'`);
  });
});

// electron-builder applies `files` patterns in order: a file is in the package if the last pattern that
// matches it is not a negation.
function packaged(path: string): boolean {
  let included = false;
  for (const pattern of config.files) {
    const negated = pattern.startsWith('!');
    if (matchesGlob(path, negated ? pattern.slice(1) : pattern)) included = !negated;
  }
  return included;
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

describe('the native database binding in the package', () => {
  const sqlite = 'node_modules/better-sqlite3';

  it('ships better-sqlite3 at run time (JS and the prebuilt binaries), and no other node_modules', () => {
    for (const file of filesUnder(`${sqlite}/lib`)) expect(packaged(file), file).toBe(true);
    expect(packaged(`${sqlite}/package.json`)).toBe(true);
    // The installers' platforms: Windows x64 (NSIS) and Linux x64 (deb, AppImage).
    for (const target of ['win32-x64', 'linux-x64']) expect(packaged(`${sqlite}/prebuilds/${target}.node`)).toBe(true);
    // Its C++ sources and the bundled SQLite amalgamation are build inputs only.
    expect(filesUnder(`${sqlite}/deps`).some(packaged)).toBe(false);
    expect(packaged('node_modules/zod/package.json')).toBe(false);
    expect(packaged('node_modules/electron-store/index.js')).toBe(false);
    expect(packaged('dist/electron/main.cjs')).toBe(true);
  });

  it('unpacks every .node file from the asar, and only those', () => {
    const unpacked = (path: string) => config.asarUnpack.some((pattern) => matchesGlob(path, pattern));
    const binaries = filesUnder(`${sqlite}/prebuilds`);
    expect(binaries.length).toBeGreaterThan(0);
    for (const file of binaries) expect(unpacked(file), file).toBe(file.endsWith('.node'));
    expect(unpacked(`${sqlite}/lib/index.js`)).toBe(false);
  });

  it('never rebuilds the Node-API binary against Electron (nothing to compile on a build machine)', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.nodeGypRebuild).toBe(false);
    expect(config.buildDependenciesFromSource).toBe(false);
  });
});

describe('code signing from the build machine environment (scripts/dist-signing.ts)', () => {
  const azure = {
    AZURE_TRUSTED_SIGNING_ENDPOINT: 'https://weu.codesigning.azure.net',
    AZURE_TRUSTED_SIGNING_ACCOUNT: 'sequra-signing',
    AZURE_TRUSTED_SIGNING_PROFILE: 'pos-public-trust',
    AZURE_TRUSTED_SIGNING_PUBLISHER: 'SeQura Worldwide S.A.',
    AZURE_TENANT_ID: 'tenant',
    AZURE_CLIENT_ID: 'client',
    AZURE_CLIENT_SECRET: 'entra-client-secret-value',
  };

  it('the yml holds no certificate, password or account, and signs with SHA-256 and a timestamp', () => {
    const win = config.win as unknown as { signtoolOptions: Record<string, unknown> };
    expect(win.signtoolOptions).toEqual({
      signingHashAlgorithms: ['sha256'],
      rfc3161TimeStampServer: 'http://timestamp.digicert.com',
    });
    expect(JSON.stringify(config)).not.toMatch(
      /certificateFile|certificatePassword|certificateSha1|azureSignOptions|\.pfx/,
    );
  });

  it('Azure Trusted Signing from AZURE_TRUSTED_SIGNING_* is valid electron-builder configuration', () => {
    const built = packagingConfig(config, azure) as { win: Record<string, unknown> };
    expect(built.win.azureSignOptions).toEqual({
      endpoint: 'https://weu.codesigning.azure.net',
      codeSigningAccountName: 'sequra-signing',
      certificateProfileName: 'pos-public-trust',
      publisherName: 'SeQura Worldwide S.A.',
    });
    expect(built.win.signtoolOptions).toBeUndefined();
    expect(built.win.forceCodeSigning).toBe(true);
    const validate = validator();
    expect(validate(built), JSON.stringify(validate.errors)).toBe(true);
    // The secret for Entra sign-in stays in the environment, never in the configuration.
    expect(JSON.stringify(built)).not.toContain('entra-client-secret-value');
  });

  it('Authenticode from CSC_LINK / CSC_KEY_PASSWORD: the yml as is, signing forced', () => {
    const built = packagingConfig(config, { CSC_LINK: '/secure/pos.pfx', CSC_KEY_PASSWORD: 'pw' }) as {
      win: Record<string, unknown>;
    };
    expect(built.win.forceCodeSigning).toBe(true);
    expect(built.win.azureSignOptions).toBeUndefined();
    expect(JSON.stringify(built)).not.toMatch(/pos\.pfx|"pw"/);
    expect(validator()(built)).toBe(true);
  });

  it('incomplete signing setups and unsigned release builds are refused before anything is built', () => {
    expect(() => signingPlan({ ...azure, AZURE_CLIENT_SECRET: '' })).toThrow(/AZURE_CLIENT_SECRET/);
    expect(() => signingPlan({ AZURE_TRUSTED_SIGNING_ENDPOINT: 'https://x' })).toThrow(/AZURE_TRUSTED_SIGNING_ACCOUNT/);
    expect(() => signingPlan({ CSC_LINK: '/secure/pos.pfx' })).toThrow(/CSC_KEY_PASSWORD/);
    expect(() => signingPlan({ SEQURA_POS_RELEASE: '1' })).toThrow(/must be signed/);
    expect(signingPlan({})).toEqual({ windows: 'unsigned', gpgKey: null });
    expect(signingPlan({ SEQURA_POS_GPG_KEY: 'ABCD1234' }).gpgKey).toBe('ABCD1234');
  });

  it('SHA256SUMS checks out with sha256sum -c, and gpg signs it into a detached signature that verifies', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dist-sums-'));
    const home = mkdtempSync(join(tmpdir(), 'gnupg-'));
    try {
      const deb = join(dir, 'sequra-pos-0.1.0-linux-amd64.deb');
      const appImage = join(dir, 'sequra-pos-0.1.0-linux-x86_64.AppImage');
      writeFileSync(deb, 'deb bytes');
      writeFileSync(appImage, 'appimage bytes');
      const sums = writeChecksums(dir, [deb, appImage]);
      expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })).toMatch(
        /linux-amd64\.deb: OK[\s\S]*AppImage: OK/,
      );
      const gpgEnv = { ...process.env, GNUPGHOME: home };
      const gpg = (args: string[]) => execFileSync('gpg', args, { env: gpgEnv, stdio: 'pipe' });
      gpg([
        '--batch',
        '--passphrase',
        '',
        '--quick-gen-key',
        'SeQura POS test <pos@example.invalid>',
        'ed25519',
        'sign',
      ]);
      gpg(gpgSignArgs(sums, 'pos@example.invalid'));
      expect(() => gpg(['--batch', '--verify', `${sums}.asc`, sums])).not.toThrow();
      writeFileSync(sums, readFileSync(sums, 'utf8').replace(/^./, '0'));
      expect(() => gpg(['--batch', '--verify', `${sums}.asc`, sums])).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});
