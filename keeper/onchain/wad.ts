/**
 * The chain runner's units: the WAD conversions are keeper/core/math/wad/units.ts (re-exported under
 * the runner's names); what is specific to the runner (the mock feed's decimals, token amounts,
 * deadlines) stays here.
 */
export { WAD, USDC, COLLATERAL_SCALE, wadToNumber as fromWad, numberToWad as toWad } from "../core/math/wad/units";

/** Decimals of the mock Chainlink feed the runner deploys. */
export const ORACLE_DECIMALS = 8;
/** A deadline far in the future for trades. */
export const NO_DEADLINE = 2n ** 64n;

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
