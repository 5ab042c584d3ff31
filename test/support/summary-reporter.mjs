// web-test-runner reporter that writes pass/fail/skip counts to .tmp/wtr-summary.json so that
// scripts/test.mjs can print one closing line for the whole run. A file that fails to load (no
// test results, or session errors) counts as one failed test.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

function countSuite(suite, totals) {
  for (const test of suite.tests ?? []) {
    if (test.skipped) totals.skipped++;
    else if (test.passed) totals.passed++;
    else totals.failed++;
  }
  for (const child of suite.suites ?? []) countSuite(child, totals);
}

export function summaryReporter({ file = process.env.WTR_SUMMARY_FILE ?? '.tmp/wtr-summary.json' } = {}) {
  return {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessions) {
        const before = totals.passed + totals.failed + totals.skipped;
        if (session.testResults) countSuite(session.testResults, totals);
        const counted = totals.passed + totals.failed + totals.skipped - before;
        const broken = (session.errors?.length ?? 0) > 0 || (!session.passed && counted === 0);
        if (broken) totals.failed += 1;
      }
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(totals));
    },
  };
}
