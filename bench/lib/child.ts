/**
 * Benchmark child processes (relays under test, load generators): forked with IPC, driven by
 * request/response messages, and observed from outside through /proc (CPU and RSS do not depend
 * on the child's event loop answering, which matters when it is saturated).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Reply {
  replyTo: number;
  result?: unknown;
  error?: string;
}

/** CPU time (ms) and resident memory (bytes) of a process, from /proc when available. */
export interface ProcessSample {
  at: number;
  cpuMs: number;
  rssBytes: number;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Reads CPU time and RSS of `pid` from /proc; null off Linux or when the process is gone. */
export function readProcess(pid: number): ProcessSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return { at: performance.now(), cpuMs, rssBytes: rssKb * 1024 };
  } catch {
    return null;
  }
}

/** CPU use between two samples, in % of one core. */
export function cpuPercent(from: ProcessSample | null, to: ProcessSample | null): number {
  if (!from || !to || to.at <= from.at) return Number.NaN;
  return ((to.cpuMs - from.cpuMs) / (to.at - from.at)) * 100;
}

/** A forked benchmark process answering `call(command, args)`. */
export class BenchChild {
  readonly process: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited = false;

  /**
   * Forks `bench/procs/<script>` under tsx with `--expose-gc` (RSS figures are taken after a GC),
   * plus the Node flags in `BENCH_EXEC_ARGV` (an experiment knob, e.g. `--cpu-prof`).
   */
  constructor(script: string, env: Record<string, string> = {}) {
    const path = fileURLToPath(new URL(`../procs/${script}`, import.meta.url));
    const extraFlags = (env.BENCH_EXEC_ARGV ?? process.env.BENCH_EXEC_ARGV ?? '').split(' ').filter(Boolean);
    this.process = fork(path, [], {
      execArgv: ['--import', 'tsx', '--expose-gc', '--max-old-space-size=4096', ...extraFlags],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.process.on('message', (message: Reply) => {
      const waiter = this.pending.get(message.replyTo);
      if (!waiter) return;
      this.pending.delete(message.replyTo);
      if (message.error !== undefined) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result);
    });
    this.process.on('exit', (code, signal) => {
      this.exited = true;
      for (const waiter of this.pending.values()) waiter.reject(new Error(`${script} exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  /** Sends a command and waits for its answer (bounded by `timeoutMs`). */
  call<T = unknown>(command: string, args: Record<string, unknown> = {}, timeoutMs = 120_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error('child process has exited'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${command} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v as T)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.process.send({ id, command, args });
    });
  }

  sample(): ProcessSample | null {
    return readProcess(this.pid);
  }

  /** Asks the child to exit, then kills it if it lingers. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.call('exit', {}, 5000).catch(() => undefined);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
}

type Handler = (args: Record<string, unknown>) => unknown;

/** Inside a child: answers the parent's commands with `handlers` (plus `exit`). */
export function serveCommands(handlers: Record<string, Handler>): void {
  process.on('message', async (message: { id: number; command: string; args: Record<string, unknown> }) => {
    if (message.command === 'exit') {
      process.send?.({ replyTo: message.id, result: null });
      setTimeout(() => process.exit(0), 20);
      return;
    }
    const handler = handlers[message.command];
    try {
      if (!handler) throw new Error(`unknown command ${message.command}`);
      const result = await handler(message.args ?? {});
      process.send?.({ replyTo: message.id, result: result ?? null });
    } catch (error) {
      process.send?.({ replyTo: message.id, error: String((error as Error)?.stack ?? error) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}
