/**
 * A position's storage slot (SPEC §8), mirrored in float64: the margin and the open notional live on
 * the collateral's 1e-6 quote grid — margin rounded down (toward −∞), open notional rounded against
 * the trader (up for a long, down for a short) — and |size| is bounded by int96.
 */
import type { Position } from "./coreTypes";
import { SimRevert } from "./errors";

/** Grid points per natural unit (1e-6 quote = one unit of the 6-decimal collateral). */
const GRID = 1e6;
/**
 * A value within this relative distance (≈ 4 ulp) of a grid point is taken as on it: float64 noise,
 * not a rounding the contract makes. Without it a value already on the grid (a stored margin read
 * back, or 1990 WAD) could round one step down in the mirror; wider, it would swallow real
 * sub-micro remainders that the contract rounds (a long's notional 1 wei above the grid goes up).
 */
const ON_GRID_REL = 1e-15;

/** `(2^95 − 1) / 1e18`: the largest |size| a position slot holds (`CH_PositionTooLarge`). */
export const MAX_POSITION_SIZE = Number((1n << 95n) - 1n) / 1e18;

function toGrid(v: number, round: (u: number) => number): number {
  const u = v * GRID;
  const nearest = Math.round(u);
  if (Math.abs(u - nearest) <= ON_GRID_REL * Math.abs(u)) return nearest / GRID;
  return round(u) / GRID;
}

/** Largest grid value ≤ v (the margin's rounding: the dust stays in the vault). */
export const floorToGrid = (v: number): number => toGrid(v, Math.floor);

/** Smallest grid value ≥ v (a long's open notional: its cost basis is charged up). */
export const ceilToGrid = (v: number): number => toGrid(v, Math.ceil);

/** As ClearingHouse._roundForStorage: margin down, open notional against the trader. */
export function roundForStorage(p: Position): void {
  p.margin = floorToGrid(p.margin);
  p.openNotional = p.size > 0 ? ceilToGrid(p.openNotional) : floorToGrid(p.openNotional);
}

/** As ClearingHouse._store: rounds, then refuses a size its slot cannot hold. */
export function storePosition(p: Position): void {
  roundForStorage(p);
  if (Math.abs(p.size) > MAX_POSITION_SIZE) throw new SimRevert("CH_PositionTooLarge", p.size, MAX_POSITION_SIZE);
}
