// The SeQura sandbox's public entry for tests and scripts: the full sandbox (fault injection, control API)
// and its driver and fixtures. The app itself uses the other public entry, sandbox/training.ts, which carries
// only what training mode needs. Nothing outside sandbox/ imports anything else from it (a lint rule enforces it).
export { startSandbox } from './controlled.ts';
export type { RunningSandbox } from './server.ts';
export { SandboxDriver } from './driver.ts';
export { emptyCart, sampleCart, sampleItems, sampleOrder } from './fixtures.ts';
export type { JsonObject } from './fixtures.ts';
export type { OrderView } from './state.ts';
export type { RequestLogEntry } from './request-log.ts';
