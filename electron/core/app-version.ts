import { readFileSync } from 'node:fs';

// One source for the version: package.json. Read at run time so the core needs no build step.
export const APP_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
