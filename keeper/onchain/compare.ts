/**
 * Tolerance rule of the chain ↔ simulator parity checks: |a − b| ≤ max(rel·max(|a|, |b|), abs).
 * `abs` is the floor for values near zero (a difference of two large numbers, an index that
 * started at 0), stated by each caller.
 */
import type { MarketView } from "./chainState";

export interface Tolerance {
  readonly rel: number;
  readonly abs: number;
}

/**
 * 1e-9 relative; absolute floor 1e-6 natural units = one unit of the 6-decimal collateral token.
 * Why a floor: float64 carries ~16 digits, and a base amount or PnL the simulator derives as a
 * difference of reserves (~1e5) carries ~1e-11 of absolute error (~1e-9 in quote at price 100);
 * such values (a small realised PnL, a k-update cost of a few cents, a funding index near 0) sit
 * near zero relative to the reserves they come from. Nothing below one token unit can move.
 */
export const PARITY_TOLERANCE: Tolerance = { rel: 1e-9, abs: 1e-6 };

/**
 * For values the contracts store on the collateral's 1e-6 grid (a position's margin and open
 * notional, and the free collateral their releases feed): one grid step (plus half a step for the
 * float error), never two.
 * The simulator applies the same rounding, but its inputs carry ~1e-9 quote of float error (see
 * above); when the exact value lies that close to a grid line, float64 cannot tell which side it
 * is on, and the stored values then differ by exactly one step (measured: the demo's static run,
 * 1.87e-6 vs 2.92e-6 free after withdrawals).
 */
export const GRID_PARITY_TOLERANCE: Tolerance = { rel: 1e-9, abs: 1.5e-6 };

export function within(a: number, b: number, t: Tolerance = PARITY_TOLERANCE): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= Math.max(t.rel * Math.max(Math.abs(a), Math.abs(b)), t.abs);
}

export interface Mismatch {
  readonly what: string;
  readonly chain: number;
  readonly sim: number;
}

/** Every field of two views that disagrees beyond the tolerance (empty = parity). */
export function compareViews(
  chain: MarketView,
  sim: MarketView,
  t: Tolerance = PARITY_TOLERANCE,
  grid: Tolerance = GRID_PARITY_TOLERANCE,
): Mismatch[] {
  const out: Mismatch[] = [];
  const check = (what: string, a: number, b: number, tol: Tolerance = t): void => {
    if (!within(a, b, tol)) out.push({ what, chain: a, sim: b });
  };
  for (const [k, v] of Object.entries(chain.ledger)) check(k, v, (sim.ledger as unknown as Record<string, number>)[k]);
  const keys = new Set([...chain.positions.keys(), ...sim.positions.keys()]);
  for (const a of keys) {
    const c = chain.positions.get(a) ?? { size: 0, margin: 0, openNotional: 0 };
    const s = sim.positions.get(a) ?? { size: 0, margin: 0, openNotional: 0 };
    check(`${a}.size`, c.size, s.size);
    check(`${a}.margin`, c.margin, s.margin, grid);
    check(`${a}.openNotional`, c.openNotional, s.openNotional, grid);
  }
  for (const [a, f] of chain.free) check(`${a}.free`, f, sim.free.get(a) ?? 0, grid);
  return out;
}

/**
 * Outcome values derived from a grid-stored field, so they carry its one-step ambiguity: a trade's
 * new margin is the stored margin, and its realised PnL is the closing quote minus the closed share
 * of the stored open notional (measured: the demo's keeper run, 737.0008308 vs 737.0008318).
 */
export const GRID_DERIVED_VALUES: ReadonlySet<string> = new Set(["newMargin", "realisedPnl"]);

/** Values two outcomes report (events vs simulator returns) that disagree. */
export function compareValues(
  chain: Readonly<Record<string, number>>,
  sim: Readonly<Record<string, number>>,
  t: Tolerance = PARITY_TOLERANCE,
  grid: Tolerance = GRID_PARITY_TOLERANCE,
): Mismatch[] {
  const out: Mismatch[] = [];
  for (const k of new Set([...Object.keys(chain), ...Object.keys(sim)])) {
    const c = chain[k];
    const s = sim[k];
    // A value only one side reports (e.g. bad debt) is a mismatch in itself.
    if (c === undefined || s === undefined || !within(c, s, GRID_DERIVED_VALUES.has(k) ? grid : t)) out.push({ what: k, chain: c ?? Number.NaN, sim: s ?? Number.NaN });
  }
  return out;
}
