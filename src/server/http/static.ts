/**
 * Static files: `/` → demo/index.html, `/demo/*` → demo/, `/dist/*` → dist/, under one root.
 * Paths are resolved inside their folder only (no traversal, no dotfiles, no symlinks out).
 * Until the real demo exists, `/` serves a built-in page that shows the live feed as text.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { FALLBACK_PAGE } from './fallback-page.js';
import { sendError } from './respond.js';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.d.ts': 'text/plain; charset=utf-8',
};

const MOUNTS: Record<string, string> = { '/demo/': 'demo', '/dist/': 'dist' };

/** Serves a static file for GET/HEAD; returns false when the path is not under a mount. */
export async function handleStatic(req: IncomingMessage, res: ServerResponse, path: string, root: string): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (path === '/' || path === '/index.html') {
    const served = await serveFile(req, res, resolve(root, 'demo'), 'index.html');
    if (!served) sendPage(req, res, FALLBACK_PAGE);
    return true;
  }
  const mount = Object.keys(MOUNTS).find((prefix) => path.startsWith(prefix));
  if (!mount) return false;
  let relative: string;
  try {
    relative = decodeURIComponent(path.slice(mount.length));
  } catch {
    sendError(res, 400, 'bad path');
    return true;
  }
  if (relative === '' || relative.endsWith('/')) relative += 'index.html';
  if (!(await serveFile(req, res, resolve(root, MOUNTS[mount] as string), relative))) sendError(res, 404, 'not found');
  return true;
}

async function serveFile(req: IncomingMessage, res: ServerResponse, folder: string, relative: string): Promise<boolean> {
  if (relative.includes('\0') || relative.split(/[\\/]/).some((part) => part.startsWith('.'))) return false;
  const file = resolve(folder, relative);
  try {
    const [realFolder, realFile] = await Promise.all([realpath(folder), realpath(file)]);
    if (!realFile.startsWith(realFolder + sep)) return false;
    const info = await stat(realFile);
    if (!info.isFile()) return false;
    const type = MIME[file.endsWith('.d.ts') ? '.d.ts' : extname(file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': info.size, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(realFile).on('error', () => res.destroy()).pipe(res);
    return true;
  } catch {
    return false;
  }
}

function sendPage(req: IncomingMessage, res: ServerResponse, html: string): void {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html), 'Cache-Control': 'no-cache' });
  res.end(req.method === 'HEAD' ? undefined : html);
}

