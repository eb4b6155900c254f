// The sandbox as the app ships it, for training mode: SeQura's merchant Orders API and the virtual shopper
// phone, nothing else. No fault injection and no control API, so neither is in the packaged main bundle
// (tests/unit/build-electron.test.ts checks the bundle). The app reaches the sandbox only through this entry.
import { startSandboxServer, type RunningSandbox, type SandboxOptions } from './server.ts';

export type { RunningSandbox, SandboxOptions } from './server.ts';

export function startTrainingSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  return startSandboxServer(options, null);
}
