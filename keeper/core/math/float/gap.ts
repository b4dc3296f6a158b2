/** The mark–oracle gap, the one definition every layer reports and decides on (no Solidity counterpart). */

/** Signed `(mark − oracle) / oracle` in bps (positive: mark above the oracle); 0 without a positive oracle. */
export function gapBps(mark: number, oracle: number): number {
  return oracle > 0 ? (mark / oracle - 1) * 1e4 : 0;
}
