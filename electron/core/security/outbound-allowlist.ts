// The till talks to exactly one host: the SeQura API configured by store IT (or, in training mode, the
// in-process sandbox on loopback). Every fetch the core makes goes through this wrapper, which refuses any
// other origin before anything leaves the machine — a wrong base URL, a Location header pointing elsewhere or
// a future bug cannot send shopper data to another host. Redirects are not followed for the same reason: a
// 3xx comes back as an answer instead of silently becoming a request to wherever it points.
//
// A refusal looks like a Chromium network error (`net::ERR_BLOCKED_BY_ADMINISTRATOR`), which the SeQura
// client already classifies as "nothing was sent", so callers need no special case.
export class OutboundRefusedError extends Error {
  override readonly name = 'OutboundRefusedError';
  readonly code = 'ERR_OUTBOUND_REFUSED';

  constructor(readonly origin: string) {
    super(
      `net::ERR_BLOCKED_BY_ADMINISTRATOR: outbound request to ${origin} refused (only the configured SeQura host is allowed)`,
    );
  }
}

export interface OutboundAllowlistOptions {
  /** Origins allowed right now (read on every request: the training sandbox's port is known only once it runs). */
  allowedOrigins: () => Array<string | null | undefined>;
  onRefused?: (origin: string) => void;
}

export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

function requestUrl(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

export function createOutboundAllowlist(inner: typeof fetch, options: OutboundAllowlistOptions): typeof fetch {
  return (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const origin = originOf(requestUrl(input)) ?? 'invalid-url';
    const allowed = new Set(
      options
        .allowedOrigins()
        .map((o) => (o ? originOf(o) : null))
        .filter((o): o is string => !!o),
    );
    if (!allowed.has(origin)) {
      options.onRefused?.(origin);
      throw new OutboundRefusedError(origin);
    }
    return inner(input, { ...init, redirect: 'manual' });
  }) as typeof fetch;
}
