import Conf from 'conf';
import type { StoreFactory } from './store.ts';

/** The plain-Node store: `conf`, the engine under electron-store. A corrupt file is never silently reset. */
export const createConfStore: StoreFactory = (options) =>
  new Conf({
    cwd: options.cwd,
    configName: options.name,
    defaults: options.defaults,
    clearInvalidConfig: false,
    // conf would otherwise write its own `__internal__` migration bookkeeping; our schemaVersion is ours.
    projectVersion: undefined,
  }) as never;
