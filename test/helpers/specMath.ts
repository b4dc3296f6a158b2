/**
 * Exact bigint mirror of SPEC §2–§3, §5 (curve, fees, PnL, funding) for the contract tests.
 * Every rounding is the one SPEC names (mulDiv floor / ceil), so tests compare to the wei.
 */
export const WAD = 10n ** 18n;
export const BPS = 10_000n;

export const ceilDiv = (a: bigint, b: bigint): bigint => (a === 0n ? 0n : (a - 1n) / b + 1n);
export const mulDivDown = (a: bigint, b: bigint, c: bigint): bigint => (a * b) / c;
export const mulDivUp = (a: bigint, b: bigint, c: bigint): bigint => ceilDiv(a * b, c);
export const bpsUp = (a: bigint, bps: bigint): bigint => mulDivUp(a, bps, BPS);
export const bpsDown = (a: bigint, bps: bigint): bigint => mulDivDown(a, bps, BPS);
export const abs = (v: bigint): bigint => (v < 0n ? -v : v);
/** `k·WAD/v` rounded up, as `mulDiv(sqrtK, sqrtK, v, Ceil)`. */
export const kOverUp = (sqrtK: bigint, v: bigint): bigint => mulDivUp(sqrtK, sqrtK, v);
export const markOf = (x: bigint, y: bigint, peg: bigint): bigint => (y * peg) / x;

export interface Curve {
  x: bigint;
  y: bigint;
  sqrtK: bigint;
  peg: bigint;
}

/** Long with quote q: y' = y + floor(q·WAD/P), x' = ceil(k/y'), base = x − x'. */
export function afterLong(c: Curve, q: bigint) {
  const y1 = c.y + (q * WAD) / c.peg;
  const x1 = kOverUp(c.sqrtK, y1);
  return { x1, y1, base: c.x > x1 ? c.x - x1 : 0n };
}
/** Short with quote q: y' = y − ceil(q·WAD/P), x' = ceil(k/y'), base owed = x' − x. */
export function afterShort(c: Curve, q: bigint) {
  const y1 = c.y - ceilDiv(q * WAD, c.peg);
  const x1 = kOverUp(c.sqrtK, y1);
  return { x1, y1, base: x1 > c.x ? x1 - c.x : 0n };
}
/** Close a long of b: x' = x + b, y' = ceil(k/x'), quote out floor((y − y')·P/WAD). */
export function closeLong(c: Curve, b: bigint) {
  const x1 = c.x + b;
  const y1 = kOverUp(c.sqrtK, x1);
  return { x1, y1, quote: y1 < c.y ? ((c.y - y1) * c.peg) / WAD : 0n };
}
/** Close a short of b: x' = x − b, y' = ceil(k/x'), quote in ceil((y' − y)·P/WAD). */
export function closeShort(c: Curve, b: bigint) {
  const x1 = c.x - b;
  const y1 = kOverUp(c.sqrtK, x1);
  return { x1, y1, quote: y1 > c.y ? ceilDiv((y1 - c.y) * c.peg, WAD) : 0n };
}

/** Fee split of SPEC §3: fee = ceil(q·feeBps/1e4), toReserve = floor(fee·share/1e4). */
export function feeSplit(quote: bigint, feeBps = 10n, reserveShareBps = 5000n) {
  const fee = bpsUp(quote, feeBps);
  const toReserve = bpsDown(fee, reserveShareBps);
  return { fee, toReserve, toBudget: fee - toReserve };
}

/** Per-position funding of SPEC §5 (> 0 the trader pays). */
export function positionFunding(size: bigint, cumNow: bigint, snapshot: bigint): bigint {
  const delta = cumNow - snapshot;
  if (delta === 0n || size === 0n) return 0n;
  const owes = size > 0n === delta > 0n;
  const amount = owes ? mulDivUp(abs(size), abs(delta), WAD) : mulDivDown(abs(size), abs(delta), WAD);
  return owes ? amount : -amount;
}

/** Closed notional on a reduce of b out of s (ceil for longs, floor for shorts). */
export function closedNotional(openNotional: bigint, b: bigint, s: bigint, isLong: boolean): bigint {
  if (b === s) return openNotional;
  return isLong ? mulDivUp(openNotional, b, s) : mulDivDown(openNotional, b, s);
}

/** SPEC §8: a position's margin and open notional are stored on the collateral's 1e-6 grid (1e12 wei). */
export const STORAGE_GRID = 10n ** 12n;
/** SPEC §8: the largest |size| a position slot holds (int96). */
export const MAX_POSITION_SIZE = (1n << 95n) - 1n;

/** Stored margin: rounded down, toward −∞ (the dust stays in the vault). */
export function storedMargin(margin: bigint): bigint {
  const r = margin % STORAGE_GRID; // sign of margin
  if (r === 0n) return margin;
  return r > 0n ? margin - r : margin - r - STORAGE_GRID;
}

/** Stored open notional: rounded against the trader (up for a long, down for a short). */
export function storedNotional(openNotional: bigint, isLong: boolean): bigint {
  const r = openNotional % STORAGE_GRID;
  if (r === 0n) return openNotional;
  return isLong ? openNotional - r + STORAGE_GRID : openNotional - r;
}
