// Size budgets of the browser kit, measured the way a page pays for them: the elements bundled by
// esbuild from source with code splitting (as an app's bundler would), minified, production Lit,
// Lit literals minified like the shipped build (scripts/minify-literals.mjs), and every file
// gzipped on its own (each file is its own HTTP response), then summed.
//
// A page with <market-feed> downloads, in shared-worker mode:
//   page files    the entry chunk and every chunk it loads, except the in-tab transports
//   worker        market-pulse-worker.js (the socket and the connection core, once per origin)
// and only without a SharedWorker (or with the kit on a CDN and no hosted worker):
//   fallback      the leader/direct transports with their own copy of the connection core
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { minifyLiteralsEsbuild } from './minify-literals.mjs';

const KB = 1024;
const CORE = ['market-feed', 'price-ticker', 'ticker-tape', 'connection-status'];
const WORKER = 'src/worker/shared-worker.ts';
/** Lazy entries that only the fallback modes load. */
const FALLBACK = /src\/client\/transports\//;

/** Budgets from issue 4. */
export const CORE_LIMIT = 12 * KB;
export const CHART_LIMIT = 20 * KB;

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

const common = {
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  write: false,
  logLevel: 'silent',
  conditions: ['production'],
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'none',
  plugins: [minifyLiteralsEsbuild()],
};

/** Sum of files: their count, minified bytes and gzipped bytes (each file gzipped alone). */
function total(files) {
  return {
    files: files.length,
    min: files.reduce((sum, file) => sum + file.min, 0),
    gzip: files.reduce((sum, file) => sum + file.gzip, 0),
  };
}

/**
 * Bundles a page that registers `elements` and splits its output into what the page loads in
 * shared-worker mode and what only the fallback transports load.
 */
async function measurePage(elements) {
  const contents = elements.map((name) => `import './src/elements/${name}/define.ts';`).join('\n');
  const result = await build({
    ...common,
    stdin: { contents, resolveDir: process.cwd(), loader: 'ts', sourcefile: 'page.ts' },
    splitting: true,
    outdir: 'size-check',
    metafile: true,
  });
  const outputs = result.metafile.outputs;
  const sizes = new Map(result.outputFiles.map((file) => [
    join('size-check', file.path.split('/size-check/')[1]),
    { min: file.contents.length, gzip: gzip(file.contents) },
  ]));
  const page = new Set();
  const visit = (name) => {
    if (page.has(name)) return;
    page.add(name);
    for (const { path, kind } of outputs[name].imports) {
      if (kind === 'dynamic-import' && FALLBACK.test(outputs[path]?.entryPoint ?? '')) continue;
      visit(path);
    }
  };
  visit(Object.keys(outputs).find((name) => outputs[name].entryPoint === 'page.ts'));
  const files = (names) => names.map((name) => ({ name, ...sizes.get(name) }));
  const all = Object.keys(outputs);
  return { page: total(files(all.filter((name) => page.has(name)))), fallback: total(files(all.filter((name) => !page.has(name)))) };
}

/**
 * The floor under every page: Lit and @lit/context as the core elements use them (no decorators:
 * they declare `static properties`; ContextRoot lets providers be defined after consumers).
 */
async function measureLit() {
  const contents = `import { LitElement, css, html, nothing } from 'lit';
    import { ContextConsumer, ContextProvider, ContextRoot, createContext } from '@lit/context';
    export { LitElement, css, html, nothing, ContextConsumer, ContextProvider, ContextRoot, createContext };`;
  const result = await build({ ...common, stdin: { contents, resolveDir: process.cwd(), loader: 'ts' } });
  const code = result.outputFiles[0].contents;
  return { files: 1, min: code.length, gzip: gzip(code) };
}

async function measureWorker() {
  const result = await build({ ...common, entryPoints: [WORKER] });
  const code = result.outputFiles[0].contents;
  return { files: 1, min: code.length, gzip: gzip(code) };
}

const row = (name, size, limit = null) => ({ name, ...size, limit, over: limit !== null && size.gzip > limit });
const plus = (a, b) => ({ files: a.files + b.files, min: a.min + b.min, gzip: a.gzip + b.gzip });
const minus = (a, b) => ({ files: a.files - b.files, min: a.min - b.min, gzip: a.gzip - b.gzip });

/**
 * Measures what pages pay, with the budgets of issue 4 on the two rows it names.
 * @returns {Promise<Array<{name: string, files: number, min: number, gzip: number, limit: number|null, over: boolean}>>}
 */
export async function measureBudgets() {
  const present = (names) => names.filter((name) => existsSync(`src/elements/${name}/define.ts`));
  const rows = [];
  const core = present(CORE);
  if (core.length > 0) {
    const { page, fallback } = await measurePage(core);
    const worker = existsSync(WORKER) ? await measureWorker() : total([]);
    rows.push(
      row('page: Lit + feed + ticker + tape + status', page),
      row('  of which Lit + @lit/context alone', await measureLit()),
      row(`worker: ${WORKER_NAME} (once per origin)`, worker),
      row('budget: page + worker (shared-worker mode)', plus(page, worker), CORE_LIMIT),
      row('lazy fallback: leader/direct + connection core', fallback),
      row('page in leader/direct mode: page + fallback', plus(page, fallback)),
    );
    if (present(['realtime-chart']).length === 1) {
      const withChart = await measurePage([...core, 'realtime-chart']);
      rows.push(row('chart added to that page', minus(withChart.page, page)));
    }
  }
  if (present(['realtime-chart']).length === 1) {
    const chart = await measurePage(['realtime-chart']);
    rows.push(row('chart: realtime-chart + Lit (standalone page)', chart.page, CHART_LIMIT));
  }
  return rows;
}

const WORKER_NAME = 'market-pulse-worker.js';

/** min/gzip of each built file under `dir` (the shipped CDN files, for information). */
export function measureFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.js') && statSync(join(dir, name)).isFile())
    .map((name) => {
      const code = readFileSync(join(dir, name));
      return row(join(dir, name), { files: 1, min: code.length, gzip: gzip(code) });
    });
}

const kb = (bytes) => `${(bytes / KB).toFixed(1)} kB`;

/** Prints rows as a table; returns true when any row is over its budget. */
export function printSizeTable(rows) {
  const width = Math.max(40, ...rows.map((r) => r.name.length));
  console.log(`\n${'what a page downloads'.padEnd(width)}  files  ${'min'.padStart(9)}  ${'gzip'.padStart(9)}  budget (gzip)`);
  for (const r of rows) {
    const budget = r.limit === null ? '' : `${kb(r.limit)} ${r.over ? `OVER by ${kb(r.gzip - r.limit)}` : 'ok'}`;
    console.log(`${r.name.padEnd(width)}  ${String(r.files).padStart(5)}  ${kb(r.min).padStart(9)}  ${kb(r.gzip).padStart(9)}  ${budget}`);
  }
  return rows.some((r) => r.over);
}
