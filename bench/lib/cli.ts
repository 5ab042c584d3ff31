/** Command-line options of `npm run bench`. */

export interface BenchOptions {
  /** Scenario ids to run (e.g. `P3`); empty means all. */
  ids: string[];
  /** Reduced loads and durations (whole run under 3 minutes). */
  quick: boolean;
  /** Tiny loads for the harness smoke test (implies quick). */
  tiny: boolean;
  /** A/B repetitions per figure. */
  reps: number;
  /** Where the JSON results go; null for the default under bench/results/. */
  out: string | null;
  /** Raise the run's scheduling priority (nice −10, inherited by relays, load generator, Chromium; needs root). */
  priority: boolean;
}

const USAGE = `usage: npm run bench -- [--quick] [--tiny] [--reps N] [--out FILE] [--priority] [P1 … P8]
  (no ids) run every scenario      --quick  reduced set, under 3 minutes
  --tiny   tiny loads (smoke test)  --reps N  A/B repetitions (default 5, quick 3)
  --priority  run at nice -10 (root) so other work on a shared machine disturbs the figures less`;

/** Parses argv (without node and script); throws an Error with usage text on bad input. */
export function parseArgs(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { ids: [], quick: false, tiny: false, reps: 5, out: null, priority: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') options.quick = true;
    else if (arg === '--tiny') options.tiny = options.quick = true;
    else if (arg === '--priority') options.priority = true;
    else if (arg === '--reps' || arg === '--out') {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      if (arg === '--out') options.out = value;
      else {
        const reps = Number(value);
        if (!Number.isInteger(reps) || reps < 1 || reps > 50) throw new Error(`--reps must be 1..50\n${USAGE}`);
        options.reps = reps;
      }
    } else if (/^p\d+$/i.test(arg)) options.ids.push(arg.toUpperCase());
    else if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    else throw new Error(`unknown argument: ${arg}\n${USAGE}`);
  }
  // Quick runs are a smoke check of every figure, not the report: fewer repetitions.
  if (options.quick && !argv.includes('--reps')) options.reps = 3;
  return options;
}
