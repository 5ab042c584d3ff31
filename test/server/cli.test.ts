import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { parseServeArgs, UsageError } from '../../src/server/cli.js';
import { connect, waitForClose } from './helpers.js';

const CLI = fileURLToPath(new URL('./run-cli.ts', import.meta.url));

/** Starts `market-pulse <args>` from source, with no port, JWT secret or history settings inherited. */
function spawnCli(args: string[]) {
  const env = { ...process.env, PORT: '', MARKET_PULSE_JWT_SECRET: '', MARKET_PULSE_JWKS_URL: '', MARKET_PULSE_JWT_ISSUER: '', MARKET_PULSE_JWT_AUDIENCE: '', MARKET_PULSE_HISTORY_SIZE: '', MARKET_PULSE_MAX_CHANNELS: '', MARKET_PULSE_HISTORY_MB: '' };
  return spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
}

describe('market-pulse serve', () => {
  test('flags win over environment variables, which win over defaults', () => {
    assert.deepEqual(parseServeArgs([], {}), {
      port: 8080, host: '127.0.0.1', redisUrl: undefined, simulate: true, rate: undefined,
      jwtSecret: undefined, jwksUrl: undefined, jwtIssuer: undefined, jwtAudience: [], publishToken: undefined, allowedOrigins: [], trustProxy: false,
      historySize: undefined, maxChannels: undefined, historyMb: undefined,
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

  test('history size and channel cap come from flags or the environment, and bad values are refused', () => {
    const fromEnv = parseServeArgs([], { MARKET_PULSE_HISTORY_SIZE: '300', MARKET_PULSE_MAX_CHANNELS: '500', MARKET_PULSE_HISTORY_MB: '16' });
    assert.ok(fromEnv !== 'help');
    assert.deepEqual([fromEnv.historySize, fromEnv.maxChannels, fromEnv.historyMb], [300, 500, 16]);
    const flags = parseServeArgs(['--history-size', '50', '--max-channels', '80', '--history-mb', '8'], { MARKET_PULSE_HISTORY_SIZE: '300', MARKET_PULSE_HISTORY_MB: '16' });
    assert.ok(flags !== 'help');
    assert.deepEqual([flags.historySize, flags.maxChannels, flags.historyMb], [50, 80, 8]);
    assert.throws(() => parseServeArgs(['--history-mb', '0'], {}), /--history-mb must be a whole number/);
    for (const bad of ['0', '-5', '1.5', 'lots', '2000000']) {
      assert.throws(() => parseServeArgs([`--history-size=${bad}`], {}), /--history-size must be a whole number/);
    }
    assert.throws(() => parseServeArgs([], { MARKET_PULSE_MAX_CHANNELS: 'ten' }), /MARKET_PULSE_MAX_CHANNELS must be a whole number/);
  });

  test('an identity provider\'s JWKS URL, issuer and audiences come from the environment; a secret and a JWKS URL together are refused', () => {
    const idp = parseServeArgs([], { MARKET_PULSE_JWKS_URL: ' https://id.example/.well-known/jwks.json ', MARKET_PULSE_JWT_ISSUER: 'https://id.example/', MARKET_PULSE_JWT_AUDIENCE: 'market-pulse, dashboard' });
    assert.ok(idp !== 'help');
    assert.deepEqual([idp.jwksUrl, idp.jwtIssuer, idp.jwtAudience, idp.jwtSecret], ['https://id.example/.well-known/jwks.json', 'https://id.example/', ['market-pulse', 'dashboard'], undefined]);
    assert.throws(() => parseServeArgs([], { MARKET_PULSE_JWT_SECRET: 's', MARKET_PULSE_JWKS_URL: 'https://id.example/jwks' }), /not both/);
    assert.throws(() => parseServeArgs([], { MARKET_PULSE_JWKS_URL: 'id.example/jwks' }), /MARKET_PULSE_JWKS_URL must be an http\(s\) URL/);
  });

  test('--history-size bounds what GET /v1/history answers', async () => {
    const child = spawnCli(['serve', '--port', '0', '--rate', '50', '--history-size', '3']);
    try {
      const httpUrl = await new Promise<string>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`no URL printed within 30 s: ${output}`)), 30_000);
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk;
          const match = /Open (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        child.stderr.resume();
        child.once('exit', () => reject(new Error(`exited early: ${output}`)));
      });
      // At 50 ticks/s the history fills past 3 within a second; poll until the newest seq passes 3.
      let body: { updates: Array<{ seq: number }> } = { updates: [] };
      for (let attempt = 0; attempt < 100; attempt++) {
        const response = await fetch(`${httpUrl}/v1/history?channel=price:BTC-USD&limit=1000`);
        assert.equal(response.status, 200);
        body = (await response.json()) as typeof body;
        if ((body.updates.at(-1)?.seq ?? 0) > 6) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok((body.updates.at(-1)?.seq ?? 0) > 6, 'the simulator published more than 6 updates');
      assert.equal(body.updates.length, 3);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('SIGTERM closes clients with 1001 and exits 0', async () => {
    const child = spawnCli(['serve', '--port', '0']);
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
