/**
 * Child process hosting one relay under test (BENCH_SERVER = ours | naive | socketio) and its tick
 * source. Commands: start, rate {ticksPerSecond, symbols}, connections, gc, stop.
 */
import { serveCommands } from '../lib/child.js';
import { benchSymbols, TickSource } from '../lib/ticks.js';
import type { RelayUnderTest } from '../peers/relay-under-test.js';

const kind = process.env.BENCH_SERVER ?? 'naive';
let relay: (RelayUnderTest & { httpUrl?: string }) | null = null;
let source: TickSource | null = null;

async function start(): Promise<RelayUnderTest & { httpUrl?: string }> {
  if (kind === 'ours') return (await import('../peers/ours-relay.js')).startOurRelay();
  if (kind === 'socketio') return (await import('../peers/socketio-relay.js')).startSocketIoRelay();
  return (await import('../peers/naive-relay.js')).startNaiveRelay();
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

serveCommands({
  async start() {
    relay = await start();
    return { port: relay.port, wsUrl: relay.wsUrl, httpUrl: relay.httpUrl ?? null };
  },
  rate({ ticksPerSecond, symbols }) {
    if (!relay) throw new Error('not started');
    const live = relay;
    source?.stop();
    source = new TickSource(benchSymbols(Number(symbols ?? 100)), (symbol, data) => live.publish(symbol, data));
    source.setRate(Number(ticksPerSecond ?? 0));
    return null;
  },
  connections() {
    return relay?.connections() ?? 0;
  },
  /** Full GC then memory numbers; RSS is read from /proc by the parent as well. */
  gc() {
    collect();
    return process.memoryUsage();
  },
  async stop() {
    source?.stop();
    await relay?.close();
    relay = null;
    return null;
  },
});
