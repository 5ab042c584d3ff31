/**
 * `npm run bench [-- --quick] [-- P3 …]`: runs the benchmark scenarios against their peers and
 * prints one line per figure — `ID figure: ours X, peer Y, ratio R, target T, met|unmet` (or
 * `ID figure: skipped (reason)`); notes start with `#`. Results also go to bench/results/*.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs, type BenchOptions } from './lib/cli.js';
import { formatFigure, type Figure } from './lib/figure.js';
import { machineInfo } from './lib/machine.js';
import type { Scenario } from './lib/scenario.js';
import { ROOT } from './lib/bundle.js';
import { SCENARIOS } from './scenarios/index.js';

/** Which scenarios an invocation runs. `--tiny` alone runs the cheap, browser-free ones. */
function select(options: BenchOptions): Scenario[] {
  if (options.ids.length > 0) {
    const unknown = options.ids.filter((id) => !SCENARIOS.some((s) => s.id === id));
    if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')} (have ${SCENARIOS.map((s) => s.id).join(' ')})`);
    return SCENARIOS.filter((s) => options.ids.includes(s.id));
  }
  if (options.tiny) return SCENARIOS.filter((s) => s.id === 'P3' || s.id === 'P8');
  return SCENARIOS;
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const scenarios = select(options);
  let priority = 'default priority';
  if (options.priority) {
    try {
      os.setPriority(0, -10); // inherited by every process the run starts
      priority = 'nice -10';
    } catch (error) {
      priority = `default priority (could not raise it: ${(error as Error).message})`;
    }
  }
  const machine = await machineInfo();
  const started = performance.now();
  console.log(`# market-pulse bench ${machine.date} · ${machine.cores} cores ${machine.cpu} · node ${machine.node} · ${machine.chromium ?? 'no Chromium'}`);
  console.log(`# mode ${options.tiny ? 'tiny' : options.quick ? 'quick' : 'full'} · ${options.reps} alternating A/B repetitions per figure, medians · ${priority} · load average ${machine.loadAverage.join(' ')}`);

  const figures: Figure[] = [];
  const notes: string[] = [];
  const note = (message: string) => {
    notes.push(message);
    console.log(`# ${message}`);
  };
  for (const scenario of scenarios) {
    const t0 = performance.now();
    let results: Figure[];
    try {
      results = await scenario.run({ options, note: (m) => note(`${scenario.id} ${m}`) });
    } catch (error) {
      const reason = String((error as Error)?.message ?? error).split('\n').slice(0, 3).join(' ').replace(/[()]/g, '').slice(0, 300);
      results = [{ id: scenario.id, name: scenario.title, skipped: `error: ${reason}` }];
    }
    for (const figure of results) {
      figures.push(figure);
      console.log(formatFigure(figure));
    }
    note(`${scenario.id} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  const seconds = (performance.now() - started) / 1000;
  const out = options.out ?? join(ROOT, 'bench', 'results', `${machine.date.replace(/[:.]/g, '-')}${options.quick ? '-quick' : ''}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ options, machine, seconds, figures, notes }, null, 2)}\n`);
  console.log(`# done in ${seconds.toFixed(1)} s · results in ${out}`);
  return 0;
}

process.exitCode = await main();
// Stray handles (a browser that would not die, sockets) must not keep the run alive.
setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
