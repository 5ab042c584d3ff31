/**
 * What the multi-tab tests need: the test page and the SharedWorker bundled with esbuild into a
 * temporary folder, a tiny static server for it on 127.0.0.1:0 (the page's origin), and Chromium.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
// @ts-expect-error — a plain .mjs helper shared with the test runner, without type declarations
import { CHROME_ARGS, findChrome } from '../../scripts/find-chrome.mjs';

/** A served test site. */
export interface TestSite {
  origin: string;
  close(): Promise<void>;
}

/** Bundles the page and the worker and serves them; the page loads at `${origin}/?feed=…`. */
export async function serveTestSite(): Promise<TestSite> {
  const dir = mkdtempSync(join(tmpdir(), 'mp-multitab-'));
  await build({
    entryPoints: { 'client/page': 'test/e2e/multi-tab-page.ts', 'worker/shared-worker': 'src/worker/shared-worker.ts' },
    bundle: true, format: 'esm', target: 'es2022', outdir: dir, logLevel: 'silent',
  });
  const files: Record<string, string> = {
    '/': '<!doctype html><title>multi-tab</title><script type="module" src="/client/page.js"></script>',
    '/client/page.js': readFileSync(join(dir, 'client/page.js'), 'utf8'),
    // The page asks for `new URL('../worker/shared-worker.ts', import.meta.url)`: serve the bundle there.
    '/worker/shared-worker.ts': readFileSync(join(dir, 'worker/shared-worker.js'), 'utf8'),
  };
  rmSync(dir, { recursive: true, force: true });
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    const body = files[path];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': path === '/' ? 'text/html' : 'text/javascript', 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Chromium with one context (tabs of one profile share SharedWorkers, locks and channels). */
export async function openBrowser(): Promise<{ browser: Browser; context: BrowserContext }> {
  const executablePath = findChrome() as string | null;
  if (!executablePath) throw new Error('no Chromium found: apt-get install -y chromium, or set CHROME_PATH');
  const browser = await chromium.launch({ executablePath, args: CHROME_ARGS as string[], timeout: 60_000 });
  return { browser, context: await browser.newContext() };
}

/** Opens a tab of the test page. */
export async function openTab(context: BrowserContext, site: TestSite, feedUrl: string, channels: string[], mode = 'auto'): Promise<Page> {
  const page = await context.newPage();
  const query = new URLSearchParams({ feed: feedUrl, mode, channels: channels.join(',') });
  await page.goto(`${site.origin}/?${query}`);
  return page;
}

/** What a tab received on a channel. */
export function received(page: Page, channel: string): Promise<Array<{ seq: number; price: unknown }>> {
  return page.evaluate(`seen[${JSON.stringify(channel)}] ?? []`) as Promise<Array<{ seq: number; price: unknown }>>;
}

/** A tab's feed status. */
export function statusOf(page: Page): Promise<{ state: string; mode: string }> {
  return page.evaluate('({ state: feed.status.state, mode: feed.status.mode })') as Promise<{ state: string; mode: string }>;
}

/** A tab's `feed.history(channel)` as seqs. */
export function historySeqs(page: Page, channel: string): Promise<number[]> {
  return page.evaluate(`feed.history(${JSON.stringify(channel)}).then((list) => list.map((u) => u.seq))`) as Promise<number[]>;
}

/** The states a tab's feed went through (consecutive repeats folded). */
export function statesOf(page: Page): Promise<string[]> {
  return page.evaluate('states.slice()') as Promise<string[]>;
}

/** Polls `check` every 50 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Connections a relay has seen close so far (all close codes), from its Prometheus metrics. */
export async function relayDisconnects(httpUrl: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith('market_pulse_disconnects_total')).reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

/**
 * Tells a tab's page it went to the background or came back. Headless Chromium keeps every tab
 * visible (and unthrottled), so the browser's signal is played here: `visibilityState` and the
 * `visibilitychange` event, which is all the feed reads.
 */
export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  // A string, not a function: the test's TypeScript transform would add helpers the page lacks.
  await page.evaluate(`
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => ${JSON.stringify(hidden ? 'hidden' : 'visible')} });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => ${hidden} });
    document.dispatchEvent(new Event('visibilitychange'));
  `);
}

/**
 * A TCP proxy in front of a relay that delays every chunk by `delayMs` in both directions, in
 * order, as a distant relay would (a connection set-up — upgrade, then subscribe — costs 4 of
 * them), and counts the WebSocket connections it carries: those are the relay's sockets, each
 * counted from its upgrade request until the relay's side of it closed.
 */
export interface DelayingProxy {
  /** `ws://127.0.0.1:<proxy port>/ws` */
  readonly url: string;
  /** While true, connections opened from then on never hear back from the relay (a stalled set-up). */
  stallNewConnections: boolean;
  /** WebSocket connections open at the relay now. */
  readonly sockets: number;
  /** The most sockets open at once since the proxy started or `resetCounts()`. */
  readonly peakSockets: number;
  /** WebSocket connections opened since the proxy started or `resetCounts()`. */
  readonly socketsOpened: number;
  /** Starts `peakSockets` (at the current count) and `socketsOpened` (at 0) over. */
  resetCounts(): void;
  close(): Promise<void>;
}

/** Starts a `DelayingProxy` to the relay at 127.0.0.1:`port`. */
export async function delayingProxy(port: number, delayMs: number): Promise<DelayingProxy> {
  const connections = new Set<Socket>();
  let sockets = 0;
  let peakSockets = 0;
  let socketsOpened = 0;
  const server = createTcpServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    const stalled = proxy.stallNewConnections;
    let upgrade = false;
    upstream.on('close', () => {
      if (upgrade) sockets--;
    });
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      connections.add(from);
      from.on('data', (chunk: Buffer) => setTimeout(() => {
        if (!to.writable || (stalled && to === client)) return;
        if (to === upstream && !upgrade && /^upgrade: *websocket/im.test(chunk.toString('latin1'))) {
          upgrade = true;
          peakSockets = Math.max(peakSockets, ++sockets);
          socketsOpened++;
        }
        to.write(chunk);
      }, delayMs));
      from.on('close', () => setTimeout(() => to.destroy(), delayMs));
      from.on('error', () => {});
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: DelayingProxy = {
    url: `ws://127.0.0.1:${(server.address() as { port: number }).port}/ws`,
    stallNewConnections: false,
    get sockets() {
      return sockets;
    },
    get peakSockets() {
      return peakSockets;
    },
    get socketsOpened() {
      return socketsOpened;
    },
    resetCounts() {
      peakSockets = sockets;
      socketsOpened = 0;
    },
    close: () => new Promise((resolve) => {
      for (const socket of connections) socket.destroy();
      server.close(() => resolve());
    }),
  };
  return proxy;
}
