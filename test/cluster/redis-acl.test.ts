/**
 * A relay whose Redis user's ACL refuses some channels: Redis answers NOPERM to a whole SUBSCRIBE
 * (or script) that names one forbidden channel (or key), so without care one refused channel
 * would take down every channel batched with it. Here the relay's user may use every `price:`
 * channel except `price:SECRET` (pub/sub permission `&…bus:price:[^S]*` in one test, key
 * permission `~…{price:[^S]*` in the other); a client subscribing to a mix in one frame must get
 * its snapshots and every update of the allowed channels, and one `internal` error for the
 * refused one (reported once in the log, counted on /metrics), and the node stays healthy.
 * One real redis-server; a second backend with Redis's default user publishes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import type { ErrorMessage, ServerMessage, SnapshotMessage, UpdateMessage } from '../../src/protocol/index.js';
import { createRedisBackend } from '../../src/server/backend/redis-backend.js';
import { ChannelRefusedError, REPORT_WINDOW_MS } from '../../src/server/backend/redis-acl.js';
import { PartialReadError } from '../../src/server/backend/batched-reads.js';
import type { Envelope } from '../../src/server/backend/types.js';
import { createRelay, type Relay } from '../../src/server/relay.js';
import { SKIP_REASON, useRedisServer } from './redis-server.js';
import { busesSubscribed, commandsDuring, publishRound, quietLogger, sentByClients, tick, uniquePrefix, waitFor } from './helpers.js';
import { openClient, type ClusterClient } from './ws-client.js';

if (SKIP_REASON) console.log(`# skipping Redis ACL tests: ${SKIP_REASON}`);

const ALLOWED = ['price:AAA', 'price:BBB', 'price:CCC'];
const FORBIDDEN = 'price:SECRET';

const errorsOf = (received: ServerMessage[]) => received.filter((m): m is ErrorMessage => m.type === 'error');
const snapshotOf = (received: ServerMessage[], channel: string) =>
  received.find((m): m is SnapshotMessage => m.type === 'snapshot' && m.channel === channel);
const updateSeqs = (received: ServerMessage[], channel: string) =>
  received.filter((m): m is UpdateMessage => m.type === 'update' && m.channel === channel).map((m) => m.seq);

/** The log lines of refusals, once the relay had time to report what it saw so far. */
async function refusalLines(logger: { lines: string[] }): Promise<string[]> {
  await new Promise((resolve) => setTimeout(resolve, REPORT_WINDOW_MS + 50));
  return logger.lines.filter((line) => line.includes('NOPERM'));
}

/** The value of `market_pulse_unreadable_channels` on the relay's /metrics. */
async function unreadableGauge(relay: Relay): Promise<number> {
  const text = await (await fetch(`${relay.httpUrl}/metrics`)).text();
  return Number(/^market_pulse_unreadable_channels (\S+)$/m.exec(text)?.[1]);
}

