/** What a benchmark scenario is, and the helpers every scenario shares. */
import type { BenchOptions } from './cli.js';
import type { Figure } from './figure.js';

export interface ScenarioContext {
  options: BenchOptions;
  /** A note line (`# …`) on stdout: progress, load-generator CPU, flags. */
  note(message: string): void;
}

export interface Scenario {
  /** `P1` … `P8`. */
  id: string;
  title: string;
  /** Measures and returns this scenario's figures (skipped ones say why). */
  run(context: ScenarioContext): Promise<Figure[]>;
}

/**
 * Runs each arm `reps` times, alternating and rotating the order every repetition (A B C, B C A,
 * …) so slow drifts of a noisy machine hit every arm alike. Returns the samples per arm.
 */
export async function alternate<T>(reps: number, arms: Record<string, () => Promise<T>>): Promise<Record<string, T[]>> {
  const names = Object.keys(arms);
  const samples: Record<string, T[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let rep = 0; rep < reps; rep++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(rep + k) % names.length]!;
      samples[name]!.push(await arms[name]!());
    }
  }
  return samples;
}

/** Load-generator CPU above this (% of one core) means it may have been the bottleneck. */
export const LOADGEN_CPU_FLAG = 80;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
