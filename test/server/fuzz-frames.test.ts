/**
 * Generated hostile frames against a real relay (fast-check): near-valid messages with any field
 * swapped for arbitrary JSON, hostile strings and channel names, random JSON and plain text. For
 * every frame the relay answers only with well-formed protocol frames (error frames carry a
 * documented code other than `internal`, and a message) or closes with a documented close code —
 * never a crash, never a hang — and afterwards it still serves a normal client. Runs with and without JWT auth, at the
 * default limits (so the bad-frame and rate limits close connections along the way).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { CloseCode, ErrorCode, parseServerMessage } from '../../src/protocol/index.js';
import type { Relay } from '../../src/server/relay.js';
import { connect, signToken, startRelay, tick, type TestClient } from './helpers.js';
import { channelName, fieldValue, hostileString, maybe, validChannel } from './hostile-values.js';

const ERROR_CODES = new Set<string>(Object.values(ErrorCode));
const CLOSE_CODES = new Set<number>(Object.values(CloseCode));
const SECRET = 'fuzz-secret-that-is-long-enough-for-hs256';

/** `subscribe` with a `since` over some of its channels, so that the deep checks are reached. */
const subscribe = fc
  .uniqueArray(validChannel, { minLength: 1, maxLength: 6 })
  .chain((channels) =>
    fc.record({
      type: fc.constant('subscribe'),
      id: maybe(fc.nat()),
      channels: maybe(fc.constant(channels)),
      since: maybe(fc.dictionary(fc.constantFrom(...channels, '__proto__'), fc.oneof(fc.nat(), fieldValue), { maxKeys: 4 })),
      epoch: maybe(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/)),
      extra: maybe(fieldValue),
    }),
  );
/** Protocol messages with any of their fields present, absent or replaced by arbitrary values. */
const nearValid = fc
  .oneof(
    subscribe,
    fc.record({ type: fc.constant('unsubscribe'), id: maybe(fc.nat()), channels: maybe(fc.array(channelName, { minLength: 1, maxLength: 5 })) }),
    fc.record({ type: fc.constant('auth'), token: maybe(fc.oneof(hostileString, fc.constant('eyJhbGciOiJIUzI1NiJ9.e30.x'))) }),
    fc.record({ type: fc.constant('ping'), t: maybe(fc.nat()) }),
    fc.record({ type: hostileString, id: fieldValue, channels: fieldValue }),
  )
  .map((message) => JSON.stringify(message));
const frames = fc.oneof(
  { weight: 6, arbitrary: nearValid },
  { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: nearValid.map((text) => text.slice(0, Math.max(1, text.length >> 1))) },
  { weight: 1, arbitrary: fc.constant('{"__proto__":{"polluted":true},"type":"subscribe","id":1,"channels":["price:A"]}') },
);

/** One connection at a time; replaced when the relay closes it. Checks every frame and close. */
class Prober {
  #client: TestClient | undefined;
  #sentinel = 1e12;
  probes = 0;
  /** Connections the relay closed (with a documented code). */
  closes = 0;
  constructor(private readonly url: string) {}

  /** Sends `frame`, then a ping; resolves when its pong arrives or the relay closes the socket. */
  async probe(frame: string): Promise<void> {
    const client = (this.#client ??= await connect(this.url));
    const from = client.frames.length;
    const t = ++this.#sentinel;
    this.probes++;
    client.send(frame);
    client.send({ type: 'ping', t });
    const outcome = await Promise.race([
      client.waitFor((m) => m.type === 'pong' && m.t === t, 5_000).then(() => 'answered' as const),
      client.closed.then((close) => close),
    ]);
    for (const raw of client.frames.slice(from)) {
      const parsed = parseServerMessage(raw);
      assert.ok(parsed.ok, `relay sent a malformed frame: ${raw.slice(0, 200)}`);
      if (parsed.message.type === 'error') {
        assert.ok(ERROR_CODES.has(parsed.message.code), `undocumented error code ${parsed.message.code}`);
        // `internal` means the relay failed on the frame: hostile input must get a refusal instead.
        assert.notEqual(parsed.message.code, ErrorCode.Internal, `relay failed on ${frame.slice(0, 200)}`);
        assert.ok(parsed.message.message.length > 0, 'an error frame says why');
      }
    }
    if (outcome === 'answered') return;
    assert.ok(CLOSE_CODES.has(outcome.code), `undocumented close code ${outcome.code} (${outcome.reason}) after ${frame.slice(0, 200)}`);
    this.closes++;
    this.#client = undefined;
  }

  async close(): Promise<void> {
    await this.#client?.close();
  }
}

/** A normal client still subscribes and receives a published update. */
async function assertStillServes(relay: Relay, token?: string): Promise<void> {
  const client = await connect(relay.wsUrl);
  try {
    if (token) client.send({ type: 'auth', token }); // no answer when it succeeds; frames are handled in order
    client.send({ type: 'subscribe', id: 7, channels: ['price:FUZZ-OK'] });
    await client.waitFor((m) => m.type === 'ack' && m.id === 7);
    await relay.publish('price:FUZZ-OK', tick('FUZZ-OK', 42));
    await client.waitFor((m) => (m.type === 'update' || m.type === 'snapshot') && m.channel === 'price:FUZZ-OK' && m.data !== null);
  } finally {
    await client.close();
  }
}

for (const auth of [false, true]) {
  describe(`generated hostile frames, ${auth ? 'with' : 'without'} JWT auth`, () => {
    let relay: Relay;
    before(async () => {
      relay = await startRelay(auth ? { jwtSecret: SECRET } : {});
    });
    after(() => relay.close());

    test('every frame gets well-formed answers or a documented close; the relay keeps serving', async () => {
      const prober = new Prober(relay.wsUrl);
      try {
        await fc.assert(fc.asyncProperty(frames, (frame) => prober.probe(frame)), { numRuns: Number(process.env.FUZZ_RUNS ?? 400), seed: Number(process.env.FUZZ_SEED ?? 20261202) });
      } finally {
        await prober.close();
      }
      // The generator reaches the limits: at the default 20 bad frames a connection is closed (4502).
      assert.ok(prober.closes > 0 && prober.closes < prober.probes, `${prober.closes} closes in ${prober.probes} frames`);
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'Object.prototype untouched');
      await assertStillServes(relay, auth ? await signToken(SECRET, ['price:*']) : undefined);
    });
  });
}
