/** Small helpers shared by the cluster tests. */
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
