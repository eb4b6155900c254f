// Command-line flags for the scripts in scripts/, on node:util parseArgs: every script answers --help with
// its usage, generated from the same option list it parses, and refuses an unknown flag or a missing value
// with that usage instead of running with a guess.
import { parseArgs } from 'node:util';

type ScriptOption = { description: string; short?: string } & (
  { type: 'string'; default?: string } | { type: 'boolean'; default?: boolean }
);

export interface ScriptCommand<T extends Record<string, ScriptOption>> {
  /** How it is run, e.g. 'npm run bench:flow --'. */
  command: string;
  /** One or two lines: what it does. */
  summary: string;
  options: T;
}

function usage(script: ScriptCommand<Record<string, ScriptOption>>): string {
  const options: Record<string, ScriptOption> = { ...script.options, help: HELP_OPTION };
  const rows = Object.entries(options).map(([name, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : ''}--${name}${option.type === 'string' ? ' VALUE' : ''}`;
    const fallback = option.default === undefined || option.default === false ? '' : ` (default ${option.default})`;
    return `  ${flag.padEnd(26)} ${option.description}${fallback}`;
  });
  return `${script.summary}\n\nUsage: ${script.command}${rows.length > 1 ? ' [options]' : ''}\n\n${rows.join('\n')}\n`;
}

const HELP_OPTION = { type: 'boolean', short: 'h', description: 'print this text and exit' } satisfies ScriptOption;

type ParsedFlags<T extends Record<string, ScriptOption>> = ReturnType<
  typeof parseArgs<{ options: T & { help: typeof HELP_OPTION }; strict: true; allowPositionals: false }>
>['values'];

/** The parsed flags; prints the usage and exits on --help (0) or on a flag it does not know (2). */
export function parseScriptArgs<const T extends Record<string, ScriptOption>>(
  script: ScriptCommand<T>,
  args: string[] = process.argv.slice(2),
): Omit<ParsedFlags<T>, 'help'> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: { ...script.options, help: HELP_OPTION },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage(script)}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(usage(script));
    process.exit(0);
  }
  return values as ParsedFlags<T>;
}
