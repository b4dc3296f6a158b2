/**
 * contracts/libraries/MulDivFast.sol: `floor(a·b/d)` and `ceil(a·b/d)`, exact (bigint has no 256-bit
 * overflow; operands within SPEC §8's widths never reach it on-chain either).
 */
export function mulDivDown(a: bigint, b: bigint, d: bigint): bigint {
  return (a * b) / d;
}

export function mulDivUp(a: bigint, b: bigint, d: bigint): bigint {
  const p = a * b;
  const r = p / d;
  return p % d > 0n ? r + 1n : r;
}
