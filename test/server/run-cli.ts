// Runs the `market-pulse` command from src/ (through tsx), so CLI tests exercise the code under test
// even when a stale dist/server build exists (bin/market-pulse.js prefers dist/ when present).
import { main } from '../../src/server/cli.js';

const code = await main(process.argv.slice(2));
if (typeof code === 'number') process.exit(code);
