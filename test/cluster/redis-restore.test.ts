/**
 * Redis loses everything (FLUSHALL, as a restart without persistence does) and the node's command
 * connection comes back: the node puts back the last value of every channel it knows in a few
 * restore-many scripts (one per 1,000 channels, not one per channel), so `seq` goes on where it
 * was. A channel whose keys hold foreign data is skipped (and reported once) without stopping the
 * others; a channel Redis holds at a higher seq is left alone. Its own redis-server (FLUSHALL);
 * MONITOR shows what the node sends.
 */
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createRedisBackend } from '../../src/server/backend/redis-backend.js';
import { RESTORE_MANY_SCRIPT } from '../../src/server/backend/redis-scripts.js';
import type { ChannelBackend } from '../../src/server/backend/types.js';
import { SKIP_REASON, useRedisServer } from './redis-server.js';
import { commandsDuring, publishRound, quietLogger, sentByClients, tick, uniquePrefix, waitFor } from './helpers.js';

if (SKIP_REASON) console.log(`# skipping Redis restore tests: ${SKIP_REASON}`);

const RESTORE_MANY_SHA = createHash('sha1').update(RESTORE_MANY_SCRIPT).digest('hex');
const HISTORY_TTL_MS = 3_600_000;

/** One command as MONITOR showed it. */
type Seen = string[];

/**
 * A restore-many script call: EVALSHA, or EVAL of its text (ioredis may send that first on a new
 * connection; MONITOR shows each line break of the text as a backslash and an n).
 */
const isRestoreCall = (args: Seen) => {
  const command = args[0]?.toLowerCase();
  return (command === 'evalsha' && args[1] === RESTORE_MANY_SHA) || (command === 'eval' && args[1]?.replaceAll('\\n', '\n') === RESTORE_MANY_SCRIPT);
};


