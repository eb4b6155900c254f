// Request bodies in, responses out. Handlers build a SandboxResponse value instead of writing to the socket,
// so the fault layer can decide afterwards whether the answer is delivered or lost ("reset after apply").
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

export interface SandboxResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

/** SeQura's error model (sequra-api.md §2.11): `{"errors":[...]}`. */
export function errorsResponse(
  status: number,
  errors: string[],
  headers: Record<string, string> = {},
): SandboxResponse {
  return jsonResponse(status, { errors }, headers);
}

export function htmlResponse(status: number, html: string, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers }, body: html };
}

export function textResponse(
  status: number,
  text: string,
  contentType: string,
  headers: Record<string, string> = {},
): SandboxResponse {
  return { status, headers: { 'Content-Type': contentType, ...headers }, body: text };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers, body: '' };
}

export function redirectResponse(location: string, status = 303): SandboxResponse {
  return { status, headers: { Location: location }, body: '' };
}

// SeQura runs on Rails: unknown routes and records answer with the stock public/404.html (sequra-api.md §2.3, §2.11).
const RAILS_PAGE_STYLE = `body{background-color:#EFEFEF;color:#2E2F30;text-align:center;font-family:arial,sans-serif;margin:0}
div.dialog{width:95%;max-width:33em;margin:4em auto 0;border:1px solid #CCC;border-top:#B00100 solid 4px;border-top-left-radius:9px;border-top-right-radius:9px;background-color:white;padding:7px 12% 0}
h1{font-size:100%;color:#730E15;line-height:1.5em}`;

function railsErrorPage(title: string, heading: string, detail: string): string {
  return `<!DOCTYPE html>
<html>
<head>
  <title>${title}</title>
  <meta name="viewport" content="width=device-width,initial-scale=1">
  <style>${RAILS_PAGE_STYLE}</style>
</head>
<body>
  <div class="dialog">
    <h1>${heading}</h1>
    <p>${detail}</p>
  </div>
  <p>If you are the application owner check the logs for more information.</p>
</body>
</html>
`;
}

const NOT_FOUND_HTML = railsErrorPage(
  "The page you were looking for doesn't exist (404)",
  "The page you were looking for doesn't exist.",
  'You may have mistyped the address or the page may have moved.',
);

const SERVER_ERROR_HTML = railsErrorPage(
  "We're sorry, but something went wrong (500)",
  "We're sorry, but something went wrong.",
  'The sandbox was told to fail this request (fault injection).',
);

export function notFoundResponse(): SandboxResponse {
  return htmlResponse(404, NOT_FOUND_HTML);
}

export function serverErrorResponse(): SandboxResponse {
  return htmlResponse(500, SERVER_ERROR_HTML);
}

/**
 * `drainable`: whether the rest of an oversized body is small enough to read and discard after the 413, which keeps
 * the connection usable and lets the client read the answer instead of seeing a reset while it is still sending.
 */
export type BodyReadResult =
  { kind: 'ok'; body: Buffer } | { kind: 'too_large'; drainable: boolean } | { kind: 'aborted' };

const EMPTY_BODY = Buffer.alloc(0);
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

export function readBody(req: IncomingMessage, limitBytes: number): Promise<BodyReadResult> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limitBytes) {
    return Promise.resolve({ kind: 'too_large', drainable: Number(declared) <= DRAIN_LIMIT_BYTES });
  }
  if (declared === undefined && req.headers['transfer-encoding'] === undefined)
    return Promise.resolve({ kind: 'ok', body: EMPTY_BODY });
  if (declared === '0') return Promise.resolve({ kind: 'ok', body: EMPTY_BODY });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (result: BodyReadResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > DRAIN_LIMIT_BYTES) {
        req.socket.destroy();
        return;
      }
      if (settled) return;
      if (received > limitBytes) {
        // Stop buffering but keep reading: the rest is discarded while the caller answers 413.
        chunks.length = 0;
        settle({ kind: 'too_large', drainable: true });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle({ kind: 'ok', body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
    req.on('error', () => settle({ kind: 'aborted' }));
    req.on('close', () => settle({ kind: 'aborted' }));
  });
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export type JsonBodyResult = { ok: true; value: unknown } | { ok: false; response: SandboxResponse };

/**
 * SeQura takes UTF-8 JSON only ("ISO-8859 is not allowed", sequra-api.md §1.3). An empty body parses as `undefined`, so
 * the endpoint's own validation explains what is missing instead of a generic parse error.
 */
export function parseJsonBody(headers: IncomingHttpHeaders, body: Buffer): JsonBodyResult {
  if (body.length === 0) return { ok: true, value: undefined };
  const contentType = headers['content-type'];
  if (!contentType || !/^application\/json\s*(;|$)/i.test(contentType)) {
    return {
      ok: false,
      response: errorsResponse(415, [`Unsupported Content-Type '${contentType ?? ''}': send application/json`]),
    };
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  if (charset && charset.toLowerCase() !== 'utf-8' && charset.toLowerCase() !== 'utf8') {
    return {
      ok: false,
      response: errorsResponse(415, [`Unsupported charset '${charset}': only UTF-8 JSON is accepted`]),
    };
  }
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    return { ok: false, response: errorsResponse(400, ['Malformed body: not valid UTF-8']) };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, response: errorsResponse(400, [`Malformed JSON: ${(error as Error).message}`]) };
  }
}

export function parseFormBody(headers: IncomingHttpHeaders, body: Buffer): URLSearchParams | null {
  const contentType = headers['content-type'] ?? '';
  if (body.length > 0 && !/^application\/x-www-form-urlencoded/i.test(contentType)) return null;
  return new URLSearchParams(body.toString('utf8'));
}

export function writeResponse(
  res: ServerResponse,
  response: SandboxResponse,
  extraHeaders?: Record<string, string>,
): void {
  const headers: Record<string, string | number> = { ...response.headers, ...extraHeaders };
  headers['Content-Length'] = Buffer.byteLength(response.body);
  res.writeHead(response.status, headers);
  res.end(response.body);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
