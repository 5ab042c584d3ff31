/**
 * The relays under test as benchmark arms: each arm starts its relay process and a load-generator
 * process, and always stops both. Ours is skipped (with a reason) until src/server/relay.ts exists.
 */
import { BenchChild, cpuPercent } from './child.js';
import { oursMissing } from '../peers/ours-relay.js';

export type RelayKind = 'ours' | 'naive' | 'socketio';

export const RELAY_LABEL: Record<RelayKind, string> = { ours: 'ours', naive: 'naive ws', socketio: 'socket.io' };

export interface RelayRig {
  kind: RelayKind;
  server: BenchChild;
  loadgen: BenchChild;
  wsUrl: string;
  httpUrl: string | null;
  /** The load generator's wire dialect for this relay. */
  dialect: 'v1' | 'socketio';
}

/** Why `kind` cannot run now, or null. */
export function relayMissing(kind: RelayKind): string | null {
  return kind === 'ours' ? oursMissing() : null;
}

/** Starts a relay of `kind` and a load generator, runs `body`, then stops both. */
export async function withRelay<T>(kind: RelayKind, body: (rig: RelayRig) => Promise<T>): Promise<T> {
  const server = new BenchChild('server.ts', { BENCH_SERVER: kind });
  const loadgen = new BenchChild('loadgen.ts');
  try {
    const started = await server.call<{ wsUrl: string; httpUrl: string | null }>('start', {}, 60_000);
    return await body({ kind, server, loadgen, wsUrl: started.wsUrl, httpUrl: started.httpUrl, dialect: kind === 'socketio' ? 'socketio' : 'v1' });
  } finally {
    await Promise.all([loadgen.stop(), server.stop()]);
  }
}

export interface Measurement {
  deliveries: number;
  perSecond: number;
  framesPerSecond: number;
  slowDeliveries: number;
  p50: number;
  p99: number;
  max: number;
  open: number;
  /** CPU of the load generator and of the relay during the window, % of one core. */
  loadgenCpu: number;
  serverCpu: number;
  serverRssBytes: number;
}

/** One measurement window of the load generator, with both processes' CPU from /proc. */
export async function measureWindow(rig: RelayRig, ms: number): Promise<Measurement> {
  const l0 = rig.loadgen.sample();
  const s0 = rig.server.sample();
  const result = await rig.loadgen.call<Omit<Measurement, 'loadgenCpu' | 'serverCpu' | 'serverRssBytes'>>('measure', { ms }, ms + 60_000);
  const l1 = rig.loadgen.sample();
  const s1 = rig.server.sample();
  return { ...result, loadgenCpu: cpuPercent(l0, l1), serverCpu: cpuPercent(s0, s1), serverRssBytes: s1?.rssBytes ?? Number.NaN };
}
