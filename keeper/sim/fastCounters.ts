/**
 * Running totals of the fast market (plain numeric fields: V8 keeps them unboxed in the hot loop).
 * The env differences them per decision step for the reward parts; runEpisode turns them into
 * DESIGN §9 metrics.
 */
export class FastCounters {
  events = 0;
  trades = 0;
  volume = 0;
  volumeInformed = 0;
  volumeUninformed = 0;
  feesTotal = 0;
  feesToBudget = 0;
  feesToReserve = 0;
  liquidations = 0;
  liquidationFees = 0;
  liquidationFeesToLiquidators = 0;
  badDebt = 0;
  badDebtFromReserve = 0;
  badDebtFromBudget = 0;
  badDebtUncovered = 0;
  /** AMM side of funding. */
  fundingReceived = 0;
  fundingPaid = 0;
  fundingSettlements = 0;
  /** Signed hook costs (> 0 paid by the protocol, < 0 earned). */
  adjustmentCost = 0;
  repegs = 0;
  kUpdates = 0;
  refusedFluctuation = 0;
  refusedOpenInterest = 0;
  refusedCapacity = 0;
  refusedInitialMargin = 0;
  refusedReduceOnly = 0;
  /** Opens refused by the volatility breaker (Vamm_VolatilityBreaker). */
  refusedVolatility = 0;
  /** Opens refused for a bad oracle answer (Oracle_NonPositiveAnswer / IncompleteRound / StaleAnswer). */
  refusedOracle = 0;
  /** Uncovered bad debt charged to the profitable side (BadDebtSocialized), and what found no OI. */
  badDebtSocialised = 0;
  badDebtUnsocialised = 0;
  /** Times the volatility breaker was set by an observation. */
  breakerTrips = 0;
  refusedLiquidity = 0;
  informedIdle = 0;
  /** Uninformed: realised PnL, fees (taker + liquidation), funding paid (> 0 paid), bad debt left to the protocol. */
  uRealised = 0;
  uFees = 0;
  uFunding = 0;
  uBadDebt = 0;
  /** Informed: realised PnL, fees, funding paid, markout vs the oracle at each trade (hedged value). */
  iRealised = 0;
  iFees = 0;
  iFunding = 0;
  iBadDebt = 0;
  iMarkout = 0;
  /** Oracle-tick samples of |mark/oracle − 1|. */
  gapSamples = 0;
  gapSum = 0;
}
