/**
 * P4 — relay memory per connection: RSS of the relay process (from /proc, after a full GC) with N
 * idle connections, then with the same N each subscribed to 10 channels (snapshots sent, no tick
 * flow), minus the RSS before any client connected, divided by N. The clients live in the
 * load-generator process, so none of their memory is counted.
 */
import { median } from '../lib/stats.js';
import type { Figure } from '../lib/figure.js';
import { alternate, sleep, type Scenario, type ScenarioContext } from '../lib/scenario.js';
import { onRig, RELAY_LABEL, relayMissing, withRelays, type RelayKind, type RelayRig } from '../lib/relay-arms.js';
import { benchSymbols, channelOf } from '../lib/ticks.js';

interface MemorySample {
  idleBytes: number;
  subscribedBytes: number;
  /** V8 heap in use (after GC) per connection: the JS objects the relay keeps, without allocator slack. */
  idleHeapBytes: number;
  subscribedHeapBytes: number;
  opened: number;
}

async function settled(rig: RelayRig): Promise<{ rss: number; heap: number }> {
  await sleep(200);
  const memory = await rig.server.call<{ heapUsed: number }>('gc');
  await sleep(100);
  return { rss: rig.server.sample()?.rssBytes ?? Number.NaN, heap: memory.heapUsed };
}

async function measure(rig: RelayRig, count: number, context: ScenarioContext): Promise<MemorySample> {
  const kind = rig.kind;
  return onRig(rig, async () => {
    // Warm up code paths and allocator pools with a few clients first, so the baseline is not a cold process.
    await rig.loadgen.call('open', { url: rig.wsUrl, count: 20, channels: [channelOf('SYM000')], kind: rig.dialect });
    await rig.loadgen.call('close');
    const before = await settled(rig);
    const { opened, failed } = await rig.loadgen.call<{ opened: number; failed: number }>('open', {
      url: rig.wsUrl, count, channels: [], kind: rig.dialect, concurrency: 200,
    }, 300_000);
    if (failed > 0) context.note(`${RELAY_LABEL[kind]}: ${failed} of ${count} connections failed`);
    const idle = await settled(rig);
    await rig.loadgen.call('subscribe', { channels: benchSymbols(10).map(channelOf), concurrency: 200 }, 300_000);
    const subscribed = await settled(rig);
    await rig.loadgen.call('close');
    return {
      idleBytes: (idle.rss - before.rss) / opened,
      subscribedBytes: (subscribed.rss - before.rss) / opened,
      idleHeapBytes: (idle.heap - before.heap) / opened,
      subscribedHeapBytes: (subscribed.heap - before.heap) / opened,
      opened,
    };
  });
}

export const p4Memory: Scenario = {
  id: 'P4',
  title: 'relay memory per connection',
  async run(context) {
    const { quick, tiny } = context.options;
    // Opening and subscribing 10k sockets takes ~20 s per relay: three alternating repetitions in a full run.
    const reps = quick ? context.options.reps : Math.min(context.options.reps, 3);
    const count = tiny ? 200 : quick ? 1000 : 10_000;
    const kinds: RelayKind[] = ['ours', 'naive', 'socketio'].filter((k) => relayMissing(k as RelayKind) === null) as RelayKind[];
    const samples = await withRelays(kinds, (rigs) =>
      alternate(reps, Object.fromEntries(kinds.map((k) => [k, () => measure(rigs[k]!, count, context)]))),
    );
    const kb = (kind: string, key: Exclude<keyof MemorySample, 'opened'>) => median((samples[kind] ?? []).map((s) => s[key])) / 1024;
    for (const kind of kinds) {
      context.note(`${RELAY_LABEL[kind]}: JS heap per connection ${kb(kind, 'idleHeapBytes').toFixed(1)} kB idle, ${kb(kind, 'subscribedHeapBytes').toFixed(1)} kB subscribed (RSS ${kb(kind, 'idleBytes').toFixed(1)} / ${kb(kind, 'subscribedBytes').toFixed(1)} kB)`);
    }
    const label = count >= 1000 ? `${count / 1000}k` : String(count);
    const figures: Figure[] = [];
    for (const [key, what] of [['idleBytes', 'idle'], ['subscribedBytes', 'subscribed to 10 channels']] as const) {
      for (const peer of ['naive', 'socketio'] as const) {
        const name = `memory per connection, ${label} ${what}, vs ${peer === 'naive' ? 'plain ws' : 'socket.io'}`;
        if (!samples.ours) {
          figures.push({ id: 'P4', name, skipped: `${relayMissing('ours')}; peer ${kb(peer, key).toFixed(1)} kB` });
          continue;
        }
        const ours = kb('ours', key);
        const peerValue = kb(peer, key);
        figures.push({
          id: 'P4', name, unit: 'kB', ours, peer: peerValue, peerName: peer === 'naive' ? 'plain ws' : RELAY_LABEL[peer],
          target: peer === 'naive' ? '≤ 8 kB' : '≤ 0.5×',
          met: peer === 'naive' ? ours <= 8 : ours <= 0.5 * peerValue,
          detail: { samples },
        });
      }
    }
    return figures;
  },
};
