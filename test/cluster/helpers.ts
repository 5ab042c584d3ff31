/** Small helpers shared by the cluster tests. */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Envelope } from '../../src/server/backend/types.js';

/** Polls `check` until it returns true, or fails after `timeoutMs` with `what`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
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
  const monitor = await watcher.monitor();
  const seen: MonitoredCommand[] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => seen.push({ args: args.map(String), source }));
  try {
    await during();
    const marker = `end-of-window-${Date.now()}-${Math.random()}`;
    await watcher.echo(marker);
    await waitFor('the marker on MONITOR', () => seen.some((entry) => entry.args[1] === marker));
    return seen.filter((entry) => entry.args[1] !== marker);
  } finally {
    monitor.disconnect();
    watcher.disconnect();
  }
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