describe('Redis ACL: one refused channel does not fail the others', { skip: SKIP_REASON }, () => {
  const { redis, open } = useRedisServer();
  let admin: Redis;
  const clients: ClusterClient[] = [];

  before(async () => {
    admin = new Redis(redis.url);
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await admin?.quit();
  });

  /**
   * A relay on a Redis user named `user` with the ACL rules `rules` (plus every command), a
   * publisher on the default user, each of the four channels published once (seq 1).
   */
  async function setUp(user: string, rules: (prefix: string) => string[]) {
    const prefix = uniquePrefix();
    await admin.call('ACL', 'SETUSER', user, 'reset', 'on', '>secret-pw', '+@all', ...rules(prefix));
    const logger = quietLogger();
    const backend = await createRedisBackend({ url: `redis://${user}:secret-pw@127.0.0.1:${redis.port}`, keyPrefix: prefix, logger });
    const publisher = await createRedisBackend({ url: redis.url, keyPrefix: prefix, logger: quietLogger() });
    const relay = await createRelay({ port: 0, host: '127.0.0.1', backend, simulate: false, quiet: true });
    open.push(relay, backend, publisher); // the relay first: it does not close a backend passed in
    assert.equal(backend.health(), 'ok', 'the relay user may connect');
    for (const channel of [...ALLOWED, FORBIDDEN]) await publisher.publish(channel, tick(channel, 1));
    return { backend, publisher, relay, logger, prefix };
  }

  /** Subscribes a fresh client to the allowed channels with the forbidden one among them, in one frame. */
  async function subscribeMix(relay: Relay, id: number): Promise<ClusterClient> {
    const client = await openClient(relay.wsUrl);
    clients.push(client);
    client.subscribe(id, [ALLOWED[0]!, FORBIDDEN, ...ALLOWED.slice(1)]);
    return client;
  }

  /** What both tests check: snapshots, live updates and one error, one log line, the gauge, health. */
  async function checkServed(setup: Awaited<ReturnType<typeof setUp>>, aclWord: RegExp): Promise<void> {
    const { backend, publisher, relay, logger } = setup;
    const client = await subscribeMix(relay, 1);
    const error = await client.next<ErrorMessage>('the error of the refused channel', (m) => m.type === 'error');
    assert.equal(error.channel, FORBIDDEN);
    assert.equal(error.id, 1);
    assert.equal(error.code, 'internal', 'a condition of the relay, not of the token: the client asks again later');
    assert.match(error.message, aclWord, 'the message says why');
    for (const channel of ALLOWED) {
      const snapshot = await client.next<SnapshotMessage>(`the snapshot of ${channel}`, (m) => m.type === 'snapshot' && m.channel === channel);
      assert.equal(snapshot.seq, 1, `${channel}'s snapshot holds its value`);
      assert.equal((snapshot.data as { price: number }).price, 1);
    }
    assert.equal(snapshotOf(client.received, FORBIDDEN), undefined, 'no data of the refused channel');

    // Live: every update of the allowed channels, none of the refused one.
    for (const price of [2, 3]) for (const channel of [...ALLOWED, FORBIDDEN]) await publisher.publish(channel, tick(channel, price));
    await waitFor('seqs 2 and 3 of every allowed channel', () => ALLOWED.every((channel) => updateSeqs(client.received, channel).length === 2), 5_000);
    for (const channel of ALLOWED) assert.deepEqual(updateSeqs(client.received, channel), [2, 3], `${channel}: no gap, no duplicate`);
    assert.deepEqual(updateSeqs(client.received, FORBIDDEN), []);
    assert.deepEqual(errorsOf(client.received).map((e) => e.channel), [FORBIDDEN], 'one error, only for the refused channel');

    // The client library asks again (after 1 s, then with backoff); so do other clients, batched with new channels.
    client.subscribe(2, [FORBIDDEN]);
    await client.next('the refusal again', (m) => m.type === 'error' && m.id === 2);
    const other = await subscribeMix(relay, 7);
    await waitFor('the second client served', () => ALLOWED.every((channel) => snapshotOf(other.received, channel)) && errorsOf(other.received).length === 1, 5_000);
    assert.equal(errorsOf(other.received)[0]!.channel, FORBIDDEN);
    await publisher.publish(ALLOWED[0]!, tick(ALLOWED[0]!, 4));
    await waitFor('seq 4 on both clients', () => updateSeqs(client.received, ALLOWED[0]!).includes(4) && updateSeqs(other.received, ALLOWED[0]!).includes(4), 5_000);

    const aclLines = await refusalLines(logger);
    assert.equal(aclLines.length, 1, `one log line for the refusal, not one per retry:\n${logger.lines.join('\n')}`);
    assert.ok(aclLines[0]!.includes(FORBIDDEN) && aclLines[0]!.includes('ACL'));
    assert.ok(!logger.lines.some((line) => ALLOWED.some((channel) => line.includes(channel))), `no allowed channel in the log:\n${logger.lines.join('\n')}`);
    assert.equal(await unreadableGauge(relay), 1, 'the refused channel on market_pulse_unreadable_channels');
    assert.equal(backend.health(), 'ok', 'the other channels are in sync: not degraded');
    const health = await (await fetch(`${relay.httpUrl}/healthz`)).json() as { status: string };
    assert.equal(health.status, 'ok');
  }

  test('pub/sub permission: a SUBSCRIBE naming one forbidden channel serves the others', async () => {
    const setup = await setUp('relay-channels', (prefix) => [`~${prefix}*`, 'resetchannels', `&${prefix}bus:price:[^S]*`]);
    await checkServed(setup, /ACL|subscribe/i);
  });

  test('key permission: a read naming one forbidden channel\'s keys serves the others', async () => {
    const setup = await setUp('relay-keys', (prefix) => ['resetkeys', `~${prefix}{price:[^S]*`, `~${prefix}epoch`, `~${prefix}lease:*`, 'allchannels']);
    await checkServed(setup, /ACL|read/i);
    // Over HTTP (the polling fallback) too: the refused channel answers 503 "ask again later", not 500.
    const get = (path: string) => fetch(`${setup.relay.httpUrl}${path}`);
    for (const path of [`/v1/snapshot?channels=${FORBIDDEN}`, `/v1/snapshot?channels=${ALLOWED[0]},${FORBIDDEN}`, `/v1/history?channel=${FORBIDDEN}`]) {
      const answer = await get(path);
      assert.equal(answer.status, 503, path);
      assert.match(((await answer.json()) as { error: string }).error, /unavailable right now/, path);
    }
    assert.equal((await get(`/v1/snapshot?channels=${ALLOWED.join(',')}`)).status, 200);
  });

  test('many refused channels in one frame: each gets its error, the rest are served, one log line', async () => {
    const { publisher, relay, logger } = await setUp('relay-burst', (prefix) => [`~${prefix}*`, 'resetchannels', `&${prefix}bus:price:[^S]*`]);
    const allowed = Array.from({ length: 95 }, (_, i) => `price:A${i}`);
    const forbidden = Array.from({ length: 5 }, (_, i) => `price:S${i}`);
    const client = await openClient(relay.wsUrl);
    clients.push(client);
    client.subscribe(1, [...forbidden.slice(0, 2), ...allowed, ...forbidden.slice(2)]); // 100: the most one frame may name
    await waitFor('95 snapshots and 5 errors', () => client.received.filter((m) => m.type === 'snapshot').length === 95 && errorsOf(client.received).length === 5, 10_000);
    assert.deepEqual(errorsOf(client.received).map((e) => e.channel).sort(), forbidden);
    await publisher.publish(allowed[94]!, tick(allowed[94]!, 1));
    await client.next('an update of the last allowed channel', (m) => m.type === 'update' && m.channel === allowed[94]);
    const lines = await refusalLines(logger);
    assert.equal(lines.length, 1, `one line for the burst:\n${logger.lines.join('\n')}`);
    for (const channel of forbidden) assert.ok(lines[0]!.includes(channel), `${channel} named`);
    assert.equal(await unreadableGauge(relay), 5);
  });

  test('the ACL fixed while the relay runs: the refused channel is served at the client\'s next try', async () => {
    const { publisher, relay, logger, prefix } = await setUp('relay-fixed', (prefix) => [`~${prefix}*`, 'resetchannels', `&${prefix}bus:price:[^S]*`]);
    const client = await subscribeMix(relay, 1);
    await client.next('the refusal', (m) => m.type === 'error' && m.channel === FORBIDDEN);
    await admin.call('ACL', 'SETUSER', 'relay-fixed', 'resetchannels', `&${prefix}bus:price:*`);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the relay's first retry delay (the client library waits ≥ 1 s too)
    client.subscribe(2, [FORBIDDEN]);
    const snapshot = await client.next<SnapshotMessage>('the snapshot of the channel now allowed', (m) => m.type === 'snapshot' && m.channel === FORBIDDEN);
    assert.equal(snapshot.seq, 1);
    await publisher.publish(FORBIDDEN, tick(FORBIDDEN, 2));
    await waitFor('its update', () => updateSeqs(client.received, FORBIDDEN).includes(2), 5_000);
    await waitFor('"allows … again" logged', () => logger.lines.some((line) => line.includes('allows') && line.includes(FORBIDDEN)), 2_000);
    assert.equal(await unreadableGauge(relay), 0);
  });

  test('a channel revoked while watched: the others go on with no gap, the node stays in sync', async () => {
    const { backend, publisher, relay, logger, prefix } = await setUp('relay-revoked', (prefix) => [`~${prefix}*`, 'resetchannels', `&${prefix}bus:price:*`]);
    const client = await subscribeMix(relay, 1);
    await waitFor('four snapshots', () => client.received.filter((m) => m.type === 'snapshot').length === 4, 5_000);
    // Redis closes the relay's subscriber connection, whose SUBSCRIBEs the new rules forbid; the relay resubscribes.
    await admin.call('ACL', 'SETUSER', 'relay-revoked', 'resetchannels', `&${prefix}bus:price:[^S]*`);
    for (let price = 2; price <= 5; price++) {
      for (const channel of [...ALLOWED, FORBIDDEN]) await publisher.publish(channel, tick(channel, price));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await waitFor('seqs 2–5 of every allowed channel', () => ALLOWED.every((channel) => updateSeqs(client.received, channel).length === 4), 10_000);
    for (const channel of ALLOWED) assert.deepEqual(updateSeqs(client.received, channel), [2, 3, 4, 5], `${channel}: caught up, no gap, no duplicate`);
    await waitFor('in sync again', () => backend.health() === 'ok', 5_000);
    assert.equal((await refusalLines(logger)).length, 1, logger.lines.join('\n'));
  });

  test('keys revoked, then Redis loses every channel: the relay puts back the others\' last values and is in sync', async () => {
    const { backend, relay, logger, prefix } = await setUp('relay-restore', (prefix) => [`~${prefix}*`, 'allchannels']);
    const channels = [...ALLOWED, FORBIDDEN];
    assert.deepEqual((await backend.latestMany!(channels)).map((envelope) => envelope?.seq), [1, 1, 1, 1], 'the relay knows each channel');
    await admin.call('ACL', 'SETUSER', 'relay-restore', 'resetkeys', `~${prefix}{price:[^S]*`, `~${prefix}epoch`, `~${prefix}lease:*`);
    await admin.del(...channels.flatMap((channel) => [`${prefix}{${channel}}:meta`, `${prefix}{${channel}}:hist`]));
    await admin.call('CLIENT', 'KILL', 'USER', 'relay-restore'); // the relay reconnects and restores what Redis lost
    await waitFor('the allowed channels restored', async () => {
      const seqs = await Promise.all(ALLOWED.map((channel) => admin.hget(`${prefix}{${channel}}:meta`, 'seq')));
      return seqs.every((seq) => seq === '1');
    }, 10_000);
    await waitFor('in sync', () => backend.health() === 'ok', 5_000);
    assert.equal(await admin.exists(`${prefix}{${FORBIDDEN}}:meta`), 0, 'nothing written where the relay may not');
    const lines = await refusalLines(logger);
    assert.equal(lines.length, 1, logger.lines.join('\n'));
    assert.ok(lines[0]!.includes(FORBIDDEN) && lines[0]!.includes('key permission'));
    const client = await openClient(relay.wsUrl);
    clients.push(client);
    client.subscribe(1, [ALLOWED[0]!]);
    assert.equal((await client.next<SnapshotMessage>('a snapshot', (m) => m.type === 'snapshot')).seq, 1, 'served from the restored value');
  });

  test('1,500 channels watched in one turn, one refused: the other 1,499 deliver; watched again soon, the refused one fails no batch', async () => {
    const { backend, publisher, logger, prefix } = await setUp('relay-many', (prefix) => [`~${prefix}*`, 'resetchannels', `&${prefix}bus:price:[^S]*`]);
    const channels = Array.from({ length: 1_500 }, (_, i) => (i === 700 ? FORBIDDEN : `price:W${i}`));
    const allowed = channels.filter((channel) => channel !== FORBIDDEN);
    await publishRound(publisher, channels, 1);
    const received: Envelope[] = [];
    backend.onMessage((envelope) => received.push(envelope));
    const watchAndRead = async (): Promise<unknown> => {
      for (const channel of channels) backend.watch(channel);
      return backend.latestMany!(channels).catch((error: unknown) => error);
    };
    const answer = await watchAndRead();
    assert.ok(answer instanceof PartialReadError, 'the read names the refused channel');
    const answers = (answer as PartialReadError<Envelope | null>).answers;
    assert.ok(answers[700] instanceof ChannelRefusedError);
    assert.ok(answers.every((value, i) => i === 700 || (value as Envelope | null)?.seq === 1), 'every other channel read');
    await busesSubscribed(admin, prefix, allowed);
    await publishRound(publisher, channels, 2);
    await waitFor('seq 2 of the 1,499 allowed channels', () => received.length === 1_499, 10_000);
    assert.ok(!received.some((envelope) => envelope.channel === FORBIDDEN));

    // Unwatched and watched again within the refusal's retry delay: it is left out of the SUBSCRIBE
    // (Redis would refuse the whole batch again, and the relay would send it again per channel).
    for (const channel of channels) backend.unwatch(channel);
    await new Promise((resolve) => setImmediate(resolve));
    const commands = sentByClients(await commandsDuring(redis.url, async () => {
      await watchAndRead();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }));
    const subscribes = commands.filter((args) => args[0]?.toLowerCase() === 'subscribe' && args.some((arg) => arg.includes(prefix)));
    assert.equal(subscribes.length, 2, 'one SUBSCRIBE per 1,000 channels, none refused and split');
    assert.equal(subscribes.reduce((sum, args) => sum + args.length - 1, 0), 1_499);
    assert.equal((await refusalLines(logger)).length, 1, logger.lines.join('\n'));
  });
});
