/**
 * A tiny static server on 127.0.0.1:0 for benchmark pages: serves in-memory files (bundled pages)
 * and `GET /clock` (this process's fractional-ms wall clock, for page↔server clock offset).
 */
import { createServer, type Server } from 'node:http';
import { preciseNow } from './stats.js';

const TYPES: Record<string, string> = { html: 'text/html', js: 'text/javascript', json: 'application/json', css: 'text/css' };

export interface StaticServer {
  origin: string;
  /** Adds or replaces a file served at `path` (e.g. `/p6/page.html`). */
  put(path: string, body: string): void;
  close(): Promise<void>;
}

export async function startStaticServer(): Promise<StaticServer> {
  const files = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/clock') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ now: preciseNow() }));
      return;
    }
    const body = files.get(path);
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    const type = TYPES[path.split('.').pop() ?? ''] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
    res.end(body);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    put: (path, body) => void files.set(path, body),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
