import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';

const BIN = fileURLToPath(new URL('../../bin/market-pulse.js', import.meta.url));

/** A checkout with bin/, a stand-in dist/server/cli.js and a src/server file, with chosen ages. */
function checkout(builtAgeS: number, sourceAgeS: number | null): string {
  const root = mkdtempSync(join(tmpdir(), 'mp-bin-'));
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'dist/server'), { recursive: true });
  copyFileSync(BIN, join(root, 'bin/market-pulse.js'));
  const built = join(root, 'dist/server/cli.js');
  writeFileSync(built, "export function main() { console.log('built cli ran'); return 0; }\n");
  writeFileSync(join(root, 'package.json'), '{"type":"module"}\n');
  const now = Date.now() / 1000;
  utimesSync(built, now - builtAgeS, now - builtAgeS);
  if (sourceAgeS !== null) {
    mkdirSync(join(root, 'src/server/ws'), { recursive: true });
    const source = join(root, 'src/server/ws/session.ts');
    writeFileSync(source, 'export {};\n');
    utimesSync(source, now - sourceAgeS, now - sourceAgeS);
  }
  return root;
}

describe('the market-pulse command', () => {
  const roots: string[] = [];
  after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));
  const run = (root: string) => spawnSync(process.execPath, [join(root, 'bin/market-pulse.js')], { encoding: 'utf8' });

  test('says in one line when the source changed after the build it runs', () => {
    const root = checkout(60, 5);
    roots.push(root);
    const result = run(root);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /built cli ran/);
    assert.match(result.stderr, /src\/server has changed since the last build.*npm run build/);
  });

  test('is silent when the build is newer than the source, or there is no source (an installed package)', () => {
    for (const root of [checkout(5, 60), checkout(5, null)]) {
      roots.push(root);
      const result = run(root);
      assert.equal(result.status, 0);
      assert.match(result.stdout, /built cli ran/);
      assert.equal(result.stderr, '');
    }
  });
});
