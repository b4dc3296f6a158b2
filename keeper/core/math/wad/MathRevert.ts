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
