/**
 * The bad-debt waterfall of SPEC §3, one implementation for both engines (`MarketCore`,
 * `FastMarket`; a cold path): the reserved share pays first, then the budget; what remains is the
 * market's uncovered bad debt — the market goes reduce-only and the amount is charged to the side
 * opposite the bankrupt position (it holds the gain) through its funding index, `amount/OI_side` per
 * base (at most MAX_SOCIALIZED_PER_BASE; a dust side's excess stays unsocialised), or stays
 * unsocialised when that side has no open interest. The position is closed before
 * the waterfall (its open interest is gone), as in the contract's `_finish`.
 */

/** Largest socialisation charge per base, quote (the contract's MAX_SOCIALIZED_PER_BASE = 1e30 WAD, SPEC §3). */
export const MAX_SOCIALIZED_PER_BASE = 1e12;

export interface BadDebtCover {
  readonly fromReserve: number;
  readonly fromBudget: number;
  readonly uncovered: number;
  /** Added to the longs' funding index (longs pay it): a bankrupt short's uncovered debt per long base. */
  readonly longIndexCharge: number;
  /** Added to the shorts' funding index (shorts receive it, so a negative one is paid): a bankrupt long's. */
  readonly shortIndexCharge: number;
  /** Uncovered debt that found no open interest on the side it is charged to. */
  readonly unsocialized: number;
}

/** Splits `debt` of a closed position (`wasLong` its side) over the reserve, the budget and the other side. */
export function coverBadDebt(debt: number, reservedShare: number, budget: number, wasLong: boolean, longOI: number, shortOI: number): BadDebtCover {
  const fromReserve = debt < reservedShare ? debt : reservedShare;
  const rest = debt - fromReserve;
  const fromBudget = rest < budget ? rest : budget;
  const uncovered = rest - fromBudget;
  let longIndexCharge = 0;
  let shortIndexCharge = 0;
  let unsocialized = 0;
  if (uncovered > 0) {
    const oi = wasLong ? shortOI : longOI;
    if (!(oi > 0)) unsocialized = uncovered;
    else {
      // A dust side bears at most the cap per base; the rest stays unsocialised.
      let perBase = uncovered / oi;
      if (perBase > MAX_SOCIALIZED_PER_BASE) {
        perBase = MAX_SOCIALIZED_PER_BASE;
        unsocialized = uncovered - perBase * oi;
      }
      if (wasLong) shortIndexCharge = -perBase;
      else longIndexCharge = perBase;
    }
  }
  return { fromReserve, fromBudget, uncovered, longIndexCharge, shortIndexCharge, unsocialized };
}
