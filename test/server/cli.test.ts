import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { parseServeArgs, UsageError } from '../../src/server/cli.js';
import { connect, waitForClose } from './helpers.js';

const BIN = fileURLToPath(new URL('../../bin/market-pulse.js', import.meta.url));

describe('market-pulse serve', () => {
  test('flags win over environment variables, which win over defaults', () => {
    assert.deepEqual(parseServeArgs([], {}), {
      port: 8080, host: '127.0.0.1', redisUrl: undefined, simulate: true, rate: undefined,
      jwtSecret: undefined, publishToken: undefined, allowedOrigins: [], trustProxy: false,
    });
    const proxied = parseServeArgs(['--trust-proxy'], {});
    assert.equal(proxied !== 'help' && proxied.trustProxy, true);
    const proxiedEnv = parseServeArgs([], { MARKET_PULSE_TRUST_PROXY: '1' });
    assert.equal(proxiedEnv !== 'help' && proxiedEnv.trustProxy, true);
    const env = { PORT: '9000', HOST: '0.0.0.0', REDIS_URL: 'redis://env', MARKET_PULSE_JWT_SECRET: 's', MARKET_PULSE_PUBLISH_TOKEN: 'p', MARKET_PULSE_ALLOWED_ORIGINS: 'https://a.example, https://b.example/' };
    const fromEnv = parseServeArgs([], env);
    assert.equal(fromEnv !== 'help' && fromEnv.port, 9000);
    assert.deepEqual(fromEnv !== 'help' && fromEnv.allowedOrigins, ['https://a.example', 'https://b.example']);
    const flags = parseServeArgs(['--port', '0', '--host', '127.0.0.1', '--redis', 'redis://flag', '--no-simulate', '--rate', '10'], env);
    assert.ok(flags !== 'help');
    assert.deepEqual([flags.port, flags.host, flags.redisUrl, flags.simulate, flags.rate], [0, '127.0.0.1', 'redis://flag', false, 10]);
    assert.equal(parseServeArgs(['--help'], {}), 'help');
    assert.throws(() => parseServeArgs(['--port', 'x'], {}), UsageError);
    assert.throws(() => parseServeArgs(['--rate', '-1'], {}), UsageError);
    assert.throws(() => parseServeArgs(['--bogus'], {}), UsageError);
  });

  test('SIGTERM closes clients with 1001 and exits 0', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORT: '', MARKET_PULSE_JWT_SECRET: '' } });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let output = '';
      const wsUrl = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed within 30 s: ${output}`)), 30_000);
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk;
          const match = /Open http:\/\/(127\.0\.0\.1:\d+)\//.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(`ws://${match[1]}/ws`);
          }
        });
        child.stderr.resume();
        child.once('exit', () => reject(new Error(`exited early: ${output}`)));
      });
      assert.match(output, /listening on ws:\/\/127\.0\.0\.1:\d+\/ws/);
      const client = await connect(wsUrl);
      client.send({ type: 'subscribe', id: 1, channels: ['price:BTC-USD'] });
      await client.waitFor((m) => m.type === 'snapshot' && m.data !== null, 15_000);
      child.kill('SIGTERM');
      assert.equal((await waitForClose(client, 15_000)).code, 1001);
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
