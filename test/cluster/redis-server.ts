/**
 * A throwaway redis-server for cluster tests: a free port on 127.0.0.1, no persistence, stopped
 * after the run. It can be stopped and started again on the same port to simulate an outage (it
 * comes back empty, like a Redis without persistence after a crash).
 */
import { after, before } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** Path of the redis-server binary, or null when it is not installed. */
export function findRedisServer(): string | null {
  const candidates = [process.env.REDIS_SERVER, '/usr/bin/redis-server', '/usr/local/bin/redis-server',
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'redis-server'))];
  return candidates.find((path): path is string => typeof path === 'string' && path !== '' && existsSync(path)) ?? null;
}

/** Why cluster tests are skipped, or undefined when they can run. */
export const SKIP_REASON = findRedisServer()
  ? undefined
  : 'redis-server is not installed (apt-get install -y redis-server; .ci/run installs it)';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A running (or stopped) test Redis. */
export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function launch(binary: string, port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let output = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within 15 s:\n${output}`)), 15_000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      running.delete(child);
      fail(new Error(`redis-server exited (${code}) before it was ready:\n${output}`));
    });
  });
}

/** Starts a redis-server on a free port (retrying when another process grabs the port first). */
export async function startRedis(): Promise<TestRedis> {
  const binary = findRedisServer();
  if (!binary) throw new Error(SKIP_REASON);
  let child: ChildProcess | null = null;
  let port = 0;
  for (let attempt = 1; child === null; attempt++) {
    port = await freePort();
    child = await launch(binary, port).catch((error: Error) => {
      if (attempt >= 5) throw error;
      return null;
    });
  }
  let current: ChildProcess | null = child;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      const stopping = current;
      current = null;
      if (!stopping || stopping.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => stopping.once('exit', () => resolve()));
      stopping.kill('SIGTERM');
      const timer = setTimeout(() => stopping.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    async start() {
      if (current) return;
      current = await launch(binary, port);
    },
  };
}

/**
 * For use inside a `describe`: starts a redis-server before its tests, and after them closes every
 * backend pushed to `open`, then stops the server. `redis` delegates to the running server.
 */
export function useRedisServer(): { redis: TestRedis; open: Array<{ close(): Promise<void> }> } {
  let server: TestRedis | undefined;
  const open: Array<{ close(): Promise<void> }> = [];
  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    await Promise.all(open.splice(0).map((backend) => backend.close()));
    await server?.stop();
  });
  const redis: TestRedis = {
    get port() {
      return server!.port;
    },
    get url() {
      return server!.url;
    },
    stop: () => server!.stop(),
    start: () => server!.start(),
  };
  return { redis, open };
}
