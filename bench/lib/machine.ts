/** The machine a run happened on, for the results file and BENCHMARKS.md. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { chromePath } from './chrome.js';

export interface MachineInfo {
  date: string;
  cores: number;
  cpu: string;
  memoryGb: number;
  node: string;
  chromium: string | null;
  loadAverage: number[];
}

export async function machineInfo(): Promise<MachineInfo> {
  const chrome = await chromePath();
  let chromium: string | null = null;
  if (chrome) {
    try {
      chromium = execFileSync(chrome, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
    } catch {
      chromium = null;
    }
  }
  return {
    date: new Date().toISOString(),
    cores: os.availableParallelism?.() ?? os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    chromium,
    loadAverage: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}
