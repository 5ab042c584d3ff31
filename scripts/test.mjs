// `npm test`: a type check (whole runs only), every suite (node:test for server/client/e2e code,
// web-test-runner in Chromium for browser code), then ONE closing line `N passed, N failed[, N skipped]` for the whole run.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findChrome, NO_CHROME_HINT } from './find-chrome.mjs';

const BROWSER_DIRS = new Set(['elements', 'browser']);
// Per-run scratch folder, so that concurrent runs on one machine do not read each other's counts.
const tmp = join('.tmp', `run-${process.pid}`);
mkdirSync(tmp, { recursive: true });

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith('.test.ts') ? [path] : [];
  });
}

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const only = process.argv.slice(2); // optional filter: `npm test -- test/server`
const matches = (file) => only.length === 0 || only.some((part) => file.includes(part));
const testDirs = existsSync('test') ? readdirSync('test').filter((d) => statSync(join('test', d)).isDirectory()) : [];
const nodeFiles = testDirs.filter((d) => !BROWSER_DIRS.has(d)).flatMap((d) => walk(join('test', d))).filter(matches);
const browserFiles = testDirs.filter((d) => BROWSER_DIRS.has(d)).flatMap((d) => walk(join('test', d))).filter(matches);

const totals = { passed: 0, failed: 0, skipped: 0 };

if (only.length === 0) {
  // The whole run type-checks too (tests run through tsx, which strips types without checking them).
  console.log('typecheck: tsc --noEmit');
  const code = await run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit']);
  console.log(code === 0 ? 'typecheck: ok' : 'typecheck: FAILED');
  totals[code === 0 ? 'passed' : 'failed'] += 1;
}

if (nodeFiles.length > 0) {
  const tap = join(tmp, 'node.tap');
  rmSync(tap, { force: true });
  const code = await run(process.execPath, [
    '--import', 'tsx', '--test', '--test-timeout=120000',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...nodeFiles,
  ]);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (name) => Number(text.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
  totals.passed += count('pass');
  totals.failed += count('fail') + count('cancelled');
  totals.skipped += count('skipped') + count('todo');
  if (code !== 0 && count('fail') + count('cancelled') === 0) totals.failed += 1; // runner itself failed
}

if (browserFiles.length > 0) {
  if (!findChrome()) {
    console.error(NO_CHROME_HINT);
    totals.failed += browserFiles.length;
  } else {
    const summary = join(tmp, 'wtr-summary.json');
    rmSync(summary, { force: true });
    const code = await run(process.execPath, ['--import', 'tsx', 'node_modules/@web/test-runner/dist/bin.js', '--static-logging', ...browserFiles.flatMap((f) => ['--files', f])], { CI: 'true', WTR_SUMMARY_FILE: summary });
    const result = existsSync(summary) ? JSON.parse(readFileSync(summary, 'utf8')) : { passed: 0, failed: 1, skipped: 0 };
    totals.passed += result.passed;
    totals.failed += result.failed;
    totals.skipped += result.skipped;
    if (code !== 0 && result.failed === 0) totals.failed += 1;
  }
}

rmSync(tmp, { recursive: true, force: true });
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
console.log(`\n${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
