import { envInt } from '../../kit/env.js';

let days: number | undefined;

/**
 * Days an approval system has to report what it did with the measures of a check
 * (FEEDBACK_DUE_DAYS, default 7): a measure without feedback after that counts as overdue in
 * the tracking statistics. Read once.
 */
export function feedbackDueDays(): number {
  return (days ??= envInt('FEEDBACK_DUE_DAYS', 7, { min: 1, max: 365 }));
}
