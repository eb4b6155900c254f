import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

// Maps a request path (from app://pos/<path> or the preview host) to a file inside the built renderer.
// Refuses anything that would leave the root: `..` segments (raw or percent-encoded), absolute paths,
// backslashes and NUL bytes. Unknown extensionless paths fall back to index.html (single-page app).
export type RendererFile = { ok: true; filePath: string; contentType: string } | { ok: false; status: 400 | 403 };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export function resolveRendererFile(rootDir: string, requestPath: string): RendererFile {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath.split('?')[0]!.split('#')[0]!);
  } catch {
    return { ok: false, status: 400 };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 400 };
  const segments = decoded.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '..' || s === '.')) return { ok: false, status: 403 };
  const wanted = segments.length === 0 ? 'index.html' : segments.join('/');
  const root = resolve(rootDir);
  const filePath = resolve(root, wanted);
  const rel = relative(root, filePath);
  if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return { ok: false, status: 403 };
  const extension = extname(filePath).toLowerCase();
  if (!extension) return { ok: true, filePath: resolve(root, 'index.html'), contentType: CONTENT_TYPES['.html']! };
  return { ok: true, filePath, contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream' };
}
