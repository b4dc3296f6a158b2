/**
 * The informed trader of the simulator (keeper/sim/traders.ts: `informedTargetMark`,
 * `informedQuote`, `informedMargin`, `informedShouldClose`, DESIGN §7) turned into an order for one
 * on-chain account: the on-chain episode (runChain.ts) and the oracle feed's arbitrageur
 * (feedArbitrageur.ts) send it as `openPosition`. Only the account's own facts are added here: its
 * capital is what it holds free (less a margin of safety), and an order too small to be worth a
 * transaction is not sent.
 */
import { informedMargin, informedQuote, informedTargetMark } from "../sim/traders";

export { informedShouldClose } from "../sim/traders";

export interface InformedView {
  readonly oracle: number;
  readonly mark: number;
  readonly sqrtK: number;
  readonly peg: number;
  /** Quote reserve. */
  readonly y: number;
  readonly feeBps: number;
  readonly fluctuationLimitBps: number;
}

export interface InformedOrder {
  readonly isLong: boolean;
  readonly quote: number;
  readonly margin: number;
}

/** Minimum order (quote units): below it the fee-round-trip is not worth a transaction. */
const MIN_QUOTE = 10;
/**
 * Share of the account's free collateral it commits as margin: the mirror's float ledger may sit a
 * little off the exact WAD one (runChain.ts), and a margin above the free balance reverts.
 */
const FREE_COLLATERAL_SHARE = 0.9;

/**
 * The order an informed trader holding `heldSize` (signed base, 0 = flat) sends now, or null.
 * Each transaction is mined in its own block, so the block-start mark is the current mark.
 * A holder on the wrong side sends nothing: its close (`informedShouldClose`) comes first.
 */
export function informedOrder(s: InformedView, heldSize: number, trader: { edgeBps: number; leverage: number }, freeCollateral: number): InformedOrder | null {
  const target = informedTargetMark(s.oracle, s.mark, s.mark, s.feeBps, trader.edgeBps, s.fluctuationLimitBps);
  if (Number.isNaN(target)) return null;
  const isLong = target > s.mark;
  if (heldSize !== 0 && heldSize > 0 !== isLong) return null;
  const q = informedQuote(s.sqrtK * s.sqrtK, s.peg, s.y, target, freeCollateral * FREE_COLLATERAL_SHARE, trader.leverage);
  if (q < MIN_QUOTE) return null;
  return { isLong, quote: q, margin: informedMargin(q, trader.leverage) };
}
