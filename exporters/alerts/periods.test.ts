import { describe, expect, it } from 'vitest';
import { daySpan, localMidnight, monthSpan, weekSpan } from './periods.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('budget periods', () => {
  it('cuts days at local midnight, 23 and 25 hours long on daylight-saving days', () => {
    const berlin = 'Europe/Berlin';
    expect(iso(daySpan(Date.parse('2026-06-10T12:00:00Z'), berlin).startMs)).toBe('2026-06-09T22:00:00.000Z');
    const spring = daySpan(Date.parse('2026-03-29T12:00:00Z'), berlin);
    expect((spring.endMs - spring.startMs) / 3_600_000).toBe(23);
    const autumn = daySpan(Date.parse('2026-10-25T12:00:00Z'), berlin);
    expect((autumn.endMs - autumn.startMs) / 3_600_000).toBe(25);
    // Half-hour zones: midnight in Kolkata is 18:30 UTC.
    expect(iso(daySpan(Date.parse('2026-06-10T20:00:00Z'), 'Asia/Kolkata').startMs)).toBe('2026-06-10T18:30:00.000Z');
  });

  it('starts weeks on the configured weekday', () => {
    const wed = Date.parse('2026-06-10T12:00:00Z'); // a Wednesday
    expect(iso(weekSpan(wed, 'UTC', 'monday').startMs)).toBe('2026-06-08T00:00:00.000Z');
    expect(iso(weekSpan(wed, 'UTC', 'sunday').startMs)).toBe('2026-06-07T00:00:00.000Z');
    expect(iso(weekSpan(wed, 'UTC', 'wednesday').startMs)).toBe('2026-06-10T00:00:00.000Z');
    expect(iso(weekSpan(wed, 'UTC', 'thursday').endMs)).toBe('2026-06-11T00:00:00.000Z');
    // Across a month boundary.
    expect(iso(weekSpan(Date.parse('2026-07-01T12:00:00Z'), 'UTC', 'monday').startMs)).toBe('2026-06-29T00:00:00.000Z');
  });

  it('cuts months at the first local midnight, December into January', () => {
    const dec = monthSpan(Date.parse('2026-12-31T23:30:00Z'), 'America/New_York');
    expect(iso(dec.startMs)).toBe('2026-12-01T05:00:00.000Z');
    expect(iso(dec.endMs)).toBe('2027-01-01T05:00:00.000Z');
    expect(iso(localMidnight(2026, 13, 1, 'UTC'))).toBe('2027-01-01T00:00:00.000Z');
  });
});
