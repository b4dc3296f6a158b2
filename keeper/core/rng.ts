/**
 * The one seeded PRNG (mulberry32) shared by policy training/evaluation and the supervised
 * pipeline: runs must replay exactly from a seed, and Math.random cannot be seeded. (The market
 * simulator uses its own sfc32 generator, keeper/sim/rng.ts.)
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** A 31-bit integer, e.g. to seed TF.js initialisers. */
  int31(): number;
}

/**
 * How a seed becomes the 32-bit starting state. The two schemes exist because saved runs of each
 * caller must keep replaying the same numbers:
 * - "goldenXor": any finite seed, floor(seed) XOR 0x9e3779b9 (policy training and evaluation);
 * - "direct": an integer seed used as is, seed >>> 0 (supervised datasets and training).
 */
export type RngSeeding = "goldenXor" | "direct";

export interface RngOptions {
  seeding: RngSeeding;
}

function initialState(seed: number, seeding: RngSeeding): number {
  if (seeding === "goldenXor") {
    if (!Number.isFinite(seed)) throw new Error(`rng seed must be a finite number, got ${seed}`);
    return (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  }
  if (!Number.isInteger(seed)) throw new Error(`RNG seed must be an integer, got ${seed}`);
  return seed >>> 0;
}

export function createRng(seed: number, options: RngOptions): Rng {
  let state = initialState(seed, options.seeding);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`rng.int needs a positive integer, got ${n}`);
      return Math.floor(next() * n);
    },
    normal: () => {
      // 1 - next() is in (0, 1], so the log is finite.
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    int31: () => Math.floor(next() * 0x7fffffff),
  };
}

/** Derives an independent seed for a sub-stream (e.g. episode i of a run seeded s). */
export function deriveSeed(seed: number, stream: number): number {
  let h = (Math.imul(seed | 0, 0x85ebca6b) ^ Math.imul(stream | 0, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
