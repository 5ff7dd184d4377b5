import { describe } from '@jest/globals';

/** The marker a skipped suite carries in its title; the skip summary reporter groups skips by it. */
export const SKIP_MARK = '[skipped: ';

/**
 * `describe`, or — when `skip` gives a reason — `describe.skip` with the reason in the title, so
 * the run's summary counts the suite's tests as skipped and says why (tests/kit/jest/skip-summary-reporter.js).
 */
export function suite(title: string, skip: string | false, body: () => void): void {
  if (skip) describe.skip(`${title} ${SKIP_MARK}${skip}]`, body);
  else describe(title, body);
}
