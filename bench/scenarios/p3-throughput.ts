/**
 * P3 — relay deliveries/s while p99 latency stays ≤ 100 ms, with 1k and 5k clients over 100
 * symbols, each client watching 10 of them (every symbol has a tenth of the clients). The relay
 * process publishes ticks round-robin over the symbols (same source for every relay); the
 * load-generator process holds the clients and measures receive time − tick ts. The tick rate
 * ramps up (×2 until a window fails, then bisection to 20 %); a window fails when p99 > 100 ms or
 * fewer than 80 % of the offered deliveries arrive, and a rate fails when two windows fail.
 * The figure is the most deliveries/s received in a passing window.
 */
import { median } from '../lib/stats.js';
import type { Figure } from '../lib/figure.js';
import { alternate, LOADGEN_CPU_FLAG, sleep, type Scenario, type ScenarioContext } from '../lib/scenario.js';
import { measureWindow, onRig, RELAY_LABEL, relayMissing, withRelays, type Measurement, type RelayKind, type RelayRig } from '../lib/relay-arms.js';
import { benchSymbols, channelOf } from '../lib/ticks.js';

const P99_LIMIT_MS = 100;
const SYMBOLS = 100;
/** Symbols each client subscribes to: a tick reaches clients × PER_CLIENT / SYMBOLS of them. */
const PER_CLIENT = 10;

interface Plan {
  clients: number;
  warmupMs: number;
  windowMs: number;
  maxSteps: number;
  /** Measure a failed window once more before calling the rate failed (full runs). */
  retry: boolean;
}

interface KneeResult {
  deliveriesPerSecond: number;
  p99: number;
  loadgenCpu: number;
  serverCpu: number;
  ticksPerSecond: number;
  /** Every window of the ramp: ticks/s, received deliveries/s, p99 ms, pass, offered deliveries/s. */
  steps: Array<[number, number, number, boolean, number]>;
}

/** A window passes when p99 ≤ 100 ms and at least 80 % of the offered deliveries arrived. */
function passes(m: Measurement, offered: number): boolean {
  return m.deliveries > 0 && m.p99 <= P99_LIMIT_MS && m.perSecond >= 0.8 * offered;
}

/**
 * Waits until the clients have read everything subscribing caused (snapshots: 100 per client for
 * ours) so the first window does not measure that backlog. Bounded to ~15 s.
 */
async function drain(rig: RelayRig): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const quiet = await rig.loadgen.call<{ framesPerSecond: number }>('measure', { ms: 300 });
    if (quiet.framesPerSecond < 1) return;
  }
}

/** Ramps the tick rate on one relay; `hint` (ticks/s) from an earlier repetition shortens the search. */
async function findKnee(rig: RelayRig, plan: Plan, hint: number, context: ScenarioContext): Promise<KneeResult> {
  const kind = rig.kind;
  return onRig(rig, async () => {
    const channels = benchSymbols(SYMBOLS).map(channelOf);
    const opened = await rig.loadgen.call<{ opened: number; failed: number }>('open', {
      url: rig.wsUrl, count: plan.clients, channels, kind: rig.dialect, concurrency: 100, spread: PER_CLIENT,
    }, 180_000);
    if (opened.failed > 0) context.note(`${RELAY_LABEL[kind]}: ${opened.failed} of ${plan.clients} clients failed to connect`);
    await drain(rig);
    const steps: KneeResult['steps'] = [];
    let best: KneeResult = { deliveriesPerSecond: 0, p99: Number.NaN, loadgenCpu: Number.NaN, serverCpu: Number.NaN, ticksPerSecond: 0, steps };
    let pass = 0;
    let fail = Number.POSITIVE_INFINITY;
    const fanOut = (opened.opened * PER_CLIENT) / SYMBOLS; // deliveries per tick
    let rate = hint > 0 ? hint / 2 : Math.max(10, 20_000 / fanOut);
    for (let step = 0; step < plan.maxSteps; step++) {
      await rig.server.call('rate', { ticksPerSecond: rate, symbols: SYMBOLS });
      await sleep(step === 0 ? plan.warmupMs * 3 : plan.warmupMs);
      const offered = rate * fanOut;
      // At least ~20 ticks per window, so that slow rates are not judged on two or three ticks.
      const windowMs = Math.min(5000, Math.max(plan.windowMs, 20_000 / rate));
      let m: Measurement = await measureWindow(rig, windowMs);
      let ok = passes(m, offered);
      if (!ok && plan.retry) {
        // One retry after a pause: on a shared machine a single window can fail for reasons
        // that have nothing to do with the relay; a rate fails when it fails twice.
        await rig.server.call('rate', { ticksPerSecond: 0 });
        await drain(rig);
        await rig.server.call('rate', { ticksPerSecond: rate, symbols: SYMBOLS });
        await sleep(plan.warmupMs);
        m = await measureWindow(rig, windowMs);
        ok = passes(m, offered);
      }
      steps.push([Math.round(rate * 10) / 10, Math.round(m.perSecond), Math.round(m.p99 * 10) / 10, ok, Math.round(offered)]);
      if (process.env.BENCH_VERBOSE) context.note(`${RELAY_LABEL[kind]} ${rate.toFixed(1)} ticks/s → ${Math.round(m.perSecond)}/s of ${Math.round(offered)}, p99 ${m.p99.toFixed(1)} ms, CPU relay ${m.serverCpu.toFixed(0)} % load ${m.loadgenCpu.toFixed(0)} %`);
      if (ok && m.perSecond > best.deliveriesPerSecond) {
        best = { deliveriesPerSecond: m.perSecond, p99: m.p99, loadgenCpu: m.loadgenCpu, serverCpu: m.serverCpu, ticksPerSecond: rate, steps };
      }
      if (ok) pass = Math.max(pass, rate);
      else fail = Math.min(fail, rate);
      // Let a failed step's backlog drain before the next, lower one.
      if (!ok) {
        await rig.server.call('rate', { ticksPerSecond: 0 });
        await drain(rig);
      }
      if (Number.isFinite(fail) && fail / Math.max(pass, 1e-9) < 1.2) break;
      rate = Number.isFinite(fail) ? (pass > 0 ? Math.sqrt(pass * fail) : fail / 2) : rate * 2;
    }
    return best;
  });
}

