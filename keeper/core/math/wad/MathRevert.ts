/** Solidity's panic code for checked-arithmetic overflow (`Panic(0x11)`), thrown as `MathRevert("Panic", [0x11n])`. */
export const PANIC_OVERFLOW = 0x11n;

/**
 * A library revert in the WAD mirror: the contract's custom-error name and its arguments, so a caller
 * (or a differential test) can compare the refusal with the chain's `revertedWithCustomError(…).withArgs(…)`.
 */
export class MathRevert extends Error {
  constructor(
    readonly errorName: string,
    readonly args: readonly bigint[],
  ) {
    super(`${errorName}(${args.join(", ")})`);
    this.name = "MathRevert";
  }
}
