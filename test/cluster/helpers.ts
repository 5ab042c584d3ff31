/** Small helpers shared by the cluster tests. */
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { createRedisBackend } from '../../src/server/backend/redis-backend.js';
import type { ChannelBackend, Envelope } from '../../src/server/backend/types.js';

/** Polls `check` until it returns true, or fails after `timeoutMs` with `what`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A price tick of a `price:` channel; `ts` follows the price, so every tick of a channel differs. */
export const tick = (channel: string, price: number) => ({ symbol: channel.slice(6), price, ts: 1_700_000_000_000 + price });

/** One publish on every channel, 250 at a time. */
export async function publishRound(node: ChannelBackend, channels: string[], price: number): Promise<void> {
  for (let start = 0; start < channels.length; start += 250) {
    await Promise.all(channels.slice(start, start + 250).map((channel) => node.publish(channel, tick(channel, price))));
  }
}

/**
 * Two Redis nodes on a fresh key prefix (closed with the server: pushed to `open`): A publishes,
 * B's messages land in `received`. `count` channels `price:<letter><i>`, each published once (seq 1).
 */
export async function twoNodes(url: string, open: Array<{ close(): Promise<void> }>, count: number, letter: string) {
  const prefix = uniquePrefix();
  const options = { url, keyPrefix: prefix, logger: quietLogger() };
  const [a, b] = await Promise.all([createRedisBackend(options), createRedisBackend(options)]);
  open.push(a, b);
  const received: Envelope[] = [];
  b.onMessage((e) => received.push(e));
  const channels = Array.from({ length: count }, (_, i) => `price:${letter}${i}`);
  await publishRound(a, channels, 1);
  return { a, b, received, channels, prefix };
}

/** Resolves once Redis shows every channel's bus (under `prefix`) subscribed by one connection. */
export async function busesSubscribed(raw: Redis, prefix: string, channels: string[]): Promise<void> {
  const buses = channels.map((channel) => `${prefix}bus:${channel}`);
  await waitFor('every channel subscribed', async () => {
    const counts = (await raw.pubsub('NUMSUB', ...buses)) as Array<string | number>;
    return counts.filter((_, i) => i % 2 === 1).every((n) => Number(n) === 1);
  });
}

/** A logger that keeps messages instead of printing them. */
export function quietLogger(): { info(message: string): void; warn(message: string): void; lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m) };
}

/** The seqs of the envelopes of `channel`, in arrival order. */
export function seqsOf(received: Envelope[], channel: string): number[] {
  return received.filter((e) => e.channel === channel).map((e) => e.seq);
}

/** `[from, from+1, …, to]`. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

let counter = 0;
/** A key prefix no other test (or concurrent run on the same Redis) uses. */
export function uniquePrefix(): string {
  counter += 1;
  return `t${process.pid}-${counter}-${Date.now().toString(36)}:`;
}

/** One command as MONITOR showed it: its words, and `lua` as its source when a script ran it. */
export interface MonitoredCommand {
  args: string[];
  source: string;
}

/**
 * Every command Redis runs while `during` runs, scripts' own included: MONITOR on a connection of
 * its own, and a marker ECHO after `during` (once MONITOR shows it, it has shown everything before).
 */
export async function commandsDuring(url: string, during: () => Promise<void>): Promise<MonitoredCommand[]> {
  const watcher = new Redis(url);
  await watcher.ping(); // connected before MONITOR starts: its handshake is not in the window
  const seen: MonitoredCommand[] = [];
  const monitor = await openMonitor(url, (command) => seen.push(command)).catch((error: unknown) => {
    watcher.disconnect();
    throw error;
  });
  try {
    await during();
    const marker = `end-of-window-${Date.now()}-${Math.random()}`;
    await watcher.echo(marker);
    await waitFor('the marker on MONITOR', () => seen.some((entry) => entry.args[1] === marker));
    return seen.filter((entry) => entry.args[1] !== marker);
  } finally {
    monitor.destroy();
    watcher.disconnect();
  }
}

/**
 * A MONITOR connection on a plain socket; resolves once Redis confirmed it. Not ioredis's
 * `monitor()`: that one fails with "Command queue state error" when the first monitored lines come
 * in the same chunk as MONITOR's OK (a busy Redis). Lines are split into words as ioredis does.
 */
function openMonitor(url: string, onCommand: (command: MonitoredCommand) => void): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port || 6379), hostname);
  socket.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    let buffer = '';
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (line === '+OK') resolve(socket);
        else if (line.startsWith('+')) onCommand(monitoredCommand(line.slice(1)));
        else if (line.startsWith('-')) reject(new Error(`MONITOR refused: ${line.slice(1)}`));
      }
    });
    socket.write('MONITOR\r\n');
  });
}

/** `1700000000.123456 [0 127.0.0.1:5000] "evalsha" "…"` as ioredis's monitor splits it. */
function monitoredCommand(text: string): MonitoredCommand {
  const firstQuote = text.indexOf('"');
  const args = text.slice(firstQuote + 1, -1).split('" "').map((word) => word.replace(/\\"/g, '"'));
  const source = text.slice(text.indexOf(' ') + 2, firstQuote - 2).split(' ')[1] ?? '';
  return { args, source };
}

/** The commands clients sent (not those scripts ran), as their words. */
export function sentByClients(commands: MonitoredCommand[]): string[][] {
  return commands.filter((entry) => entry.source !== 'lua').map((entry) => entry.args);
}

/**
 * Whether `args` (a command as MONITOR showed it) runs the Lua script `lua`: EVALSHA with its SHA1,
 * or EVAL with its text (ioredis's first call on a connection; MONITOR escapes the newlines).
 */
export function isScriptCall(args: readonly string[], lua: string): boolean {
  const name = args[0]?.toLowerCase();
  if (name === 'evalsha') return args[1] === createHash('sha1').update(lua).digest('hex');
  return name === 'eval' && args[1]?.replaceAll('\\n', '\n') === lua;
}

/** The keys a script call (EVAL or EVALSHA, as MONITOR showed it) was given. */
export function scriptKeys(args: readonly string[]): string[] {
  return args.slice(3, 3 + Number(args[2]));
}
