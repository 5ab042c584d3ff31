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

/**
 * Starts one relay process per kind and one shared load-generator process, runs `body`, then stops
 * them all. Relays stay up across repetitions (only one is loaded at a time; the others idle), so
 * repetitions do not pay process start-up; each measurement closes its clients when done.
 */
export async function withRelays<T>(kinds: RelayKind[], body: (rigs: Partial<Record<RelayKind, RelayRig>>) => Promise<T>): Promise<T> {
  const loadgen = new BenchChild('loadgen.ts');
  const servers: BenchChild[] = [];
  try {
    const rigs: Partial<Record<RelayKind, RelayRig>> = {};
    for (const kind of kinds) {
      const server = new BenchChild('server.ts', { BENCH_SERVER: kind });
      servers.push(server);
      const started = await server.call<{ wsUrl: string; httpUrl: string | null }>('start', {}, 60_000);
      rigs[kind] = { kind, server, loadgen, wsUrl: started.wsUrl, httpUrl: started.httpUrl, dialect: kind === 'socketio' ? 'socketio' : 'v1' };
    }
    return await body(rigs);
  } finally {
    await Promise.all([loadgen.stop(), ...servers.map((server) => server.stop())]);
  }
}

/** Runs `body` on a rig and always leaves it clean: no tick flow, no clients. */
export async function onRig<T>(rig: RelayRig, body: (rig: RelayRig) => Promise<T>): Promise<T> {
  try {
    return await body(rig);
  } finally {
    await rig.server.call('rate', { ticksPerSecond: 0 }).catch(() => undefined);
    await rig.loadgen.call('close').catch(() => undefined);
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
  // NaN crosses IPC as null: turn empty-window quantiles back into NaN so no comparison passes them.
  const num = (value: unknown) => (typeof value === 'number' ? value : Number.NaN);
  return {
    ...result,
    p50: num(result.p50),
    p99: num(result.p99),
    max: num(result.max),
    loadgenCpu: cpuPercent(l0, l1),
    serverCpu: cpuPercent(s0, s1),
    serverRssBytes: s1?.rssBytes ?? Number.NaN,
  };
}
