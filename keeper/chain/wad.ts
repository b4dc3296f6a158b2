/**
 * WAD ↔ natural-unit conversions shared by the chain runner, the parity test and the demo.
 * On-chain amounts are exact integers; the simulator works in float64 with 1.0 = one WAD.
 */
import { wadToNumber } from "../service/observation";

export const WAD = 10n ** 18n;
/** One collateral token (6 decimals). */
export const USDC = 10n ** 6n;
/** 6-decimal token amount → WAD ledger amount. */
export const COLLATERAL_SCALE = 10n ** 12n;
/** Decimals of the mock Chainlink feed the runner deploys. */
export const ORACLE_DECIMALS = 8;
/** A deadline far in the future for trades. */
export const NO_DEADLINE = 2n ** 64n;

/** WAD bigint (signed) → float64 natural units. */
export function fromWad(x: bigint): number {
  return x < 0n ? -wadToNumber(-x) : wadToNumber(x);
}

/**
 * Natural-unit float → WAD bigint, rounded to the nearest wei of its decimal expansion. Refuses
 * non-finite values so a NaN from a bad formula never becomes an on-chain amount.
 */
export function toWad(x: number): bigint {
  if (!Number.isFinite(x)) throw new Error(`toWad: ${x} is not a finite number`);
  if (x === 0) return 0n;
  const neg = x < 0;
  const a = Math.abs(x);
  const whole = Math.floor(a);
  const frac = a - whole;
  const v = BigInt(whole) * WAD + BigInt(Math.round(frac * 1e18));
  return neg ? -v : v;
}

/** Natural units → 6-decimal token amount (floor). */
export function toToken6(x: number): bigint {
  if (!Number.isFinite(x) || x < 0) throw new Error(`toToken6: ${x} must be a finite amount ≥ 0`);
  return BigInt(Math.floor(x * 1e6));
}

/** Price → answer in the mock feed's 8 decimals (nearest). */
export function toOracleAnswer(price: number): bigint {
  if (!(price > 0) || !Number.isFinite(price)) throw new Error(`toOracleAnswer: price ${price} must be finite and > 0`);
  return BigInt(Math.round(price * 1e8));
}

/** Answer in 8 decimals → natural-unit price. */
export function fromOracleAnswer(answer: bigint): number {
  return Number(answer) / 10 ** ORACLE_DECIMALS;
}
