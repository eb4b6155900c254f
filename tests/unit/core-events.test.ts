import { afterEach, describe, expect, it } from 'vitest';
import { createSwitchableCore, createTillServices } from '../../electron/core/admin/till-core.ts';
import { deriveTillKeys, newTillKey } from '../../electron/core/security/till-key.ts';
import type { Core, CoreDeps, CoreEventListener } from '../../electron/core/core-types.ts';
import { createMemorySecretStore } from '../../electron/core/secrets/secret-store.ts';
import { createConfStore } from '../../electron/core/storage/conf-store.ts';
import { makeDataDir, removeDir } from '../support/till.ts';

// Events are checked against their payload schema once, in the core the hosts hold, so Electron's IPC and the
// preview host's WebSocket forward exactly the same thing. A generation that publishes a wrong payload (an
// extra field, a wrong shape) is the case this guards: the generation here is a stand-in whose only job is to
// publish what the test tells it to.
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});

async function coreWithGeneration() {
  const dataDir = makeDataDir();
  dirs.push(dataDir);
  const warnings: Array<{ event: string; data?: Record<string, unknown> }> = [];
  const deps: CoreDeps = {
    dataDir,
    appVersion: '0.0.0-test',
    fetch,
    createStore: createConfStore,
    secrets: createMemorySecretStore(),
    log: { info: () => {}, warn: (event, data) => warnings.push({ event, data }), error: () => {} },
    machineConfig: { kind: 'absent' },
    platformUname: 'test',
  };
  let publish: CoreEventListener = () => {};
  const generation: Core = {
    dispatch: async () => ({ ok: true, data: null }),
    onEvent(listener) {
      publish = listener;
      return () => {};
    },
    start: async () => {},
    stop: async () => {},
    nudgeConnectivity: () => {},
    pendingWork: () => ({ open: 0, oldestOpenAt: null, needsAttention: 0, queuedSales: 0 }),
    languageForNativeDialogs: () => 'es',
    trainingSandbox: null,
  };
  const core = await createSwitchableCore(
    deps,
    await createTillServices(deps, deriveTillKeys({ key: newTillKey(), source: 'memory' })),
    async () => generation,
    () => generation,
  );
  const received: Array<{ event: string; payload: unknown }> = [];
  core.onEvent((event, payload) => received.push({ event, payload }));
  return {
    publish: (event: string, payload: unknown) => publish(event as never, payload as never),
    received,
    warnings,
  };
}

describe('core events', () => {
  it('reach the transports only through their payload schema: undeclared fields dropped, wrong shapes not sent', async () => {
    const { publish, received, warnings } = await coreWithGeneration();

    const connectivity = {
      state: 'online',
      since: null,
      lastCheckedAt: null,
      lastError: null,
      pendingCount: 0,
      oldestPendingAt: null,
    };
    publish('connectivity.changed', { ...connectivity, internalSecret: 'never to the page' });
    publish('status.changed', { mode: 'not a status' });
    publish('no.such.event', {});
    // Nobody is signed in: the outbox (and sale) events wait for an unlocked till.
    publish('outbox.changed', { items: [] });

    expect(received).toEqual([{ event: 'connectivity.changed', payload: connectivity }]);
    expect(warnings.map((w) => [w.event, w.data?.reason])).toEqual([
      ['ipc.event_dropped', 'invalid_payload'],
      ['ipc.event_dropped', 'unknown_event'],
    ]);
  });
});
