/**
 * contracts/libraries/HookGuards.sol's window, for both number types: the rolling pair of tumbling
 * windows behind the daily cost cap, the k-decrease cap (day windows) and the move cap (windows of
 * `hookWindowSeconds`), SPEC §6. It only selects stored values, never adds them, so one definition
 * serves the simulator (float64) and the keeper (bigint WAD).
 */

/** Seconds in the day windows of the cost and k-decrease caps. */
export const DAY_SECONDS = 86_400;

/** `HookGuards.Window`: the index a call sees, the previous and current sums after the roll, and whether it rolled. */
export interface Window<V> {
  readonly index: number;
  readonly prev: V;
  readonly cur: V;
  /** A new window opened: the daily cap's base becomes the budget at this call. */
  readonly rolled: boolean;
}

/** Window index of `timestamp` for windows of `windowSeconds` (`now / W`). */
export function windowIndexAt(timestamp: number, windowSeconds: number): number {
  return Math.floor(timestamp / windowSeconds);
}

/**
 * `HookGuards.rolledWindow`: the window a call at index `idx` sees, given the stored one. On a new
 * index the previous sum is the stored current one when the windows are consecutive, else zero.
 * `zero` is the value type's 0 (`0` or `0n`).
 */
export function rolledWindow<V>(storedIndex: number, storedPrev: V, storedCur: V, idx: number, zero: V): Window<V> {
  if (idx === storedIndex) return { index: idx, prev: storedPrev, cur: storedCur, rolled: false };
  return { index: idx, prev: idx === storedIndex + 1 ? storedCur : zero, cur: zero, rolled: true };
}
