// Browser tests in Debian's Chromium (or CHROME_PATH). Run through `npm test`, which loads tsx so
// that the relay plugin below can import the TypeScript server directly.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter } from '@web/test-runner';
import { CHROME_ARGS, findChrome, NO_CHROME_HINT } from './scripts/find-chrome.mjs';
import { summaryReporter } from './test/support/summary-reporter.mjs';
import { relayPlugin } from './test/support/relay-plugin.mjs';
import { frameworkPackagesPlugin } from './test/browser/support/framework-packages-plugin.mjs';
import { svelteComponentsPlugin } from './test/browser/support/svelte-plugin.mjs';

const executablePath = findChrome();
if (!executablePath) {
  console.error(NO_CHROME_HINT);
  process.exit(1);
}

/** GET /__fuzz: FUZZ_RUNS and FUZZ_SEED of the shell, for the property tests that run in the browser. */
function fuzzSettingsPlugin() {
  return {
    name: 'fuzz-settings',
    serve(context) {
      if (context.path !== '/__fuzz') return undefined;
      return { body: JSON.stringify({ runs: process.env.FUZZ_RUNS ?? null, seed: process.env.FUZZ_SEED ?? null }), type: 'json' };
    },
  };
}

export default {
  files: ['test/elements/**/*.test.ts', 'test/browser/**/*.test.ts'],
  // A browser: packages' `browser` export conditions apply (Svelte's client runtime); `development`
  // is what the test runner uses by default.
  nodeResolve: { exportConditions: ['browser', 'development'] },
  concurrency: 1,
  testFramework: { config: { timeout: 10000 } },
  // A FUZZ_RUNS hunt of the browser property tests may take far longer than a normal run.
  testsFinishTimeout: process.env.FUZZ_RUNS ? 3_600_000 : 180000,
  browsers: [chromeLauncher({ launchOptions: { executablePath, args: CHROME_ARGS } })],
  plugins: [esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json', target: 'es2022' }), relayPlugin(), frameworkPackagesPlugin(), svelteComponentsPlugin(), fuzzSettingsPlugin()],
  reporters: [defaultReporter(), summaryReporter()],
};
