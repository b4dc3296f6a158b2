/**
 * A small seeded RNG (mulberry32) so synthetic datasets, shuffles and weight initialisation are
 * reproducible run to run; Math.random is never used by the supervised code.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** A 31-bit integer, e.g. to seed TF.js initialisers. */
  int31(): number;
}

export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new Error(`RNG seed must be an integer, got ${seed}`);
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    normal: () => {
      // 1 - next() is in (0, 1], so the log is finite.
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    int31: () => Math.floor(next() * 0x7fffffff),
  };
}

/** Fisher–Yates shuffle of indices 0..n-1 with the given RNG. */
export function shuffledIndices(n: number, rng: Rng): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx;
}
