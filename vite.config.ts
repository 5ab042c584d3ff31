/**
 * Vite configuration shared by the library build (scripts/build.mjs) and Storybook.
 *
 * `MARKET_PULSE_BUILD` picks the output:
 * - `esm`: one ES module per element (the `define` entry that registers the tag, and the bare class),
 *   the package entry and the client API; shared code in `chunks/`; Lit stays external so an app
 *   that bundles us shares one Lit with its own code.
 * - `cdn`: one self-contained file, `dist/cdn/market-pulse.js`, for `<script type="module" src=…>`.
 * - unset: a plain config (Storybook, dev server).
 *
 * In both library builds the SharedWorker, created in the client as
 * `new SharedWorker(new URL('../worker/shared-worker.ts', import.meta.url))`, is emitted as its own
 * file `market-pulse-worker.js` next to the bundle; `base: './'` keeps its URL relative to the
 * bundle, so the kit works from any folder or CDN path. Both builds minify the text of Lit's
 * css``/html`` literals (scripts/minify-literals.mjs), which no minifier touches.
 */
import { existsSync, readdirSync } from 'node:fs';
import { defineConfig, type UserConfig } from 'vite';
// @ts-expect-error: a plain ES module of the build scripts, without type declarations
import { minifyLiteralsPlugin } from './scripts/minify-literals.mjs';

/** File name of the worker in every build; the docs tell site owners to host a file of that name. */
export const WORKER_FILE = 'market-pulse-worker.js';

/** The ESM entry points, named by their output path under dist/esm (without `.js`). */
export function esmEntries(root = '.'): Record<string, string> {
  const entries: Record<string, string> = {};
  if (existsSync(`${root}/src/index.ts`)) entries.index = 'src/index.ts';
  if (existsSync(`${root}/src/client/index.ts`)) entries.client = 'src/client/index.ts';
  const elementsDir = `${root}/src/elements`;
  for (const name of existsSync(elementsDir) ? readdirSync(elementsDir).sort() : []) {
    if (existsSync(`${elementsDir}/${name}/define.ts`)) entries[name] = `src/elements/${name}/define.ts`;
    if (existsSync(`${elementsDir}/${name}/${name}.ts`)) entries[`elements/${name}`] = `src/elements/${name}/${name}.ts`;
  }
  return entries;
}

/** Lit and its context package stay imports in the ESM build (they are `dependencies`). */
const isLit = (id: string) => /^(lit|lit-html|lit-element|@lit\/[^/]+|@lit-labs\/[^/]+)(\/|$)/.test(id);

const workerOutput = { entryFileNames: WORKER_FILE, chunkFileNames: 'chunks/worker-[name]-[hash].js' };

function libraryConfig(target: 'esm' | 'cdn'): UserConfig {
  const cdn = target === 'cdn';
  return {
    base: './',
    // Lit's css``/html`` text is written indented for people; esbuild leaves it alone.
    plugins: [minifyLiteralsPlugin()],
    // The production condition selects Lit's production build (no dev-mode warnings, smaller).
    resolve: { conditions: ['module', 'browser', 'production'] },
    define: { 'process.env.NODE_ENV': '"production"' },
    worker: { format: 'es', rolldownOptions: { output: workerOutput } },
    build: {
      // Tests build the CDN bundle into a temporary folder instead of the working tree's dist/.
      outDir: process.env.MARKET_PULSE_OUT_DIR || (cdn ? 'dist/cdn' : 'dist/esm'),
      emptyOutDir: true,
      target: 'es2022',
      minify: cdn,
      sourcemap: !cdn,
      reportCompressedSize: false,
      copyPublicDir: false,
      lib: cdn
        ? { entry: { 'market-pulse': 'src/index.ts' }, formats: ['es'] }
        : { entry: esmEntries(), formats: ['es'] },
      rolldownOptions: cdn
        ? { output: { codeSplitting: false } }
        : { external: isLit, output: { chunkFileNames: 'chunks/[name]-[hash].js' } },
    },
  };
}

export default defineConfig(() => {
  const target = process.env.MARKET_PULSE_BUILD;
  if (target === 'esm' || target === 'cdn') return libraryConfig(target);
  return {};
});
