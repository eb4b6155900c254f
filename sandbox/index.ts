// The SeQura sandbox's public entry. The app (training mode), the scripts and the tests reach the sandbox
// only through this file (a lint rule enforces it), so its internals can change without touching them.
export { startSandbox } from './server.ts';
export type { RunningSandbox } from './server.ts';
export { SandboxDriver } from './driver.ts';
export { emptyCart, sampleCart, sampleItems, sampleOrder } from './fixtures.ts';
export type { JsonObject } from './fixtures.ts';
export type { OrderView } from './state.ts';
export type { RequestLogEntry } from './request-log.ts';
