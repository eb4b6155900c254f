// The full sandbox for tests, scripts and `npm run sandbox`: the training sandbox plus fault injection in
// front of the SeQura surface and the control API under /__sandbox/ (play the shopper, read orders and
// traffic, set faults, reset).
import { handleControlRequest } from './control-api.ts';
import { FaultInjector } from './faults.ts';
import { startSandboxServer, type RunningSandbox, type SandboxOptions } from './server.ts';

export function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  return startSandboxServer(options, {
    createFaults: (seed) => new FaultInjector(seed),
    handleControlRequest,
  });
}
