/**
 * Comparing this build with another checkout's, run by run: the same benchmark client drives each
 * build's own server (or process) in turn, in an A-B-B-A order so that a machine that slowly gets
 * busier or quieter shifts both sides alike. On a shared 2-core machine identical runs differ by
 * ±10 %, so a ratio is only worth its spread: every round's ratio is kept, and the median reported.
 */
import { median, round } from './stats.js';

export type Side = 'this' | 'against';

/** Which side runs first in each round: this build first in odd rounds, the other in even ones. */
export function roundOrder(round: number): [Side, Side] {
  return round % 2 === 1 ? ['this', 'against'] : ['against', 'this'];
}

export interface RoundResult<T> {
  round: number;
  this: T;
  against: T;
  /** This build's figure over the other's (higher is better for this build). */
  ratio: number;
}

/**
 * Runs `rounds` rounds of both sides in A-B-B-A order and pairs them up.
 * @param figure the number compared (events per second, or 1 / seconds for a duration)
 */
export async function alternate<T>(
  rounds: number,
  run: (side: Side, round: number) => Promise<T>,
  figure: (result: T) => number,
  onRound?: (result: RoundResult<T>) => void,
): Promise<Array<RoundResult<T>>> {
  const results: Array<RoundResult<T>> = [];
  for (let r = 1; r <= rounds; r++) {
    const done: Partial<Record<Side, T>> = {};
    for (const side of roundOrder(r)) done[side] = await run(side, r);
    const pair = { round: r, this: done.this!, against: done.against!, ratio: round(figure(done.this!) / figure(done.against!), 3) };
    results.push(pair);
    onRound?.(pair);
  }
  return results;
}

/** The ratios' median and range, as printed and as put in --json output. */
export function ratioSummary(results: Array<RoundResult<unknown>>): { median: number; min: number; max: number } {
  const ratios = results.map((r) => r.ratio);
  return { median: round(median(ratios), 3), min: Math.min(...ratios), max: Math.max(...ratios) };
}
