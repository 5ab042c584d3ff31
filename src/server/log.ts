/** A minimal leveled logger; `quiet` silences everything (tests, embedding). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Logs to stderr/stdout with a `[market-pulse]` prefix, or nowhere when quiet. */
export function createLogger(quiet = false): Logger {
  if (quiet) return { info() {}, warn() {}, error() {} };
  return {
    info: (message) => console.log(`[market-pulse] ${message}`),
    warn: (message) => console.warn(`[market-pulse] WARNING: ${message}`),
    error: (message, error) => console.error(`[market-pulse] ERROR: ${message}`, error ?? ''),
  };
}
