// `npm run build`: everything the npm package and the CDN ship.
//   dist/server/            the relay (tsc -p tsconfig.server.json), run by bin/market-pulse.js
//   dist/esm/               ES modules: index, client, one `define` entry + one class per element,
//                           shared chunks, market-pulse-worker.js (Lit stays an import)
//   dist/cdn/               market-pulse.js (one file, minified, production Lit) + market-pulse-worker.js
//   dist/types/             .d.ts
//   dist/custom-elements.json
// then a table of min+gzip sizes against the budgets (scripts/sizes.mjs: what a page downloads in
// shared-worker mode, the worker, the lazy fallback, the chart). Over budget the plain build warns;
// `--strict-size` fails it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { transform } from 'esbuild';
import { build as viteBuild } from 'vite';
import { measureBudgets, measureFiles, printSizeTable } from './sizes.mjs';

const WORKER_FILE = 'market-pulse-worker.js';
const strictSize = process.argv.includes('--strict-size');
const started = Date.now();

function step(title) {
  console.log(`\n▶ ${title}`);
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error(`✖ ${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

const bin = (name) => `node_modules/.bin/${name}`;

async function vite(target) {
  process.env.MARKET_PULSE_BUILD = target;
  try {
    await viteBuild({ configFile: 'vite.config.ts', mode: 'production', logLevel: 'warn' });
  } finally {
    delete process.env.MARKET_PULSE_BUILD;
  }
}

/** Vite's library mode leaves whitespace in; esbuild finishes the job for the CDN files. */
async function minifyInPlace(path) {
  const code = readFileSync(path, 'utf8');
  const result = await transform(code, { minify: true, format: 'esm', target: 'es2022', legalComments: 'none' });
  writeFileSync(path, result.code);
}

/** The CDN file must load its worker from next to itself, and never ship Lit's dev mode. */
function checkCdnBundle() {
  const bundle = readFileSync('dist/cdn/market-pulse.js', 'utf8');
  if (bundle.includes('Lit is in dev mode')) throw new Error('dist/cdn/market-pulse.js contains Lit dev mode');
  if (existsSync('src/worker/shared-worker.ts')) {
    if (!existsSync(`dist/cdn/${WORKER_FILE}`)) throw new Error(`dist/cdn/${WORKER_FILE} was not emitted`);
    if (!bundle.includes(`"${WORKER_FILE}"`)) throw new Error(`dist/cdn/market-pulse.js does not reference ./${WORKER_FILE}`);
  }
}

step('relay server → dist/server');
if (existsSync('tsconfig.server.json')) run(bin('tsc'), ['-p', 'tsconfig.server.json']);
else console.warn('⚠ tsconfig.server.json not found: skipping the server build');

if (!existsSync('src/index.ts')) {
  console.warn('⚠ src/index.ts not found: skipping the browser builds (elements not written yet)');
} else {
  step('ES modules → dist/esm');
  await vite('esm');

  step('CDN bundle → dist/cdn');
  await vite('cdn');
  for (const file of ['market-pulse.js', WORKER_FILE]) {
    if (existsSync(`dist/cdn/${file}`)) await minifyInPlace(`dist/cdn/${file}`);
  }
  checkCdnBundle();

  step('type declarations → dist/types');
  run(bin('tsc'), ['-p', 'tsconfig.types.json']);
}

step('custom-elements.json');
run(bin('cem'), ['analyze', '--config', 'custom-elements-manifest.config.mjs']);

step('sizes (bundled with code splitting, minified, each file gzip -9; sums over files)');
const rows = [...(await measureBudgets()), ...measureFiles('dist/cdn')];
const over = printSizeTable(rows);
if (over) console.warn(`\n⚠ over budget${strictSize ? '' : ' (pass --strict-size to fail the build)'}`);

console.log(`\n✔ build done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (over && strictSize) process.exit(1);
