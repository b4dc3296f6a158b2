/** contracts/libraries/BpsMath.sol: basis-point fractions with an explicit rounding direction. */
import { mulDivDown, mulDivUp } from "./MulDivFast";
import { BPS } from "./units";

/** `ceil(amount · bps / 1e4)`: what is charged (fees, margin requirements). */
export function mulBpsUp(amount: bigint, bps: bigint): bigint {
  return mulDivUp(amount, bps, BPS);
}

/** `floor(amount · bps / 1e4)`: what may be paid out or spent (reserve split, caps). */
export function mulBpsDown(amount: bigint, bps: bigint): bigint {
  return mulDivDown(amount, bps, BPS);
}
