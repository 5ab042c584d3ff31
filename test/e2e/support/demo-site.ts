/**
 * A folder the relay can serve the demo from: `demo/` plus a CDN bundle in `dist/cdn/` that is
 * current. Reuses the working tree when `npm run build` ran after the last source change; otherwise
 * builds the bundle into a temporary folder, so tests never depend on a forgotten build.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Newest modification time under `path` (0 when missing). */
export function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** A static root for `createRelay({ staticRoot })`, and how to clean it up. */
export interface DemoSite {
  root: string;
  dispose(): void;
}

/** Returns a root whose dist/cdn/market-pulse.js is built from the current sources. */
export function prepareDemoSite(): DemoSite {
  const bundle = join('dist', 'cdn', 'market-pulse.js');
  const sources = Math.max(newestMtime('src'), newestMtime('vite.config.ts'));
  if (newestMtime(bundle) > sources) return { root: process.cwd(), dispose() {} };

  const root = mkdtempSync(join(tmpdir(), 'market-pulse-demo-'));
  const result = spawnSync(join('node_modules', '.bin', 'vite'), ['build', '--config', 'vite.config.ts', '--logLevel', 'warn'], {
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, MARKET_PULSE_BUILD: 'cdn', MARKET_PULSE_OUT_DIR: join(root, 'dist', 'cdn') },
  });
  assert.equal(result.status, 0, `CDN build failed:\n${result.stdout}\n${result.stderr}`);
  cpSync('demo', join(root, 'demo'), { recursive: true });
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}
