/**
 * Funding of SPEC §5: premium from the TWAPs, the payers' rate, the AMM's side (it holds −d)
 * capped at a share of the budget and at what the rolling daily cost cap still allows (`spendRoom`,
 * the same window as the hooks' costs), and the receivers' rate scaled so that received = paid + ammPaid.
 * Pure: the exact core and the fast path both call it.
 */
import type { MarketParams } from "./params";

export interface FundingResult {
  /** Quote per base for the period, signed; > 0: longs pay. */
  readonly f: number;
  /** Paid per base by longs (signed). */
  readonly fLong: number;
  /** Received per base by shorts (signed). */
  readonly fShort: number;
  readonly ammReceived: number;
  readonly ammPaid: number;
}

export function computeFunding(
  markTwap: number,
  oracleTwap: number,
  longOI: number,
  shortOI: number,
  budget: number,
  spendRoom: number,
  p: MarketParams,
): FundingResult {
  const cap = (oracleTwap * p.fundingCapBps) / 1e4;
  let premium = markTwap - oracleTwap;
  if (premium > cap) premium = cap;
  else if (premium < -cap) premium = -cap;
  const f = (premium * p.fundingPeriod) / 86400;
  const d = longOI - shortOI;
  // What the AMM (holding −d) owes at rate f; > 0 means it pays.
  const ammOwes = f * -d;
  if (ammOwes <= 0) return { f, fLong: f, fShort: f, ammReceived: -ammOwes, ammPaid: 0 };
  let budgetCap = (budget * p.fundingBudgetShareBps) / 1e4;
  if (spendRoom < budgetCap) budgetCap = spendRoom;
  const ammPaid = ammOwes < budgetCap ? ammOwes : budgetCap;
  if (f > 0) {
    // Longs pay f·L; shorts share f·L + ammPaid.
    return { f, fLong: f, fShort: (f * longOI + ammPaid) / shortOI, ammReceived: 0, ammPaid };
  }
  // Shorts pay |f|·S; longs share |f|·S + ammPaid (fLong is "paid by longs", so negative).
  return { f, fLong: -((-f * shortOI + ammPaid) / longOI), fShort: f, ammReceived: 0, ammPaid };
}
