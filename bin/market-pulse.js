#!/usr/bin/env node
// The `market-pulse` command. Runs the compiled CLI (dist/server/cli.js, built by `npm run build`);
// in a development checkout without a build, runs the TypeScript source through tsx instead.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/server/cli.js', import.meta.url);
let cli;
if (existsSync(fileURLToPath(built))) {
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
