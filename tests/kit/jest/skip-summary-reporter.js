// A jest reporter that ends the run with every skipped test counted and grouped by the reason its
// suite gave (tests/kit/suite.ts puts the reason in the suite's title). Plain JavaScript: jest
// loads reporters without transforming them.

const MARK = /\[skipped: (.*)\]$/;

export default class SkipSummaryReporter {
  onRunComplete(_contexts, results) {
    const reasons = new Map();
    let unexplained = 0;
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status !== 'pending' && test.status !== 'skipped' && test.status !== 'todo') continue;
        const marked = test.ancestorTitles.map((t) => MARK.exec(t)?.[1]).find(Boolean);
        if (marked) reasons.set(marked, (reasons.get(marked) ?? 0) + 1);
        else unexplained += 1;
      }
    }
    const skipped = [...reasons.values()].reduce((a, b) => a + b, 0) + unexplained;
    const lines = [`Skipped: ${skipped} test${skipped === 1 ? '' : 's'}`];
    for (const [reason, count] of reasons) lines.push(`  ${count} — ${reason}`);
    if (unexplained) lines.push(`  ${unexplained} — skipped without a stated reason`);
    process.stderr.write(`\n${lines.join('\n')}\n`);
  }
}
