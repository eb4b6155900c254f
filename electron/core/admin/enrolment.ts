import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { z } from 'zod';
import { CredentialsInputSchema, type EnrolmentStatus } from '../../../shared/ipc/admin-schemas.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { MachineConfigLoad } from '../config/machine-config.ts';
import type { Logger } from '../log/logger.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { testSequraConnection } from './connection-test.ts';

// Credential enrolment from a one-time file (docs/it-guide.md, "Credentials"): store IT drops
// `enrol-credentials.json` next to the machine configuration; at start (or when a manager presses "Enrol from
// file now") the till reads it, tests the credentials against the configured SeQura host, stores them through
// the injected SecretStore (OS-encrypted in the app) and deletes the file.
//
// The file is deleted whenever its content has been dealt with — stored, or refused by SeQura, or unreadable —
// because it holds a secret in clear. It is kept only when the test could not run (SeQura unreachable, no
// configuration yet): the next start tries again, so a till installed before its firewall rule still enrols.
export const ENROLMENT_FILE_NAME = 'enrol-credentials.json';

export function enrolmentFilePathFor(configPath: string | null | undefined): string | null {
  return configPath ? join(dirname(configPath), ENROLMENT_FILE_NAME) : null;
}

const EnrolmentFileSchema = CredentialsInputSchema;

export interface EnrolmentDeps {
  filePath: string | null;
  machineConfig: MachineConfigLoad;
  secrets: SecretStore;
  fetch: typeof fetch;
  appVersion: string;
  clock: () => Date;
  audit: AuditLog;
  log: Logger;
}

/** Null when there is no file (nothing happened). */
export async function enrolFromFile(deps: EnrolmentDeps): Promise<EnrolmentStatus | null> {
  if (!deps.filePath) return null;
  let text: string;
  try {
    text = readFileSync(deps.filePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return finish(deps, 'invalid_file', 'kept', `cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }

  let parsed: z.infer<typeof EnrolmentFileSchema>;
  try {
    const result = EnrolmentFileSchema.safeParse(JSON.parse(text.replace(/^\uFEFF/, '')));
    if (!result.success) {
      // Key names only: a message could quote the value.
      const keys = [...new Set(result.error.issues.map((i) => i.path.map(String).join('.') || '(root)'))].join(', ');
      return finish(
        deps,
        'invalid_file',
        remove(deps),
        `expected {"username": "…", "password": "…"}; problem with: ${keys}`,
      );
    }
    parsed = result.data;
  } catch {
    return finish(deps, 'invalid_file', remove(deps), 'is not valid JSON');
  }

  if (deps.machineConfig.kind !== 'ok') {
    return finish(
      deps,
      'waiting_for_config',
      'kept',
      'the machine configuration file is missing or invalid: the credentials are tested and stored once it is fixed',
    );
  }

  const stored = await deps.secrets.getCredentials();
  if (stored && stored.username === parsed.username && stored.password === parsed.password) {
    // Already enrolled (a previous start could not delete the file): nothing to test again.
    return finish(deps, 'enrolled', remove(deps), 'already stored');
  }

  const test = await testSequraConnection({
    config: deps.machineConfig.config,
    credentials: parsed,
    fetch: deps.fetch,
    appVersion: deps.appVersion,
    clock: deps.clock,
  });
  if (test.ok) {
    try {
      await deps.secrets.setCredentials(parsed);
    } catch (error) {
      // No protected keychain (e.g. no keyring daemon on Linux): keep the file, so that once IT fixes the
      // keychain the next start enrols without anyone re-creating it.
      return finish(
        deps,
        'not_stored',
        'kept',
        `the credentials passed the test but could not be stored: ${error instanceof Error ? error.message : 'unknown'}`.slice(
          0,
          500,
        ),
      );
    }
    return finish(deps, 'enrolled', remove(deps), `reaches merchant ${test.merchantId}`);
  }
  if (test.problem === 'auth' || test.problem === 'merchant_not_found') {
    return finish(deps, 'rejected', remove(deps), `${test.problem}${test.detail ? `: ${test.detail}` : ''}`);
  }
  return finish(
    deps,
    'unreachable',
    'kept',
    `${test.problem}${test.detail ? `: ${test.detail}` : ''}; the file is kept and tried again at the next start`,
  );

  function remove(d: EnrolmentDeps): FileFate {
    try {
      rmSync(d.filePath!, { force: true });
      return 'deleted';
    } catch (error) {
      d.log.warn('enrolment.file_not_deleted', { code: (error as NodeJS.ErrnoException).code ?? 'error' });
      return 'delete_failed';
    }
  }
}

type FileFate = 'deleted' | 'kept' | 'delete_failed';

function finish(
  deps: EnrolmentDeps,
  outcome: EnrolmentStatus['outcome'],
  fate: FileFate,
  detail: string | null,
): EnrolmentStatus {
  const status: EnrolmentStatus = {
    at: deps.clock().toISOString(),
    outcome,
    fileDeleted: fate === 'deleted',
    // The till user may lack the right to delete in the configuration folder: say so, the file holds a secret.
    detail:
      fate === 'delete_failed'
        ? `${detail ?? ''} — the file could not be deleted: delete it by hand`.slice(0, 500)
        : detail,
  };
  deps.audit.record({
    actor: 'it',
    action: `credentials.enrolment_${outcome}`,
    outcome: outcome === 'enrolled' ? 'ok' : 'refused',
    target: 'enrol-credentials.json',
    detail: status.detail,
  });
  deps.log.info('enrolment.attempted', { outcome, fileDeleted: status.fileDeleted });
  return status;
}