/**
 * Why the failed windows of a relay failed, for a flagged load generator: windows that fell short
 * of the offered rate with a low p99 mean the relay could not send more (a load generator falling
 * behind leaves data unread and shows as growing latency instead).
 */
function failedWindows(samples: KneeResult[]): string {
  const failed = samples.flatMap((s) => s.steps).filter(([, , , ok]) => !ok);
  if (failed.length === 0) return 'no failed window';
  const late = failed.filter(([, , p99]) => !(p99 <= P99_LIMIT_MS));
  const short = failed.filter(([, perSecond, p99, , offered]) => p99 <= P99_LIMIT_MS && perSecond < 0.8 * offered);
  const p99s = short.map(([, , p99]) => p99);
  const shortText = short.length ? `${short.length} short of the offered rate with p99 ≤ ${Math.max(...p99s).toFixed(0)} ms` : '';
  return [shortText, late.length ? `${late.length} over the p99 limit` : ''].filter(Boolean).join(', ') + ` (of ${failed.length} failed windows)`;
}

function summarize(samples: KneeResult[]) {
  return {
    deliveries: median(samples.map((s) => s.deliveriesPerSecond)),
    loadgenCpu: median(samples.map((s) => s.loadgenCpu)),
    serverCpu: median(samples.map((s) => s.serverCpu)),
    samples,
  };
}

async function runSize(rigs: Partial<Record<RelayKind, RelayRig>>, clients: number, context: ScenarioContext): Promise<Figure[]> {
  const { quick, tiny, reps } = context.options;
  const plan: Plan = {
    clients,
    warmupMs: tiny ? 300 : quick ? 300 : 500,
    windowMs: tiny ? 600 : quick ? 600 : 1000,
    maxSteps: tiny ? 4 : quick ? 4 : 6,
    retry: !quick,
  };
  const label = clients >= 1000 ? `${clients / 1000}k` : String(clients);
  const runnable = Object.keys(rigs) as RelayKind[];
  const hints = new Map<RelayKind, number>();
  const arms = Object.fromEntries(
    runnable.map((kind) => [kind, async () => {
      const result = await findKnee(rigs[kind]!, plan, hints.get(kind) ?? 0, context);
      if (result.ticksPerSecond > 0) hints.set(kind, result.ticksPerSecond);
      return result;
    }]),
  );
  // 5k clients take ~25 s per search: three repetitions there in a full run, five at 1k.
  const samples = await alternate(clients >= 5000 ? Math.min(reps, 3) : reps, arms);
  const summary = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)]));
  for (const [kind, s] of Object.entries(summary)) {
    const flag = s.loadgenCpu > LOADGEN_CPU_FLAG ? ` FLAG: load generator above 80 %, it may be the bottleneck; failed windows: ${failedWindows(s.samples)}` : '';
    context.note(`${label} ${RELAY_LABEL[kind as RelayKind]}: ${Math.round(s.deliveries)} deliveries/s, load generator CPU ${s.loadgenCpu.toFixed(0)} %, relay CPU ${s.serverCpu.toFixed(0)} %${flag}`);
  }
  const ours = summary.ours;
  const figures: Figure[] = [];
  for (const [peer, factor] of [['naive', 2], ['socketio', 4]] as const) {
    const name = `deliveries/s at p99 ≤ 100 ms, ${label} clients, vs ${RELAY_LABEL[peer]}`;
    if (!ours) {
      figures.push({ id: 'P3', name, skipped: `${relayMissing('ours')}; ${RELAY_LABEL[peer]} ${Math.round(summary[peer]?.deliveries ?? 0)}/s` });
      continue;
    }
    const peerValue = summary[peer]!.deliveries;
    figures.push({
      id: 'P3', name, unit: '/s', ours: ours.deliveries, peer: peerValue, peerName: RELAY_LABEL[peer],
      target: `≥ ${factor}×`, met: ours.deliveries > 0 && ours.deliveries >= factor * peerValue,
      detail: { ours, peer: summary[peer] },
    });
  }
  return figures;
}

export const p3Throughput: Scenario = {
  id: 'P3',
  title: 'relay deliveries/s at p99 ≤ 100 ms',
  async run(context) {
    const { quick, tiny } = context.options;
    const sizes = tiny ? [50] : quick ? [300] : [1000, 5000];
    const kinds = (['ours', 'naive', 'socketio'] as RelayKind[]).filter((k) => relayMissing(k) === null);
    return withRelays(kinds, async (rigs) => {
      const figures: Figure[] = [];
      for (const clients of sizes) figures.push(...(await runSize(rigs, clients, context)));
      return figures;
    });
  },
};
