/**
 * Synthetic datasets, shuffles and weight initialisation draw from the shared mulberry32
 * (keeper/core/rng.ts), seeded directly, so they are reproducible run to run; Math.random is
 * never used by the supervised code.
 */
import { createRng as createSeededRng, type Rng } from "../core/rng";

export type { Rng } from "../core/rng";

export function createRng(seed: number): Rng {
  return createSeededRng(seed, { seeding: "direct" });
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
