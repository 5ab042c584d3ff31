#!/usr/bin/env node
// The `market-pulse` command. Runs the compiled CLI (dist/server/cli.js, built by `npm run build`);
// in a development checkout without a build, runs the TypeScript source through tsx instead.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/server/cli.js', import.meta.url);
const sources = fileURLToPath(new URL('../src/server/', import.meta.url));

/** Newest modification time of the .ts files under `dir` (0 when there is no source tree: an installed package). */
function newestSource(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(`${entry.parentPath ?? entry.path}/${entry.name}`).mtimeMs);
  }
  return newest;
}

let cli;
if (existsSync(fileURLToPath(built))) {
  // A development checkout edited since its last build would otherwise run old code without a word.
  if (newestSource(sources) > statSync(fileURLToPath(built)).mtimeMs) {
    console.error('market-pulse: src/server has changed since the last build; running the older dist/. Run `npm run build` (or `npm start`, which builds first).');
  }
  cli = await import(built.href);
} else {
  console.error('market-pulse: dist/server/cli.js is missing (no build yet); running src/server/cli.ts through tsx. `npm run build` makes this step unnecessary.');
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    console.error('market-pulse: tsx is not installed either. Run `npm install` (with dev dependencies) or `npm run build`.');
    process.exit(1);
  }
  cli = await import(new URL('../src/server/cli.ts', import.meta.url).href);
}

const code = await cli.main(process.argv.slice(2));
if (typeof code === 'number') process.exit(code);
