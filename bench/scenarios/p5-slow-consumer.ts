/**
 * P5 — one slow consumer: 100 clients subscribed to all 100 symbols at a steady tick rate; after a
 * baseline window, client 0 stops reading its socket (TCP backpressure reaches the relay) for 60 s
 * (a few seconds in --quick). Figures: relay RSS growth over the pause (after a full GC), and the
 * other 99 clients' p99 latency during the pause relative to their baseline p99.
 */
import { median } from '../lib/stats.js';
import { alternate, sleep, type Scenario, type ScenarioContext } from '../lib/scenario.js';
import { measureWindow, onRig, RELAY_LABEL, relayMissing, withRelays, type RelayKind, type RelayRig } from '../lib/relay-arms.js';
import { benchSymbols, channelOf } from '../lib/ticks.js';

const CLIENTS = 100;
const SYMBOLS = 100;
const TICKS_PER_SECOND = 100; // 10k deliveries/s: well under every relay's knee (P3), so the baseline is sane

interface SlowSample {
  rssGrowthMb: number;
  baselineP99: number;
  pausedP99: number;
  slowClientClosed: boolean;
}

async function gcRss(rig: RelayRig): Promise<number> {
  await rig.server.call('gc');
  return rig.server.sample()?.rssBytes ?? Number.NaN;
}

async function measure(rig: RelayRig, warmupMs: number, baselineMs: number, pauseMs: number): Promise<SlowSample> {
  return onRig(rig, async () => {
    await rig.loadgen.call('open', { url: rig.wsUrl, count: CLIENTS, channels: benchSymbols(SYMBOLS).map(channelOf), kind: rig.dialect });
    await rig.server.call('rate', { ticksPerSecond: TICKS_PER_SECOND, symbols: SYMBOLS });
    await sleep(warmupMs); // JIT and allocator warm-up, so the baseline is not the cold start
    const baseline = await measureWindow(rig, baselineMs);
    const before = await gcRss(rig);
    await rig.loadgen.call('pause', { index: 0 });
    const paused = await measureWindow(rig, pauseMs);
    const after = await gcRss(rig);
    const status = await rig.loadgen.call<{ open: number }>('status');
    return {
      rssGrowthMb: (after - before) / 2 ** 20,
      baselineP99: baseline.p99,
      pausedP99: paused.p99,
      slowClientClosed: status.open < CLIENTS,
    };
  });
}

export const p5SlowConsumer: Scenario = {
  id: 'P5',
  title: 'slow consumer',
  async run(context: ScenarioContext) {
    const { quick, tiny } = context.options;
    const pauseMs = tiny ? 1500 : quick ? 2000 : 60_000;
    const baselineMs = tiny ? 1000 : quick ? 1000 : 10_000;
    // A full repetition is ~75 s per relay, so five (the minimum) take ~12.5 min: fewer
    // made the p99 ratio hang on one hiccup in one pause window (2 repetitions gave 0.82–1.44×).
    const reps = context.options.reps;
    const kinds = (['ours', 'naive'] as RelayKind[]).filter((k) => relayMissing(k) === null);
    const samples = await withRelays(kinds, (rigs) =>
      alternate(reps, Object.fromEntries(kinds.map((k) => [k, () => measure(rigs[k]!, quick ? 1000 : 3000, baselineMs, pauseMs)]))),
    );
    const med = (kind: string, key: keyof SlowSample) => median((samples[kind] ?? []).map((s) => Number(s[key])));
    for (const kind of kinds) {
      const closed = (samples[kind] ?? []).filter((s) => s.slowClientClosed).length;
      context.note(`${RELAY_LABEL[kind]}: slow client closed by the relay in ${closed}/${reps} runs; baseline p99 ${med(kind, 'baselineP99').toFixed(1)} ms, during pause ${med(kind, 'pausedP99').toFixed(1)} ms`);
    }
    const seconds = `${pauseMs / 1000} s`;
    if (!samples.ours) {
      return [
        { id: 'P5', name: `relay RSS growth, 1 of 100 paused ${seconds}`, skipped: `${relayMissing('ours')}` },
        { id: 'P5', name: `others' p99 during pause / baseline`, skipped: `${relayMissing('ours')}` },
      ];
    }
    const oursRatio = med('ours', 'pausedP99') / med('ours', 'baselineP99');
    const naiveRatio = med('naive', 'pausedP99') / med('naive', 'baselineP99');
    return [
      {
        id: 'P5', name: `relay RSS growth, 1 of 100 paused ${seconds}`, unit: 'MB',
        ours: med('ours', 'rssGrowthMb'), peer: med('naive', 'rssGrowthMb'), peerName: 'naive ws',
        target: '< 10 MB', met: med('ours', 'rssGrowthMb') < 10, detail: { samples },
      },
      {
        id: 'P5', name: `others' p99 during pause / baseline p99`, unit: '×',
        ours: oursRatio, peer: naiveRatio, peerName: 'naive ws',
        target: '≤ 1.10×', met: oursRatio <= 1.1,
        detail: { oursBaselineP99: med('ours', 'baselineP99'), oursPausedP99: med('ours', 'pausedP99') },
      },
    ];
  },
};
