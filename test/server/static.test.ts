import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Relay } from '../../src/server/relay.js';
import { startRelay } from './helpers.js';

/** GET with the path sent exactly as given (fetch would normalize `..` away). */
function rawGet(relay: Relay, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: relay.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static files', () => {
  let root: string;
  let relay: Relay;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'mp-static-'));
    mkdirSync(join(root, 'demo'));
    mkdirSync(join(root, 'dist', 'sub'), { recursive: true });
    writeFileSync(join(root, 'demo', 'index.html'), '<!doctype html><title>demo</title>');
    writeFileSync(join(root, 'demo', 'app.css'), 'body{}');
    writeFileSync(join(root, 'dist', 'market-pulse.js'), 'export {};');
    writeFileSync(join(root, 'dist', 'sub', 'x.mjs'), 'export {};');
    writeFileSync(join(root, 'secret.txt'), 'top secret');
    writeFileSync(join(root, 'dist', '.env'), 'SECRET=1');
    relay = await startRelay({ staticRoot: root });
  });
  after(async () => {
    await relay.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('/ serves demo/index.html; /demo/ and /dist/ serve their folders with the right MIME types', async () => {
    const cases: Array<[string, RegExp, string]> = [
      ['/', /^text\/html/, '<!doctype html><title>demo</title>'],
      ['/demo/', /^text\/html/, '<!doctype html><title>demo</title>'],
      ['/demo/app.css', /^text\/css/, 'body{}'],
      ['/dist/market-pulse.js', /^text\/javascript/, 'export {};'],
      ['/dist/sub/x.mjs', /^text\/javascript/, 'export {};'],
    ];
    for (const [path, type, body] of cases) {
      const response = await rawGet(relay, path);
      assert.equal(response.status, 200, path);
      assert.match(response.type, type, path);
      assert.equal(response.body, body, path);
    }
  });

  test('path traversal, dotfiles and missing files answer 404', async () => {
    for (const path of ['/dist/../secret.txt', '/demo/..%2Fsecret.txt', '/dist/%2e%2e/secret.txt', '/dist/.env', '/dist/missing.js', '/demo/%00', '/secret.txt']) {
      const response = await rawGet(relay, path);
      assert.ok(response.status === 404 || response.status === 400, `${path} → ${response.status}`);
      assert.ok(!response.body.includes('top secret'), path);
    }
  });

  test('without demo/index.html, / serves the built-in live page', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'mp-empty-'));
    const bare = await startRelay({ staticRoot: empty });
    try {
      const response = await rawGet(bare, '/');
      assert.equal(response.status, 200);
      assert.match(response.type, /^text\/html/);
      assert.match(response.body, /new WebSocket/);
      assert.ok(!response.body.includes('innerHTML'));
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
