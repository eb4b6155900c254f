import Store from 'electron-store';
import type { StoreFactory } from '../core/storage/store.ts';

// The app's store engine: electron-store, a thin wrapper over `conf` (which the preview host and tests
// use directly), so the core behaves the same under both. One JSON file per store in `cwd` (userData).
export const createElectronStore: StoreFactory = (options) =>
  new Store({
    cwd: options.cwd,
    name: options.name,
    defaults: options.defaults,
    // A corrupt file must be set aside and reported, never silently replaced by defaults (a lost journal
    // would be a lost sale).
    clearInvalidConfig: false,
  }) as never;
