/**
 * WAD units and the conversions between on-chain integers and the simulator's float64 (1.0 = one WAD),
 * shared by the keeper, the chain runner, the parity test and the demo (SPEC §0).
 */
export const WAD = 10n ** 18n;
/** Basis points are out of 10_000 (SPEC §0). */
export const BPS = 10_000n;
/** One collateral token (6 decimals). */
export const USDC = 10n ** 6n;
/** 6-decimal token amount → WAD ledger amount. */
export const COLLATERAL_SCALE = 10n ** 12n;

/** WAD bigint (signed) → natural-unit float, exact to float64 precision. */
export function wadToNumber(x: bigint): number {
  if (x < 0n) return -wadToNumber(-x);
  return Number(x / WAD) + Number(x % WAD) / 1e18;
}

/**
 * Natural-unit float → WAD bigint, rounded to the nearest wei of its decimal expansion. Refuses
 * non-finite values so a NaN from a bad formula never becomes an on-chain amount.
 */
export function numberToWad(x: number): bigint {
  if (!Number.isFinite(x)) throw new Error(`toWad: ${x} is not a finite number`);
  if (x === 0) return 0n;
  const a = Math.abs(x);
  const whole = Math.floor(a);
  const v = BigInt(whole) * WAD + BigInt(Math.round((a - whole) * 1e18));
  return x < 0 ? -v : v;
}

/**
 * float64 → WAD bigint, the nearest wei to the float's exact binary value (ties away from zero): a
 * float is m·2^−e with m an integer, found by doubling (exact in float64). The simulator's planner
 * input uses it so the WAD state is the float state to the wei; `numberToWad` (the chain runner's)
 * rounds the decimal expansion instead.
 */
export function floatToWad(v: number): bigint {
  if (!Number.isFinite(v)) throw new Error(`floatToWad: ${v} is not a finite number`);
  let m = Math.abs(v);
  let e = 0n;
  while (!Number.isInteger(m)) {
    m *= 2;
    e++;
  }
  const den = 1n << e;
  const q = (BigInt(m) * WAD + den / 2n) / den;
  return v < 0 ? -q : q;
}

export const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** `ceil(a / b)` for a ≥ 0, b > 0 (Solidity's `(a − 1) / b + 1` idiom, 0 for a = 0). */
export const ceilDiv = (a: bigint, b: bigint): bigint => (a === 0n ? 0n : (a - 1n) / b + 1n);
