/**
 * Smoke test of the benchmark harness (benchmarks themselves are not part of `npm test`): a tiny
 * run (P3 with 50 clients, P8 bundle sizes) starts, prints only well-formed lines, and writes a
 * results file. Figures whose pieces are missing print `skipped (reason)`, which is well-formed too.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseArgs } from '../../bench/lib/cli.js';
import { FIGURE_LINE } from '../../bench/lib/figure.js';

function runBench(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('bench --tiny prints one well-formed line per figure and a JSON results file', { timeout: 150_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  try {
    const out = join(dir, 'results.json');
    const { code, stdout, stderr } = await runBench(['--tiny', '--reps', '1', '--out', out], 140_000);
    assert.equal(code, 0, `bench exited ${code}: ${stderr.slice(-2000)}`);
    const lines = stdout.split('\n').filter((line) => line.trim() !== '');
    const figureLines = lines.filter((line) => !line.startsWith('#'));
    for (const line of figureLines) assert.match(line, FIGURE_LINE);
    for (const id of ['P3', 'P8']) assert.ok(figureLines.some((line) => line.startsWith(`${id} `)), `no ${id} line in:\n${stdout}`);
    const results = JSON.parse(readFileSync(out, 'utf8')) as { figures: unknown[]; machine: { cores: number } };
    assert.equal(results.figures.length, figureLines.length);
    assert.ok(results.machine.cores >= 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bench arguments: ids, --quick, --tiny, and bad input refused with usage', () => {
  assert.deepEqual(parseArgs(['p3', '--quick']), { ids: ['P3'], quick: true, tiny: false, reps: 3, out: null, priority: false });
  assert.equal(parseArgs(['--tiny']).quick, true);
  assert.throws(() => parseArgs(['--reps', '0']), /usage/);
  assert.throws(() => parseArgs(['--frobnicate']), /usage/);
});
