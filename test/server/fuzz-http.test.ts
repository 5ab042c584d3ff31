/**
 * Generated hostile requests against a real relay's HTTP API (fast-check): every method on every
 * route and on random paths, hostile query strings, bearer tokens valid, forged and absurd, and
 * publish bodies that are near-valid messages, random JSON or text. Every answer has a documented
 * status — never a 5xx (the in-process backend cannot be unavailable) — and every JSON error says
 * why in `{"error": …}`; afterwards the relay still publishes and serves snapshots. With and
 * without JWT auth on the read endpoints.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { Relay } from '../../src/server/relay.js';
import { signToken, startRelay } from './helpers.js';
import { channelName, fieldValue, hostileString, maybe, validChannel } from './hostile-values.js';

const SECRET = 'fuzz-secret-that-is-long-enough-for-hs256';
const PUBLISH_TOKEN = 'fuzz-publish-token';
/**
 * Statuses docs/protocol.md names for the API, the static files, `/ws` without an upgrade (426) and
 * unknown paths; 431 is Node's answer to a request line and headers over 16 KiB.
 */
const DOCUMENTED = new Set([200, 204, 400, 401, 403, 404, 405, 413, 426, 431]);

interface Answer {
  status: number;
  type: string;
  body: string;
}

/**
 * Sends a raw request (any method, a path as given) over a kept-alive connection and reads the
 * whole answer. A body always goes with its Content-Length: Node's client would send a GET's or
 * DELETE's body unframed, which the server must read as the start of the next request.
 */
function send(relay: Relay, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  if (body !== undefined) headers = { ...headers, 'content-length': String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const req = request({ host: relay.host, port: relay.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error(`no answer within 5 s to ${method} ${path.slice(0, 200)}`)));
    req.end(body);
  });
}

/** Percent-encodes the UTF-8 bytes of `text` (a lone surrogate becomes U+FFFD, as in a browser). */
const percentEncode = (text: string) =>
  Array.from(Buffer.from(text, 'utf8'), (byte) => (/[\w.~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).padStart(2, '0')}`)).join('');
/** A query value: hostile or valid, percent-encoded (as a browser sends it) or raw where HTTP allows (stray `%`s included). */
const queryValue = fc.oneof(channelName, fc.array(channelName, { maxLength: 120 }).map((list) => list.join(',')), fc.integer().map(String), hostileString)
  .chain((value) => fc.constantFrom(percentEncode(value), value.replace(/[^\x21-\x7e]/g, percentEncode).replace(/[#?&]/g, '')));
/** A query parameter: mostly a valid value, sometimes a hostile one, sometimes absent. */
const param = (valid: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: queryValue }, { weight: 1, arbitrary: fc.constant(undefined) });
/** Query strings with the routes' own parameters (`channel`, `channels`, `limit`) and stray ones. */
const query = fc
  .tuple(
    fc.record({
      channel: param(validChannel.map(percentEncode)),
      channels: param(fc.array(validChannel, { minLength: 1, maxLength: 5 }).map((list) => list.map(percentEncode).join(','))),
      limit: param(fc.oneof(fc.integer({ min: -5, max: 200_000 }), fc.double()).map(String)),
    }),
    fc.dictionary(fc.constantFrom('channel', 'channels', 'limit', '__proto__', 'x'), queryValue, { maxKeys: 2 }),
  )
  .map(([own, stray]) =>
    [...Object.entries(own), ...Object.entries(stray)]
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${value}`)
      .join('&'));
const path = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('/v1/snapshot', '/v1/history', '/v1/publish', '/healthz', '/metrics') },
  { weight: 1, arbitrary: fc.constantFrom('/', '/ws', '/v1', '/v1/', '/../etc/passwd', '/%2e%2e/package.json', '/v1/snapshot/', '//v1/history') },
  { weight: 1, arbitrary: fc.webPath() },
);
const publishItem = fc.record({
  channel: maybe(validChannel),
  data: maybe(fc.oneof(
    fc.record({ symbol: maybe(fc.constantFrom('A', 'BTC-USD')), price: maybe(fc.double({ min: 0.01, max: 1e6, noNaN: true })), ts: maybe(fc.nat()) }),
    fc.dictionary(hostileString, fieldValue, { maxKeys: 4 }),
  )),
});
const body = fc.oneof(
  fc.oneof(publishItem, fc.array(publishItem, { maxLength: 120 })).map((value) => JSON.stringify(value)),
  fc.json({ maxDepth: 4 }),
  hostileString,
  fc.constant('{"channel":"price:A","data":{"__proto__":{"polluted":true},"symbol":"A","price":1,"ts":1}}'),
);