describe('Redis backend: restoring the last values Redis lost', { skip: SKIP_REASON }, () => {
  const { redis, open } = useRedisServer();
  let raw: Redis;

  before(async () => {
    raw = new Redis(redis.url);
    await raw.script('LOAD', RESTORE_MANY_SCRIPT); // each call one EVALSHA
  });
  after(() => raw?.disconnect());

  async function node(prefix: string): Promise<{ backend: ChannelBackend; lines: string[] }> {
    const logger = quietLogger();
    const backend = await createRedisBackend({ url: redis.url, keyPrefix: prefix, logger, historyTtlMs: HISTORY_TTL_MS });
    open.push(backend);
    await waitFor('the node ok', () => backend.health() === 'ok');
    return { backend, lines: logger.lines };
  }

  /** `rounds` publishes on every channel, 250 channels at a time. */
  async function publishRounds(backend: ChannelBackend, channels: string[], from: number, to: number): Promise<void> {
    for (let price = from; price <= to; price++) await publishRound(backend, channels, price);
  }

  /** Drops every node's connections (not ours, nor MONITOR's): they reconnect at once. */
  async function dropNodeConnections(): Promise<void> {
    const me = Number(await raw.client('ID'));
    for (const line of String(await raw.client('LIST')).split('\n')) {
      const id = Number(/\bid=(\d+)/.exec(line)?.[1]);
      if (id && id !== me && !/\bflags=\S*O/.test(line) && !/\bcmd=monitor\b/.test(line)) await raw.client('KILL', 'ID', String(id));
    }
  }

  test('2,500 known channels after Redis lost everything: every last value and seq back in at most 3 restore scripts, and seq continues', async () => {
    const prefix = uniquePrefix();
    const { backend, lines } = await node(prefix);
    const channels = Array.from({ length: 2_500 }, (_, i) => `price:S${i}`);
    await publishRounds(backend, channels, 1, 3);
    await raw.flushall();
    const commands = sentByClients(await commandsDuring(redis.url, async () => {
      await dropNodeConnections();
      await waitFor('the restore logged', () => lines.some((line) => line.includes('had lost')), 20_000);
      await waitFor('the node ok again', () => backend.health() === 'ok', 20_000);
    }));
    const restores = commands.filter((args) => isRestoreCall(args) && args.some((arg) => arg.startsWith(prefix)));
    assert.ok(restores.length >= 1 && restores.length <= 3, `the restore of 2,500 channels took ${restores.length} restore script calls`);
    assert.equal(restores.reduce((sum, args) => sum + Number(args[2]) / 2, 0), 2_500, 'together they restore every known channel');
    assert.ok(lines.includes('redis: had lost 2500 channel(s); restored their last values from this node'), lines.join('\n'));

    const pipeline = raw.pipeline();
    for (const channel of channels) pipeline.hgetall(`${prefix}{${channel}}:meta`).lrange(`${prefix}{${channel}}:hist`, 0, -1).pttl(`${prefix}{${channel}}:hist`);
    const replies = (await pipeline.exec())!.map(([error, value]) => (error ? assert.fail(error) : value));
    channels.forEach((channel, index) => {
      const [meta, hist, ttl] = replies.slice(3 * index, 3 * index + 3) as [Record<string, string>, string[], number];
      assert.equal(meta.seq, '3', `${channel}: its seq`);
      assert.deepEqual(JSON.parse(meta.last!), { channel, seq: 3, data: tick(channel, 3) }, `${channel}: its last value`);
      assert.deepEqual(hist, [meta.last], `${channel}: history holds the last value alone`);
      assert.ok(ttl > 0 && ttl <= HISTORY_TTL_MS, `${channel}: its history expires (${ttl} ms)`);
    });
    assert.equal((await backend.latest('price:S2499'))?.seq, 3);
    const next = await Promise.all(channels.map((channel) => backend.publish(channel, tick(channel, 4))));
    assert.deepEqual(next.map((envelope) => envelope.seq), channels.map(() => 4), 'each channel goes on at seq 4, not 1');
  });

  test('a channel with foreign data under its keys is skipped and reported once; one Redis holds at a higher seq is left alone; the others are restored', async () => {
    const prefix = uniquePrefix();
    const { backend, lines } = await node(prefix);
    const channels = Array.from({ length: 20 }, (_, i) => `price:S${i}`);
    const [notHash, notNumber] = ['price:FOREIGN', 'price:BADSEQ'];
    await publishRounds(backend, [...channels, notHash, notNumber], 1, 3);
    await raw.flushall();
    const meta = (channel: string) => `${prefix}{${channel}}:meta`;
    const hist = (channel: string) => `${prefix}{${channel}}:hist`;
    const ahead = JSON.stringify({ channel: 'price:S0', seq: 10, data: tick('price:S0', 10) }); // another node's newer value
    const behind = JSON.stringify({ channel: 'price:S1', seq: 1, data: tick('price:S1', 1) });
    await raw.hset(meta('price:S0'), 'seq', 10, 'last', ahead);
    await raw.rpush(hist('price:S0'), ahead);
    await raw.hset(meta('price:S1'), 'seq', 1, 'last', behind);
    await raw.rpush(hist('price:S1'), behind);
    await raw.set(meta(notHash), 'not a hash');
    await raw.hset(meta(notNumber), 'seq', 'many', 'last', 'x');

    await dropNodeConnections();
    await waitFor('the restore logged', () => lines.some((line) => line.includes('had lost')), 20_000);
    await waitFor('the node ok again', () => backend.health() === 'ok', 20_000);
    assert.ok(lines.includes('redis: had lost 19 channel(s); restored their last values from this node'), lines.join('\n'));
    const reported = (channel: string) => lines.filter((line) => line.startsWith(`redis: Redis cannot read ${channel}'s keys`) && line.endsWith('its last value was not restored'));
    assert.equal(reported(notHash).length, 1, lines.join('\n'));
    assert.match(reported(notHash)[0]!, /WRONGTYPE/);
    assert.equal(reported(notNumber).length, 1, lines.join('\n'));

    // Left alone: the higher seq, and the foreign data.
    assert.deepEqual(await raw.hgetall(meta('price:S0')), { seq: '10', last: ahead });
    assert.deepEqual(await raw.lrange(hist('price:S0'), 0, -1), [ahead]);
    assert.equal(await raw.get(meta(notHash)), 'not a hash');
    assert.deepEqual(await raw.hgetall(meta(notNumber)), { seq: 'many', last: 'x' });
    // Restored: the one Redis held at a lower seq, and those it lost.
    for (const channel of channels.slice(1)) {
      assert.equal(await raw.hget(meta(channel), 'seq'), '3', channel);
      assert.equal((await backend.publish(channel, tick(channel, 4))).seq, 4, channel);
    }
    assert.equal((await backend.publish('price:S0', tick('price:S0', 11))).seq, 11, 'S0 goes on above the higher seq');

    // Another reconnect: the foreign channels are not reported again.
    lines.length = 0;
    await dropNodeConnections();
    await waitFor('the node degraded, then ok again', () => lines.some((line) => line.includes('connected and in sync')), 20_000);
    assert.equal(reported(notHash).length + reported(notNumber).length, 0, lines.join('\n'));
    assert.ok(!lines.some((line) => line.includes('had lost')), 'nothing was lost this time');
  });
});
