/**
 * Random market states for the math tests, within the market's storage widths (SPEC §8): reserves
 * < 2^112, peg and sqrtK < 2^96, |d| < 2^96.
 */
import fc from "fast-check";

export interface WadState {
  readonly x: bigint;
  readonly y: bigint;
  readonly sqrtK: bigint;
  readonly peg: bigint;
  readonly d: bigint;
  readonly newPeg: bigint;
  readonly newSqrtK: bigint;
  /** Quote of a trade. */
  readonly q: bigint;
  /** Base of a close. */
  readonly b: bigint;
}

const U96 = (1n << 96n) - 1n;
const U112 = (1n << 112n) - 1n;
const clamp = (v: bigint, lo: bigint, hi: bigint): bigint => (v < lo ? lo : v > hi ? hi : v);
const scale = (v: bigint, ppm: number): bigint => (v * BigInt(ppm)) / 1_000_000n;

/**
 * A market as it trades: x·y ≈ k with x within 1000× of sqrtK, a net position and trades of up to
 * a few times the depth (so the refusals are reached), hooks of up to ±10 % on peg and sqrtK.
 */
export function curveState(): fc.Arbitrary<WadState> {
  return fc
    .record({
      sqrtK: fc.bigInt({ min: 10n ** 15n, max: U96 >> 4n }),
      xPpm: fc.integer({ min: 1_000, max: 1_000_000_000 }),
      yJitterPpm: fc.integer({ min: 999_000, max: 1_001_000 }),
      peg: fc.bigInt({ min: 10n ** 12n, max: U96 >> 4n }),
      dPpm: fc.integer({ min: -1_200_000, max: 3_000_000 }),
      pegPpm: fc.integer({ min: 900_000, max: 1_100_000 }),
      kPpm: fc.integer({ min: 900_000, max: 1_100_000 }),
      qPpm: fc.integer({ min: 0, max: 3_000_000 }),
      bPpm: fc.integer({ min: 0, max: 1_500_000 }),
    })
    .map((r) => {
      const x = clamp(scale(r.sqrtK, r.xPpm), 1n, U112);
      const y = clamp(scale((r.sqrtK * r.sqrtK) / x, r.yJitterPpm), 1n, U112);
      const d = clamp(scale(x, r.dPpm), -U96, U96);
      return {
        x,
        y,
        sqrtK: r.sqrtK,
        peg: r.peg,
        d,
        newPeg: clamp(scale(r.peg, r.pegPpm), 1n, U96),
        newSqrtK: clamp(scale(r.sqrtK, r.kPpm), 1n, U96),
        q: scale((y * r.peg) / 10n ** 18n, r.qPpm),
        b: scale(x, r.bPpm),
      };
    });
}

/** Any values within the widths, tiny ones included (a tiny terminal base overflows the cost's product). */
export function hugeState(): fc.Arbitrary<WadState> {
  const u = (max: bigint) => fc.oneof(fc.bigInt({ min: 1n, max: 1n << 20n }), fc.bigInt({ min: 1n, max }));
  return fc
    .record({ x: u(U112), y: u(U112), sqrtK: u(U96), peg: u(U96), d: fc.bigInt({ min: -U96, max: U96 }), newPeg: u(U96), newSqrtK: u(U96), q: u(U96), b: u(U112) })
    .map((r) => r);
}