describe('generated hostile HTTP requests', () => {
  for (const auth of [false, true]) {
    describe(auth ? 'with JWT auth' : 'without JWT auth', () => {
      let relay: Relay;
      let jwt: string;
      before(async () => {
        relay = await startRelay({ publishToken: PUBLISH_TOKEN, ...(auth ? { jwtSecret: SECRET } : {}) });
        jwt = await signToken(SECRET, ['price:*']);
      });
      after(() => relay.close());

      test('every answer has a documented status and says why it refused; the relay keeps serving', async () => {
        const request = fc.record({
          method: fc.oneof(
            { weight: 3, arbitrary: fc.constantFrom('GET', 'POST') },
            { weight: 1, arbitrary: fc.constantFrom('OPTIONS', 'PUT', 'DELETE', 'HEAD', 'PATCH') },
          ),
          path,
          query,
          authorization: fc.option(fc.oneof(
            fc.constantFrom(`Bearer ${PUBLISH_TOKEN}`, `Bearer ${jwt}`, 'Bearer', 'Basic Zm9vOmJhcg==', `Bearer ${jwt.slice(0, -4)}AAAA`),
            hostileString.map((text) => `Bearer ${text.replace(/[^\x20-\x7e]/g, '')}`),
          ), { nil: undefined }),
          origin: fc.option(fc.constantFrom('https://shop.example', 'null', 'http://evil.example'), { nil: undefined }),
          body: fc.option(body, { nil: undefined }),
        });
        const statuses = new Map<number, number>();
        await fc.assert(
          fc.asyncProperty(request, async ({ method, path, query, authorization, origin, body }) => {
            const headers: Record<string, string> = { 'content-type': 'application/json' };
            if (authorization) headers['authorization'] = authorization;
            if (origin) headers['origin'] = origin;
            const target = query ? `${path}?${query}` : path;
            const answer = await send(relay, method, target, headers, body);
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
            assert.ok(DOCUMENTED.has(answer.status), `${answer.status} for ${method} ${target.slice(0, 200)}: ${answer.body.slice(0, 200)}`);
            if (answer.status >= 400 && answer.type.startsWith('application/json') && method !== 'HEAD') {
              const parsed = JSON.parse(answer.body) as { error?: unknown };
              assert.equal(typeof parsed.error, 'string', `a refusal says why: ${answer.body.slice(0, 200)}`);
            }
          }),
          { numRuns: Number(process.env.FUZZ_RUNS ?? 300), seed: Number(process.env.FUZZ_SEED ?? 20261202) },
        );
        // The generator reaches both sides: accepted requests and refusals.
        assert.ok((statuses.get(200) ?? 0) > 0 && (statuses.get(400) ?? 0) > 0, JSON.stringify([...statuses]));
        assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'Object.prototype untouched');

        const published = await send(relay, 'POST', '/v1/publish', { authorization: `Bearer ${PUBLISH_TOKEN}`, 'content-type': 'application/json' },
          JSON.stringify({ channel: 'price:FUZZ-OK', data: { symbol: 'FUZZ-OK', price: 42, ts: Date.now() } }));
        assert.equal(published.status, 200, published.body);
        const snapshot = await send(relay, 'GET', '/v1/snapshot?channels=price:FUZZ-OK', auth ? { authorization: `Bearer ${jwt}` } : {});
        assert.equal(snapshot.status, 200, snapshot.body);
        assert.equal((JSON.parse(snapshot.body) as { channels: Record<string, { data: { price: number } }> }).channels['price:FUZZ-OK']!.data.price, 42);
      });
    });
  }
});
