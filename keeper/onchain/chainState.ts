/**
 * Reads the chain's market state in natural units (WAD → float): the MarketObservation a policy
 * sees, the ledger values the parity checks compare, and the positions and free collateral of the
 * given accounts. The same shape is built from MarketCore (`simState`), so one comparison covers
 * both.
 */
import type { MarketObservation } from "../core/policyTypes";
import type { MarketCore } from "../sim/marketCore";
import type { DammContracts } from "./deploy";
import { fromOracleAnswer, fromWad } from "./wad";

export interface PositionView {
  readonly size: number;
  readonly margin: number;
  readonly openNotional: number;
}

export interface LedgerView {
  readonly baseReserve: number;
  readonly quoteReserve: number;
  readonly peg: number;
  readonly sqrtK: number;
  readonly mark: number;
  readonly longOI: number;
  readonly shortOI: number;
  readonly budget: number;
  readonly reservedShare: number;
  readonly markTwap: number;
  readonly oracleTwap: number;
  readonly cumFundingLong: number;
  readonly cumFundingShort: number;
  /** Issue 13: the oracle observation state, the rolling windows, the breaker and bad-debt isolation (booleans as 0/1). */
  readonly lastOraclePrice: number;
  readonly volatilityBreaker: number;
  readonly reduceOnly: number;
  readonly prevSpent: number;
  readonly curSpent: number;
  readonly prevMoveBps: number;
  readonly curMoveBps: number;
  readonly prevKDecreaseBps: number;
  readonly curKDecreaseBps: number;
  readonly uncoveredBadDebt: number;
  readonly unsocializedBadDebt: number;
  readonly marketCollateral: number;
  readonly claimsTotal: number;
}

export interface MarketView {
  readonly observation: MarketObservation;
  readonly ledger: LedgerView;
  readonly positions: ReadonlyMap<string, PositionView>;
  readonly free: ReadonlyMap<string, number>;
}

/** One consistent read at `blockTag` (default latest) of the market and the accounts' books. */
export async function readChainState(c: DammContracts, accounts: readonly string[], blockTag?: number): Promise<MarketView> {
  const o = blockTag === undefined ? {} : { blockTag };
  const [s, round, uncovered, unsocialized] = await Promise.all([
    c.market.marketState(o),
    c.aggregator.latestRoundData(o),
    c.clearingHouse.uncoveredBadDebtOf(c.addresses.market, o),
    c.clearingHouse.unsocializedBadDebt(c.addresses.market, o),
  ]);
  const [marketCollateral, claims] = await Promise.all([c.clearingHouse.marketCollateral(c.addresses.market, o), c.clearingHouse.claimsOf(c.addresses.market, o)]);
  const positions = new Map<string, PositionView>();
  const free = new Map<string, number>();
  await Promise.all(
    accounts.map(async (a) => {
      const [p, f] = await Promise.all([c.clearingHouse.positionOf(c.addresses.market, a, o), c.clearingHouse.freeCollateral(a, o)]);
      if (p.size !== 0n) positions.set(a, { size: fromWad(p.size), margin: fromWad(p.margin), openNotional: fromWad(p.openNotional) });
      free.set(a, fromWad(f));
    }),
  );
  const ledger: LedgerView = {
    baseReserve: fromWad(s.baseReserve),
    quoteReserve: fromWad(s.quoteReserve),
    peg: fromWad(s.peg),
    sqrtK: fromWad(s.sqrtK),
    mark: fromWad(s.mark),
    longOI: fromWad(s.longOI),
    shortOI: fromWad(s.shortOI),
    budget: fromWad(s.budget),
    reservedShare: fromWad(s.reservedShare),
    markTwap: fromWad(s.markTwap),
    oracleTwap: fromWad(s.oracleTwap),
    cumFundingLong: fromWad(s.cumFundingLong),
    cumFundingShort: fromWad(s.cumFundingShort),
    lastOraclePrice: fromWad(s.lastOraclePrice),
    volatilityBreaker: s.volatilityBreaker ? 1 : 0,
    reduceOnly: s.reduceOnly ? 1 : 0,
    prevSpent: fromWad(s.prevSpent),
    curSpent: fromWad(s.curSpent),
    prevMoveBps: Number(s.prevMoveBps),
    curMoveBps: Number(s.curMoveBps),
    prevKDecreaseBps: Number(s.prevKDecreaseBps),
    curKDecreaseBps: Number(s.curKDecreaseBps),
    uncoveredBadDebt: fromWad(uncovered),
    unsocializedBadDebt: fromWad(unsocialized),
    marketCollateral: fromWad(marketCollateral),
    claimsTotal: fromWad(claims),
  };
  const lastHook = Number(s.lastHookTimestamp);
  const latest = blockTag ?? "latest";
  const block = await c.market.runner?.provider?.getBlock(latest);
  const time = block?.timestamp ?? 0;
  const observation: MarketObservation = {
    time,
    baseReserve: ledger.baseReserve,
    quoteReserve: ledger.quoteReserve,
    peg: ledger.peg,
    sqrtK: ledger.sqrtK,
    mark: ledger.mark,
    oracle: fromOracleAnswer(round[1]),
    markTwap: ledger.markTwap,
    oracleTwap: ledger.oracleTwap,
    longOI: ledger.longOI,
    shortOI: ledger.shortOI,
    budget: ledger.budget,
    reservedShare: ledger.reservedShare,
    volatility: 0,
    sinceLastUpdate: lastHook > 0 ? Math.max(0, time - lastHook) : Infinity,
  };
  return { observation, ledger, positions, free };
}

/** The same view from the simulator's mirror. */
export function simState(core: MarketCore, accounts: readonly string[]): MarketView {
  const s = core.state();
  const positions = new Map<string, PositionView>();
  const free = new Map<string, number>();
  for (const a of accounts) {
    const p = core.getPosition(a);
    if (p && p.size !== 0) positions.set(a, { size: p.size, margin: p.margin, openNotional: p.openNotional });
    free.set(a, core.freeCollateral(a));
  }
  return {
    observation: core.observation(),
    ledger: {
      baseReserve: s.x,
      quoteReserve: s.y,
      peg: s.peg,
      sqrtK: s.sqrtK,
      mark: s.mark,
      longOI: s.longOI,
      shortOI: s.shortOI,
      budget: s.budget,
      reservedShare: s.reservedShare,
      markTwap: s.markTwap,
      oracleTwap: s.oracleTwap,
      cumFundingLong: s.cumFundingLong,
      cumFundingShort: s.cumFundingShort,
      lastOraclePrice: s.lastOraclePrice,
      volatilityBreaker: s.volatilityBreaker ? 1 : 0,
      reduceOnly: s.reduceOnly ? 1 : 0,
      prevSpent: s.daily.prevSpent,
      curSpent: s.daily.curSpent,
      prevMoveBps: s.move.prevBps,
      curMoveBps: s.move.curBps,
      prevKDecreaseBps: s.kDecrease.prevBps,
      curKDecreaseBps: s.kDecrease.curBps,
      uncoveredBadDebt: s.uncoveredBadDebt,
      unsocializedBadDebt: s.unsocializedBadDebt,
      marketCollateral: s.marketCollateral,
      claimsTotal: s.claimsTotal,
    },
    positions,
    free,
  };
}
