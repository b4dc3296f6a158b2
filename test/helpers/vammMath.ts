/**
 * Exact bigint mirror of the market's curve and cost rules (SPEC §2, §4, §6), written
 * independently of the contracts so the suites can check them value for value.
 */
import { WAD } from "./deployFixture";

export const BPS = 10_000n;
export const DAY = 86_400n;

export const ceilDiv = (a: bigint, b: bigint): bigint => (a === 0n ? 0n : (a - 1n) / b + 1n);
export const abs = (v: bigint): bigint => (v < 0n ? -v : v);
/** `k·WAD/v` rounded up, with k = sqrtK². */
export const kOver = (sqrtK: bigint, v: bigint): bigint => ceilDiv(sqrtK * sqrtK, v);
export const markOf = (x: bigint, y: bigint, peg: bigint): bigint => (y * peg) / x;

/** Toward +∞ in both signs (SPEC §4). */
export function mulWadUp(a: bigint, b: bigint): bigint {
  const p = a * b;
  return p >= 0n ? ceilDiv(p, WAD) : -(-p / WAD);
}

export interface Curve {
  readonly x: bigint;
  readonly y: bigint;
  readonly sqrtK: bigint;
  readonly peg: bigint;
  /** Net user position longOI − shortOI. */
  readonly d: bigint;
}

export function curveOf(st: {
  baseReserve: bigint;
  quoteReserve: bigint;
  sqrtK: bigint;
  peg: bigint;
  longOI: bigint;
  shortOI: bigint;
}): Curve {
  return { x: st.baseReserve, y: st.quoteReserve, sqrtK: st.sqrtK, peg: st.peg, d: st.longOI - st.shortOI };
}

/** `y − y_t` in peg units, y_t = ceil(k/(x + d)) (SPEC §4). */
export const netQuote = (c: Curve): bigint => c.y - kOver(c.sqrtK, c.x + c.d);

/** Direct valuation of the AMM's liability to the net position, `L = (y − y_t)·P` (WAD·WAD units). */
export const liabilityRaw = (c: Curve): bigint => netQuote(c) * c.peg;

/** Repeg cost by direct valuation: L(after) − L(before), rounded toward +∞. */
export function repegCostDirect(c: Curve, newPeg: bigint): bigint {
  const raw = liabilityRaw({ ...c, peg: newPeg }) - liabilityRaw(c);
  return raw >= 0n ? ceilDiv(raw, WAD) : -(-raw / WAD);
}

/** Reserves after a k change (SPEC §4): x' = ceil(x·s'/s), y' = floor(y·s'/s). */
export function scaleK(c: Curve, newSqrtK: bigint): Curve {
  return { ...c, x: ceilDiv(c.x * newSqrtK, c.sqrtK), y: (c.y * newSqrtK) / c.sqrtK, sqrtK: newSqrtK };
}

/** k cost by direct valuation of L on the new reserves, rounded toward +∞. */
export function kCostDirect(c: Curve, newSqrtK: bigint): bigint {
  const after = scaleK(c, newSqrtK);
  return mulWadUp(netQuote(after) - netQuote(c), c.peg);
}

const divRound = (a: bigint, b: bigint): bigint => {
  const neg = a < 0n !== b < 0n;
  const q = (abs(a) * 2n + abs(b)) / (2n * abs(b));
  return neg ? -q : q;
};

/** DESIGN §4 closed form of the repeg cost, `(y − k/(x+d))·(P' − P)`, exact rational rounded to WAD. */
export function repegCostClosedForm(c: Curve, newPeg: bigint): bigint {
  const k = c.sqrtK * c.sqrtK;
  // (y·(x+d) − k)·(P'−P) / ((x+d)·WAD)
  return divRound((c.y * (c.x + c.d) - k) * (newPeg - c.peg), (c.x + c.d) * WAD);
}

/**
 * DESIGN §4 closed form of the k cost, `P·y·d·(p/(p·x + d) − 1/(x + d))` with p = s'/s, evaluated as an
 * exact rational: p/(p·x + d) = s'/(s'·x + d·s).
 */
export function kCostClosedForm(c: Curve, newSqrtK: bigint): bigint {
  const a = newSqrtK * c.x + c.d * c.sqrtK; // s'·x + d·s
  const b = c.x + c.d;
  // cost(WAD) = P·y·d·(s'·b − a) / (a·b·WAD)
  return divRound(c.peg * c.y * c.d * (newSqrtK * b - a), a * b * WAD);
}

/** Long with quote notional q (SPEC §2). */
export function afterLong(c: Curve, q: bigint): { x: bigint; y: bigint; base: bigint } {
  const y = c.y + (q * WAD) / c.peg;
  const x = kOver(c.sqrtK, y);
  return { x, y, base: c.x - x };
}

/** Short with quote notional q (SPEC §2). */
export function afterShort(c: Curve, q: bigint): { x: bigint; y: bigint; base: bigint } {
  const y = c.y - ceilDiv(q * WAD, c.peg);
  const x = kOver(c.sqrtK, y);
  return { x, y, base: x - c.x };
}

/** Floor bps of |a − b| / b. */
export const moveBps = (a: bigint, b: bigint): bigint => (abs(a - b) * BPS) / b;

/** Oracle answer (8 decimals) for a WAD price. */
export const answer8 = (priceWad: bigint): bigint => priceWad / 10n ** 10n;
