/** "Did you mean …?" for a mistyped key, id or variable. */
import { closest, distance } from 'fastest-levenshtein';

export function nearest(word: string, candidates: readonly string[]): string | null {
  if (candidates.length === 0) return null;
  // A word cut short or run long (session_timeout → session_timeout_minutes) is the likeliest slip.
  const lower = word.toLowerCase();
  const stem = candidates.find((c) => c.toLowerCase().startsWith(lower) || lower.startsWith(c.toLowerCase()));
  if (stem && Math.min(stem.length, word.length) >= 3) return stem;
  const best = closest(word, candidates);
  // A suggestion further than a third of the word away is noise, not help.
  return distance(word.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.ceil(word.length / 3)) ? best : null;
}

export function didYouMean(word: string, candidates: readonly string[]): string {
  const hit = nearest(word, candidates);
  return hit ? `; did you mean ${hit}?` : '';
}
