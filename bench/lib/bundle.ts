/**
 * Bundles browser code the way a site pays for it: esbuild, minified, production conditions
 * (Lit without dev mode), ES2022; sizes are gzip level 9 of that output.
 */
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const COMMON: BuildOptions = {
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  write: false,
  logLevel: 'silent',
  legalComments: 'none',
  conditions: ['production'],
  define: { 'process.env.NODE_ENV': '"production"' },
  absWorkingDir: ROOT,
};

/** Bundles a module source (imports resolved from the project root); returns the minified code. */
export async function bundleSource(contents: string, extra: BuildOptions = {}): Promise<string> {
  const result = await build({ ...COMMON, stdin: { contents, resolveDir: ROOT, loader: 'ts' }, ...extra });
  return result.outputFiles![0]!.text;
}

/** Bundles one entry file (path relative to the project root). */
export async function bundleFile(entry: string, extra: BuildOptions = {}): Promise<string> {
  const result = await build({ ...COMMON, entryPoints: [entry], ...extra });
  return result.outputFiles![0]!.text;
}

export interface Size {
  min: number;
  gzip: number;
}

export function sizeOf(code: string): Size {
  const bytes = Buffer.from(code);
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

export interface SplitSize {
  /** gzip bytes a page downloads at start: the entry chunk and every chunk it imports statically. */
  initialGzip: number;
  /** gzip bytes of chunks loaded only through dynamic `import()` (fallback transports and the like). */
  lazyGzip: number;
}

/**
 * Bundles `imports` with code splitting, as an app bundler or an ESM CDN serves them, and splits
 * the gzip total into what loads at start and what loads only on demand. Each file is gzipped on
 * its own, as a browser downloads it.
 */
export async function splitSize(imports: string[]): Promise<SplitSize> {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(ROOT, '.tmp', 'bench-split-'));
  try {
    const entry = join(dir, 'entry.ts');
    writeFileSync(entry, imports.map((path) => `import ${JSON.stringify(join(ROOT, path))};`).join('\n'));
    const result = await build({ ...COMMON, entryPoints: [entry], splitting: true, outdir: join(dir, 'out'), metafile: true });
    const byPath = new Map(result.outputFiles!.map((file) => [file.path, file]));
    const outputs = result.metafile!.outputs;
    const key = (path: string) => join(ROOT, path);
    const entryOut = Object.keys(outputs).find((path) => outputs[path]!.entryPoint !== undefined)!;
    const initial = new Set<string>();
    const visit = (path: string) => {
      if (initial.has(path)) return;
      initial.add(path);
      for (const dep of outputs[path]!.imports) if (dep.kind === 'import-statement') visit(dep.path);
    };
    visit(entryOut);
    let initialGzip = 0;
    let lazyGzip = 0;
    for (const path of Object.keys(outputs)) {
      if (!path.endsWith('.js')) continue;
      const file = byPath.get(key(path));
      const gzip = file ? gzipSync(file.contents, { level: 9 }).length : 0;
      if (initial.has(path)) initialGzip += gzip;
      else lazyGzip += gzip;
    }
    return { initialGzip, lazyGzip };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
