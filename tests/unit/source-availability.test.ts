import assert from '../kit/assert.js';
import { describe, it } from '@jest/globals';
import { SourceAvailability } from '../../gateway/source-availability.js';

describe('the sources\' availability the dashboard charts', () => {
  it('counts fetches and probes per 5-minute slot, a source that did not answer as unavailable, errors it answered as available', () => {
    let now = Date.parse('2026-12-04T10:00:00Z');
    const a = new SourceAvailability(5, 24, () => now);
    a.fetched('courts', 0.01, []);
    a.fetched('courts', 0.01, [{ code: 'BAD_USER_INPUT', message: 'x' }]);
    a.fetched('courts', 2, [{ code: 'SOURCE_UNAVAILABLE', message: 'no answer' }]);
    a.probed('courts', false);
    now += 5 * 60_000;
    a.probed('courts', true);
    const { sources, slotMinutes } = a.history();
    assert.equal(slotMinutes, 5);
    const points = sources[0]!.points;
    assert.equal(points.length, 24 * 12);
    assert.deepEqual(points.slice(-2), [
      { at: '2026-12-04T10:00:00.000Z', ok: 2, failed: 2, availability: 0.5 },
      { at: '2026-12-04T10:05:00.000Z', ok: 1, failed: 0, availability: 1 },
    ]);
    assert.equal(points[0]!.availability, null, 'a slot without traffic has no figure, not 0 %');
  });

  it('keeps one day: what happened more than 24 hours ago is dropped', () => {
    let now = Date.parse('2026-12-04T10:00:00Z');
    const a = new SourceAvailability(5, 24, () => now);
    a.probed('tax', false);
    now += 24 * 3_600_000;
    a.probed('tax', true);
    const points = a.history().sources[0]!.points;
    assert.equal(points.reduce((n, p) => n + p.failed, 0), 0);
    assert.equal(points.at(-1)!.ok, 1);
  });
});
