// The connection core against a relay that misbehaves (fast-check): a raw `ws` server answers each
// subscribe with a generated script of frames — snapshots, updates and batches with repeated,
// skipped and backward seqs, null data, `recovered` flags, acks naming other epochs, errors with
// any code, pongs from any time, malformed text. (A raw server because the real relay never sends
// these.) Whatever the script, the core never throws and only delivers what a tab may show: per
// channel, seqs that only grow — unless marked `reset` — and only for channels in use, each with
// an object as data; afterwards a valid snapshot and update still arrive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WebSocketServer, type WebSocket } from 'ws';
import { Connection } from '../../src/client/core/connection.js';
import type { CoreUpdate } from '../../src/client/core/channel-store.js';
import { ErrorCode } from '../../src/protocol/index.js';
import { fieldValue, hostileString } from '../server/hostile-values.js';
import { NodeWebSocket, waitFor } from './support.js';

const USED = ['price:A', 'price:B'];
const channel = fc.constantFrom(...USED, 'price:UNUSED');
const data = fc.oneof(
  { weight: 5, arbitrary: fc.record({ symbol: fc.constant('A'), price: fc.double({ min: 1, max: 100, noNaN: true }), ts: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fieldValue },
);
/**
 * A channel frame as a step from the channel's last seq: mostly the next one, sometimes a repeat,
 * a step back, a skip ahead, or a seq no relay would send.
 */
const channelStep = fc.record({
  type: fc.constantFrom('snapshot', 'update', 'update', 'update'),
  channel,
  step: fc.oneof({ weight: 8, arbitrary: fc.constant(1) }, { weight: 4, arbitrary: fc.integer({ min: -3, max: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(0.5, -1e6, 2 ** 53) }),
  data,
  recovered: fc.option(fc.boolean(), { nil: undefined }),
});
const otherFrame = fc.oneof(
  { weight: 2, arbitrary: fc.record({ type: fc.constant('batch'), messages: fc.array(fieldValue, { maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('ack'), id: fc.nat({ max: 20 }), epoch: fc.option(fc.constantFrom('run-1', 'run-2'), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('error'), code: fc.constantFrom(...Object.values(ErrorCode), 'bogus'), message: hostileString, id: fc.option(fc.nat({ max: 20 }), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('pong'), t: fc.oneof(fc.integer(), fc.double()) }) },
);
/** One subscribe's answer: channel steps (some grouped in batches) among other frames and junk text. */
const script = fc
  .array(fc.oneof({ weight: 12, arbitrary: fc.array(channelStep, { minLength: 1, maxLength: 3 }) }, { weight: 2, arbitrary: otherFrame }, { weight: 1, arbitrary: hostileString }), { minLength: 1, maxLength: 40 });

/** Turns scripts of steps into frame texts, each channel's seq running on from part to part. */
function framesOf(parts: Array<Array<Array<{ type: string; channel: string; step: number; data: unknown; recovered?: boolean }> | object | string>>): string[][] {
  const seqs = new Map<string, number>();
  const message = ({ step, ...rest }: { type: string; channel: string; step: number; data: unknown; recovered?: boolean }) => {
    const seq = (seqs.get(rest.channel) ?? 0) + step;
    if (Number.isSafeInteger(seq) && seq >= 0) seqs.set(rest.channel, seq);
    return { ...rest, seq };
  };
  return parts.map((part) =>
    part.map((item) => {
      if (typeof item === 'string') return item;
      if (!Array.isArray(item)) return JSON.stringify(item);
      const messages = item.map(message);
      return JSON.stringify(messages.length === 1 ? messages[0] : { type: 'batch', messages });
    }));
}

/** A relay that answers each `subscribe` with an ack and the next part of `parts`, then valid frames at the end. */
async function scriptedRelay(parts: string[][]) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  let next = 0;
  const sockets: WebSocket[] = [];
  server.on('connection', (socket) => {
    sockets.push(socket);
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { type: string; id?: number; t?: number };
      if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong', t: message.t }));
      if (message.type !== 'subscribe') return;
      socket.send(JSON.stringify({ type: 'ack', id: message.id, epoch: 'run-1' }));
      for (const text of parts[next++] ?? []) socket.send(text);
    });
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as { port: number }).port}/ws`,
    /** Sends frames on every open socket. */
    broadcast: (...frames: object[]) => sockets.filter((socket) => socket.readyState === socket.OPEN).forEach((socket) => frames.forEach((f) => socket.send(JSON.stringify(f)))),
    close: async () => {
      for (const socket of server.clients) socket.terminate();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

test('a misbehaving relay never makes the core throw or deliver repeats, stale seqs or foreign channels', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(script, { minLength: 1, maxLength: 3 }), async (steps) => {
      const relay = await scriptedRelay(framesOf(steps));
      const connection = new Connection({ url: relay.url, WebSocket: NodeWebSocket, fetch: null });
      const delivered: CoreUpdate[] = [];
      const lastSeq = new Map<string, number>();
      const problems: string[] = [];
      // Checked as they come, reported after (a throw here would land in the socket's handler).
      connection.onUpdate((update) => {
        delivered.push(update);
        if (!USED.includes(update.channel)) problems.push(`delivered a channel nobody uses: ${update.channel}`);
        if (typeof update.data !== 'object' || update.data === null || Array.isArray(update.data)) problems.push(`data ${JSON.stringify(update.data)}`);
        if (!Number.isSafeInteger(update.seq) || update.seq < 0) problems.push(`seq ${update.seq}`);
        const before = lastSeq.get(update.channel);
        if (update.reset !== true && before !== undefined && update.seq <= before) problems.push(`${update.channel}: seq ${update.seq} after ${before} without reset`);
        lastSeq.set(update.channel, update.seq);
      });
      try {
        connection.start();
        for (const name of USED) connection.retain(name);
        await waitFor('the scripts played', () => connection.status.state === 'open');
        await new Promise((resolve) => setTimeout(resolve, 30));
        // A valid snapshot past anything scripted, then its next update: both reach the tab. (A
        // scripted `token_expired` makes the core reconnect: send them again once it is back.)
        const arrived = () => delivered.at(-1)?.seq === 1001 || problems.length > 0;
        for (let attempt = 0; attempt < 5 && !arrived(); attempt++) {
          await waitFor('open', () => connection.status.state === 'open');
          relay.broadcast({ type: 'snapshot', channel: 'price:A', seq: 1000, data: { symbol: 'A', price: 7, ts: 1 } }, { type: 'update', channel: 'price:A', seq: 1001, data: { symbol: 'A', price: 8, ts: 2 } });
          await waitFor('the valid frames', arrived, 1_000).catch(() => undefined);
        }
        assert.ok(arrived(), `the valid frames after the script; status ${connection.status.state}; delivered ${JSON.stringify(delivered.map((u) => [u.channel, u.seq, u.reset]))}`);
        assert.deepEqual(problems, []);
        assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
      } finally {
        connection.close();
        await relay.close();
      }
    }),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 60), seed: Number(process.env.FUZZ_SEED ?? 20261202) },
  );
});
