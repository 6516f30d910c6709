/** The one check every range-taking route shares: `until` must come after `since`. */

/** The message naming the bad field, or null when the range is usable. */
export function rangeError(q: { since?: string; until?: string }): string | null {
  if (q.since === undefined || q.until === undefined) return null;
  return Date.parse(q.until) > Date.parse(q.since) ? null : 'querystring/until: must be later than since';
}
