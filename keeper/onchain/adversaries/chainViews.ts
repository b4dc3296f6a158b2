/** The market as the adversaries' plans read it (keeper/sim/adversaries/plans.ts), from the contracts. */
import type { DammContracts } from "../deploy";
import { fromWad } from "../wad";
import type { BookView, CurveView } from "../../sim/adversaries/plans";

export interface MarketView {
  readonly curve: CurveView;
  readonly feeRate: number;
  readonly mm: number;
  readonly fluctuation: number;
  readonly maxPegChange: number;
}

export async function readMarketView(c: DammContracts): Promise<MarketView> {
  const s = await c.market.marketState();
  const [oracleWad] = await c.market.oracleLatest();
  const sqrtK = fromWad(s.sqrtK);
  return {
    curve: { x: fromWad(s.baseReserve), y: fromWad(s.quoteReserve), k: sqrtK * sqrtK, peg: fromWad(s.peg), oracle: fromWad(oracleWad) },
    feeRate: Number(s.params.feeBps) / 1e4,
    mm: Number(s.params.mmBps) / 1e4,
    fluctuation: Number(s.params.fluctuationLimitBps) / 1e4,
    maxPegChange: Number(s.params.maxPegChangeBps) / 1e4,
  };
}

/** The open positions of the accounts the adversary watches (the public book: PositionChanged events name them). */
export async function readBook(c: DammContracts, accounts: readonly string[]): Promise<BookView & { readonly accounts: readonly string[] }> {
  const size: number[] = [];
  const notional: number[] = [];
  const margin: number[] = [];
  const who: string[] = [];
  for (const a of accounts) {
    const p = await c.clearingHouse.positionOf(c.addresses.market, a);
    if (p.size === 0n) continue;
    size.push(fromWad(p.size));
    notional.push(fromWad(p.openNotional));
    margin.push(fromWad(p.margin));
    who.push(a);
  }
  return { n: size.length, size, notional, margin, accounts: who };
}
