import type { ConnectionTestResult } from '../../../shared/ipc/admin-schemas.ts';
import { sequraBaseUrl, type MachineConfig } from '../config/machine-config.ts';
import type { SequraCredentials } from '../secrets/secret-store.ts';
import { createSequraClient } from '../sequra/client.ts';
import { SequraError } from '../sequra/errors.ts';

// "Test connection": `GET /merchants/credentials` on the configured SeQura host with the given credentials.
// It passes only when SeQura accepts them AND they reach the merchant id store IT configured: credentials for
// another merchant would take the till live and then fail at the first sale.
export interface ConnectionTestInput {
  config: MachineConfig | null;
  credentials: SequraCredentials | null;
  /** The core's outbound fetch (allow-list + call recorder around the injected fetch). */
  fetch: typeof fetch;
  appVersion: string;
  clock: () => Date;
}

export async function testSequraConnection(input: ConnectionTestInput): Promise<ConnectionTestResult> {
  const testedAt = input.clock().toISOString();
  const base = { testedAt, merchants: [] as ConnectionTestResult['merchants'] };
  if (!input.config) return { ...base, ok: false, baseUrl: null, merchantId: null, problem: 'no_config', detail: null };
  const baseUrl = sequraBaseUrl(input.config);
  const merchantId = input.config.sequra.merchantId;
  if (!input.credentials) return { ...base, ok: false, baseUrl, merchantId, problem: 'no_credentials', detail: null };
  try {
    const client = createSequraClient({
      baseUrl,
      merchantId,
      username: input.credentials.username,
      password: input.credentials.password,
      fetch: input.fetch,
      appName: 'sequra-pos',
      appVersion: input.appVersion,
      // A person is waiting in front of the admin screen: one attempt, a clear answer.
      readRetries: 0,
      timeoutMs: 10_000,
    });
    const found = await client.checkCredentials();
    const merchants = found.slice(0, 100).map((m) => ({
      ref: m.ref.slice(0, 100),
      name: m.name?.slice(0, 200) ?? null,
      country: m.country.slice(0, 10),
      allowedCountries: m.allowed_countries.slice(0, 50).map((c) => c.slice(0, 10)),
    }));
    const reachesMerchant = merchants.some((m) => m.ref === merchantId);
    return {
      testedAt,
      ok: reachesMerchant,
      baseUrl,
      merchantId,
      merchants,
      problem: reachesMerchant ? null : 'merchant_not_found',
      detail: reachesMerchant
        ? null
        : `merchant "${merchantId}" is not among the ${merchants.length} these credentials reach`,
    };
  } catch (error) {
    return { ...base, ok: false, baseUrl, merchantId, ...describeFailure(error, merchantId) };
  }
}

function describeFailure(error: unknown, merchantId: string): Pick<ConnectionTestResult, 'problem' | 'detail'> {
  if (error instanceof SequraError) {
    if (error.kind === 'unauthorized')
      return { problem: 'auth', detail: 'HTTP 401: SeQura refused the user name or password' };
    // SeQura checks the Sequra-Merchant-Id header against the account: 403 = valid user, merchant not theirs.
    if (error.kind === 'forbidden')
      return {
        problem: 'merchant_not_found',
        detail: `HTTP 403: these credentials do not reach merchant "${merchantId}"`,
      };
    if (error.status !== undefined) return { problem: 'unexpected', detail: `HTTP ${error.status}` };
    if (error.kind === 'unexpected_response')
      return { problem: 'unexpected', detail: 'the answer was not what SeQura sends' };
    return { problem: 'unreachable', detail: error.networkCode ?? error.kind };
  }
  // Only names: an arbitrary error's message could quote anything.
  return { problem: 'unexpected', detail: error instanceof Error ? error.name : 'unknown' };
}
