// Size budgets of the browser kit, measured the way a user pays for them: esbuild-bundled from
// source, minified, production Lit, then gzipped. (Vite's library mode keeps whitespace even with
// `minify`, so its raw output would overstate what a site downloads.)
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const KB = 1024;

/** Budgets from the issue: what a page with tickers, tape and status pays, and the chart alone. */
export const BUDGETS = [
  {
    name: 'core: Lit + client + worker + feed + ticker + tape + status',
    defines: ['market-feed', 'price-ticker', 'ticker-tape', 'connection-status'],
    withWorker: true,
    limit: 12 * KB,
  },
  { name: 'chart: realtime-chart + Lit (standalone)', defines: ['realtime-chart'], withWorker: false, limit: 20 * KB },
];

async function minified(options) {
  const result = await build({
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    conditions: ['production'],
    define: { 'process.env.NODE_ENV': '"production"' },
    ...options,
  });
  return result.outputFiles[0].contents;
}

/** Minified and gzipped size of bundling `imports` (paths relative to the project root). */
async function measureImports(imports) {
  const contents = imports.map((path) => `import './${path}';`).join('\n');
  return minified({ stdin: { contents, resolveDir: process.cwd(), loader: 'ts' } });
}

/**
 * Measures every budget whose elements exist.
 * @returns {Promise<Array<{name: string, min: number, gzip: number, limit: number|null, over: boolean, missing: string[]}>>}
 */
export async function measureBudgets() {
  const rows = [];
  const worker = 'src/worker/shared-worker.ts';
  for (const budget of BUDGETS) {
    const present = budget.defines.filter((name) => existsSync(`src/elements/${name}/define.ts`));
    const missing = budget.defines.filter((name) => !present.includes(name));
    if (present.length === 0) continue;
    const main = await measureImports(present.map((name) => `src/elements/${name}/define.ts`));
    let min = main.length;
    let gzip = gzipSync(main, { level: 9 }).length;
    if (budget.withWorker && existsSync(worker)) {
      const code = await minified({ entryPoints: [worker] });
      min += code.length;
      gzip += gzipSync(code, { level: 9 }).length;
    }
    rows.push({ name: budget.name, min, gzip, limit: budget.limit, over: gzip > budget.limit, missing });
  }
  // What a page that already has the core pays for adding a chart (information, no budget).
  const core = BUDGETS[0].defines.filter((name) => existsSync(`src/elements/${name}/define.ts`));
  if (core.length > 0 && existsSync('src/elements/realtime-chart/define.ts')) {
    const defines = (names) => names.map((name) => `src/elements/${name}/define.ts`);
    const without = await measureImports(defines(core));
    const withChart = await measureImports(defines([...core, 'realtime-chart']));
    const gz = (code) => gzipSync(code, { level: 9 }).length;
    rows.push({ name: 'chart added to a page with the core', min: withChart.length - without.length, gzip: gz(withChart) - gz(without), limit: null, over: false, missing: [] });
  }
  return rows;
}

/** min/gzip of each built file under `dir` (already minified CDN output, for information). */
export function measureFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.js') && statSync(join(dir, name)).isFile())
    .map((name) => {
      const code = readFileSync(join(dir, name));
      return { name: join(dir, name), min: code.length, gzip: gzipSync(code, { level: 9 }).length, limit: null, over: false, missing: [] };
    });
}

const kb = (bytes) => `${(bytes / KB).toFixed(1)} kB`;

/** Prints rows as a table; returns true when any row is over its budget. */
export function printSizeTable(rows) {
  const width = Math.max(40, ...rows.map((row) => row.name.length));
  console.log(`\n${'bundle'.padEnd(width)}  ${'min'.padStart(9)}  ${'gzip'.padStart(9)}  budget`);
  for (const row of rows) {
    const budget = row.limit === null ? '' : `${kb(row.limit)} ${row.over ? 'OVER BUDGET' : 'ok'}`;
    const note = row.missing.length > 0 ? `  (not yet written: ${row.missing.join(', ')})` : '';
    console.log(`${row.name.padEnd(width)}  ${kb(row.min).padStart(9)}  ${kb(row.gzip).padStart(9)}  ${budget}${note}`);
  }
  return rows.some((row) => row.over);
}
