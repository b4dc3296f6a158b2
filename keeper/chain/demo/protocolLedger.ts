/**
 * The protocol's side of one demo run, read from the contracts' events (not from the simulator
 * mirror), so the demo's budget line can be checked against the flows that made it:
 *   budget end = budget start + fees to the budget + funding the AMM received − funding it paid
 *                − hook costs − bad debt covered by the budget (+ admin top-ups, none in the demo).
 * Sums are kept in WAD (exact) and converted once. Protocol net revenue follows the simulator's
 * definition (keeper/sim/metrics.ts protocolNetRevenue): all trading fees (budget and reserve
 * shares) + liquidation fees kept + funding received − hook costs − funding paid − bad debt.
 */
import type { DammContracts } from "../deploy";
import { fromWad } from "../wad";

/** VammMarket.BudgetChangeReason / ReserveChangeReason (contracts/interfaces/IVammMarket.sol). */
const BUDGET_FUNDED = 0n;
const RESERVE_LIQUIDATION_FEE = 0n;

export interface ProtocolLedger {
  readonly budgetStart: number;
  readonly budgetEnd: number;
  /** All trading fees, and their budget / reserve shares. */
  readonly fees: number;
  readonly feesToBudget: number;
  readonly feesToReserve: number;
  /** Liquidation fees kept by the reserved share (the liquidator's half is not revenue). */
  readonly liquidationFeesKept: number;
  readonly fundingReceived: number;
  readonly fundingPaid: number;
  /** Net cost of the keeper's repeg / k updates to the budget (negative = they earned). */
  readonly hookCost: number;
  readonly hooks: number;
  readonly badDebt: number;
  readonly badDebtFromBudget: number;
  readonly badDebtUncovered: number;
  /** Admin top-ups of the budget during the run. */
  readonly budgetFunded: number;
  readonly netRevenue: number;
  /** budget end − (start + the flows above), in WAD: 0 when the events account for every change. */
  readonly budgetResidualWad: bigint;
}

export interface LedgerMark {
  readonly block: number;
  /** Chain time of that block (s). */
  readonly time: number;
  readonly budgetWad: bigint;
}

/** The budget and block where a run starts (read before its first trade). */
export async function markLedgerStart(c: DammContracts): Promise<LedgerMark> {
  const block = await c.market.runner!.provider!.getBlock("latest");
  if (!block) throw new Error("protocol ledger: no latest block");
  return { block: block.number, time: block.timestamp, budgetWad: (await c.market.marketState()).budget };
}

/** Every budget and revenue flow of the market since `start`, and the closing budget. */
export async function readProtocolLedger(c: DammContracts, start: LedgerMark): Promise<ProtocolLedger> {
  const from = start.block + 1;
  const m = c.market;
  const sum = (xs: readonly bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);
  const fees = await m.queryFilter(m.filters.FeeCollected(), from);
  const funding = await m.queryFilter(m.filters.FundingSettled(), from);
  const pegs = await m.queryFilter(m.filters.PegUpdated(), from);
  const ks = await m.queryFilter(m.filters.KUpdated(), from);
  const budgetChanges = await m.queryFilter(m.filters.BudgetChanged(), from);
  const reserveChanges = await m.queryFilter(m.filters.ReservedShareChanged(), from);
  const badDebt = await c.clearingHouse.queryFilter(c.clearingHouse.filters.BadDebtRecorded(), from);

  const fee = sum(fees.map((e) => e.args.fee));
  const toBudget = sum(fees.map((e) => e.args.toBudget));
  const toReserve = sum(fees.map((e) => e.args.toReserve));
  const received = sum(funding.map((e) => e.args.ammReceived));
  const paid = sum(funding.map((e) => e.args.ammPaid));
  const hookCost = sum([...pegs, ...ks].map((e) => e.args.cost));
  const funded = sum(budgetChanges.filter((e) => e.args.reason === BUDGET_FUNDED).map((e) => e.args.newBudget - e.args.oldBudget));
  const liqKept = sum(reserveChanges.filter((e) => e.args.reason === RESERVE_LIQUIDATION_FEE).map((e) => e.args.newReservedShare - e.args.oldReservedShare));
  const bad = sum(badDebt.map((e) => e.args.amount));
  const badFromBudget = sum(badDebt.map((e) => e.args.fromBudget));
  const badUncovered = sum(badDebt.map((e) => e.args.uncovered));
  const budgetEndWad = (await m.marketState()).budget;
  const expected = start.budgetWad + toBudget + received - paid - hookCost - badFromBudget + funded;
  return {
    budgetStart: fromWad(start.budgetWad),
    budgetEnd: fromWad(budgetEndWad),
    fees: fromWad(fee),
    feesToBudget: fromWad(toBudget),
    feesToReserve: fromWad(toReserve),
    liquidationFeesKept: fromWad(liqKept),
    fundingReceived: fromWad(received),
    fundingPaid: fromWad(paid),
    hookCost: fromWad(hookCost),
    hooks: pegs.length + ks.length,
    badDebt: fromWad(bad),
    badDebtFromBudget: fromWad(badFromBudget),
    badDebtUncovered: fromWad(badUncovered),
    budgetFunded: fromWad(funded),
    netRevenue: fromWad(fee + liqKept + received - hookCost - paid - bad),
    budgetResidualWad: budgetEndWad - expected,
  };
}
