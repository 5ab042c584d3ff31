/**
 * Prints the results table of a bench run as Markdown (for BENCHMARKS.md):
 * `node --import tsx bench/report.ts [results.json]` (default: the newest file in bench/results/).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/bundle.js';
import { formatValue, isSkipped, ratio, type Figure } from './lib/figure.js';
import type { MachineInfo } from './lib/machine.js';

function newestResults(): string {
  const dir = join(ROOT, 'bench', 'results');
  const files = readdirSync(dir).filter((name) => name.endsWith('.json')).map((name) => join(dir, name));
  if (files.length === 0) throw new Error('no results in bench/results/: run npm run bench first');
  return files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
}

const file = process.argv[2] ?? newestResults();
const run = JSON.parse(readFileSync(file, 'utf8')) as { machine: MachineInfo; figures: Figure[]; seconds: number; options: { reps: number; quick: boolean } };
const { machine } = run;
console.log(`Run of ${machine.date} (${run.options.quick ? 'quick' : 'full'}, ${run.options.reps} repetitions, ${Math.round(run.seconds)} s): ${machine.cores} cores ${machine.cpu}, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.chromium ?? 'no Chromium'}, load average at start ${machine.loadAverage.join(' ')}.\n`);
console.log('| id | figure | ours | peer | ratio | target | result |');
console.log('|---|---|---|---|---|---|---|');
const byId = [...run.figures].sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
for (const figure of byId) {
  if (isSkipped(figure)) {
    console.log(`| ${figure.id} | ${figure.name} | — | — | — | — | skipped: ${figure.skipped} |`);
    continue;
  }
  const r = ratio(figure.ours, figure.peer);
  console.log(`| ${figure.id} | ${figure.name} | ${formatValue(figure.ours, figure.unit)} | ${figure.peerName} ${formatValue(figure.peer, figure.unit)} | ${Number.isFinite(r) ? r.toFixed(2) : 'n/a'} | ${figure.target} | ${figure.met ? '**met**' : '**unmet**'} |`);
}
