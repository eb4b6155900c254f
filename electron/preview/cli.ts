import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore } from '../core/app-core.ts';
import { defaultMachineConfigPath, loadMachineConfig } from '../core/config/machine-config.ts';
import { createFileLogger } from '../core/log/logger.ts';
import { createMemorySecretStore } from '../core/secrets/secret-store.ts';
import { createConfStore } from '../core/storage/conf-store.ts';
import { installProcessGuard } from '../core/process-guard.ts';
import { APP_VERSION } from '../core/app-version.ts';
import { startPreviewHost } from './host.ts';

// `npm run preview`: the real app in a browser, for machines without a desktop or Electron binary.
// Flags: --port N (default random), --data-dir DIR (default .tmp/preview-data), --token T (tests),
// --sandbox-port N (training sandbox port; default random), --config FILE (machine config).
const { values: flags } = parseArgs({
  options: {
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    token: { type: 'string' },
    'sandbox-port': { type: 'string' },
    config: { type: 'string' },
  },
});
const flag = (name: keyof typeof flags): string | undefined => flags[name];

const dataDir = resolve(flag('data-dir') ?? process.env.SEQURA_POS_DATA_DIR ?? '.tmp/preview-data');
mkdirSync(dataDir, { recursive: true });
const configPath =
  flag('config') ??
  (process.env.SEQURA_POS_CONFIG
    ? defaultMachineConfigPath(process.platform, process.env)
    : join(dataDir, 'machine-config.json'));

const log = createFileLogger(join(dataDir, 'logs', 'sequra-pos.log'));
// Nothing a local process sends may end the host; a stray rejection is logged and the host keeps serving.
installProcessGuard({
  log,
  onFatal: () => {
    console.error('SeQura POS preview: stopped after an unexpected error (see the log).');
    process.exit(1);
  },
});

const core = await createCore({
  dataDir,
  appVersion: APP_VERSION,
  fetch: globalThis.fetch,
  createStore: createConfStore,
  // The preview host keeps credentials in memory only.
  secrets: createMemorySecretStore(),
  log,
  machineConfig: loadMachineConfig(configPath),
  platformUname: `${process.platform} ${hostname()}`,
  trainingSandboxPort: flag('sandbox-port') ? Number(flag('sandbox-port')) : 0,
});
await core.start();
const host = await startPreviewHost({
  core,
  rendererDir: resolve('dist/renderer'),
  port: flag('port') ? Number(flag('port')) : 0,
  token: flag('token'),
  log,
});

console.log(`SeQura POS preview: ${host.url}`);
if (core.trainingSandbox)
  console.log(
    `Training sandbox: ${core.trainingSandbox.baseUrl} (virtual phone: ${core.trainingSandbox.baseUrl}/phone/<order uuid>)`,
  );
console.log(`Data: ${dataDir}`);

const shutdown = async () => {
  await host.close();
  await core.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
