/**
 * The contract tests' view of SPEC's exact rules, to the wei. The curve and cost math is the keeper's
 * WAD module (keeper/core/math/wad, one file per Solidity library, held to the contracts by
 * test/keeper/core/math/wad.differential.test.ts); this file adapts it to curve records and adds what
 * only the tests need: the ClearingHouse's position rules (fees, PnL, funding, storage grid) and SPEC §4's
 * closed forms as exact rationals (an independent oracle for the direct valuation).
 */
import { afterLong as afterLongWad, afterShort as afterShortWad, closeLong as closeLongWad, closeShort as closeShortWad, markPrice } from "../../keeper/core/math/wad/CurveMathWad";
import { kCost, repegCost, scaledReserves, terminalQuote } from "../../keeper/core/math/wad/CostMathWad";
import { mulDivDown, mulDivUp } from "../../keeper/core/math/wad/MulDivFast";
import { mulBpsDown, mulBpsUp } from "../../keeper/core/math/wad/BpsMath";
import { BPS, WAD, abs, ceilDiv } from "../../keeper/core/math/wad/units";

export { BPS, WAD, abs, ceilDiv, mulDivDown, mulDivUp };
export { mulWadUp } from "../../keeper/core/math/wad/CostMathWad";
export const bpsUp = mulBpsUp;
export const bpsDown = mulBpsDown;
export const DAY = 86_400n;

/** `k·WAD/v` rounded up, as `mulDiv(sqrtK, sqrtK, v, Ceil)`. */
export const kOverUp = (sqrtK: bigint, v: bigint): bigint => mulDivUp(sqrtK, sqrtK, v);
export const kOver = kOverUp;
export const markOf = markPrice;

/** The curve's four numbers (SPEC §2). */
export interface Curve {
  readonly x: bigint;
  readonly y: bigint;
  readonly sqrtK: bigint;
  readonly peg: bigint;
}

/** The curve and the net user position `d = longOI − shortOI` (what the hooks' costs depend on). */
export interface CurveState extends Curve {
  readonly d: bigint;
}

export function curveOf(st: { baseReserve: bigint; quoteReserve: bigint; sqrtK: bigint; peg: bigint; longOI: bigint; shortOI: bigint }): CurveState {
  return { x: st.baseReserve, y: st.quoteReserve, sqrtK: st.sqrtK, peg: st.peg, d: st.longOI - st.shortOI };
}

/** Long with quote q (`CurveMathWad.afterLong`); base received = x − x'. */
export function afterLong(c: Curve, q: bigint) {
  const [x1, y1] = afterLongWad(c.y, c.sqrtK, c.peg, q);
  return { x1, y1, base: c.x > x1 ? c.x - x1 : 0n };
}
/** Short with quote q (`CurveMathWad.afterShort`); base owed = x' − x. */
export function afterShort(c: Curve, q: bigint) {
  const [x1, y1] = afterShortWad(c.y, c.sqrtK, c.peg, q);
  return { x1, y1, base: x1 > c.x ? x1 - c.x : 0n };
}
/** Close a long of b (`CurveMathWad.closeLong`): quote out. */
export function closeLong(c: Curve, b: bigint) {
  const [x1, y1, quote] = closeLongWad(c.x, c.y, c.sqrtK, c.peg, b);
  return { x1, y1, quote };
}
/** Close a short of b (`CurveMathWad.closeShort`): quote in. */
export function closeShort(c: Curve, b: bigint) {
  const [x1, y1, quote] = closeShortWad(c.x, c.y, c.sqrtK, c.peg, b);
  return { x1, y1, quote };
}

/** `y − y_t` in peg units (SPEC §4). */
export const netQuote = (c: CurveState): bigint => c.y - terminalQuote(c.x, c.sqrtK, c.d);
/** Repeg cost by direct valuation (`CostMathWad.repegCost`). */
export const repegCostDirect = (c: CurveState, newPeg: bigint): bigint => repegCost(c.x, c.y, c.sqrtK, c.d, c.peg, newPeg);
/** Reserves after a k change (`CostMathWad.scaledReserves`). */
export function scaleK(c: CurveState, newSqrtK: bigint): CurveState {
  const [x, y] = scaledReserves(c.x, c.y, c.sqrtK, newSqrtK);
  return { ...c, x, y, sqrtK: newSqrtK };
}
/** k cost by direct valuation on the new reserves (`CostMathWad.kCost`). */
export function kCostDirect(c: CurveState, newSqrtK: bigint): bigint {
  const [x1, y1] = scaledReserves(c.x, c.y, c.sqrtK, newSqrtK);
  return kCost(c.x, c.y, c.sqrtK, x1, y1, newSqrtK, c.d, c.peg);
}

const divRound = (a: bigint, b: bigint): bigint => {
  const neg = a < 0n !== b < 0n;
  const q = (abs(a) * 2n + abs(b)) / (2n * abs(b));
  return neg ? -q : q;
};

/** SPEC §4 closed form of the repeg cost, `(y − k/(x+d))·(P' − P)`, exact rational rounded to WAD. */
export function repegCostClosedForm(c: CurveState, newPeg: bigint): bigint {
  const k = c.sqrtK * c.sqrtK;
  return divRound((c.y * (c.x + c.d) - k) * (newPeg - c.peg), (c.x + c.d) * WAD);
}

/**
 * SPEC §4 closed form of the k cost, `P·y·d·(p/(p·x + d) − 1/(x + d))` with p = s'/s, evaluated as an
 * exact rational: p/(p·x + d) = s'/(s'·x + d·s).
 */
export function kCostClosedForm(c: CurveState, newSqrtK: bigint): bigint {
  const a = newSqrtK * c.x + c.d * c.sqrtK;
  const b = c.x + c.d;
  return divRound(c.peg * c.y * c.d * (newSqrtK * b - a), a * b * WAD);
}

/** Floor bps of |a − b| / b. */
export const moveBps = (a: bigint, b: bigint): bigint => (abs(a - b) * BPS) / b;

/** Oracle answer (8 decimals) for a WAD price. */
export const answer8 = (priceWad: bigint): bigint => priceWad / 10n ** 10n;

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
