/** Policy training and evaluation draw from the shared mulberry32 (keeper/core/rng.ts), golden-XOR seeded. */
import { createRng as createSeededRng, type Rng } from "../core/rng";

export { deriveSeed, type Rng } from "../core/rng";

export function createRng(seed: number): Rng {
  return createSeededRng(seed, { seeding: "goldenXor" });
}
