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
