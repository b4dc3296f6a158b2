/**
 * On-chain liquidation hunter (the simulator's keeper/sim/adversaries/liquidationHunter.ts as an
 * agent): it reads the curve and the watched accounts' positions, decides with the same plan
 * (plans.ts planHunt: push the mark, within one block's fluctuation band, past the nearest
 * liquidation marks it estimates), and sends in one block: the push, a liquidation of every account
 * whose estimated liquidation mark the push reaches, and the close of its push. Its take is read from
 * the ClearingHouse (free collateral after minus before: PnL, fees, liquidator's fee share).
 */
import type { Signer, TransactionResponse } from "ethers";
import type { DammContracts } from "../deploy";
import { fromWad, NO_DEADLINE, toWad } from "../wad";
import { liquidationMark, planHunt, type HuntPlan } from "../../sim/adversaries/plans";
import { readBook, readMarketView } from "./chainViews";

export interface HunterAgentConfig {
  readonly capital: number;
  readonly leverage: number;
}

export interface HuntTxs {
  readonly push: TransactionResponse;
  readonly liquidations: readonly { readonly account: string; readonly tx: TransactionResponse }[];
  readonly close: TransactionResponse;
}

const GAS = { gasLimit: 2_000_000n };

export class ChainHunterAgent {
  private freeBefore = 0n;
  /** Fraction of the fluctuation band the push may use (as the simulator's hunter). */
  static readonly BAND_USE = 0.999;

  constructor(
    private readonly c: DammContracts,
    private readonly signer: Signer,
    private readonly cfg: HunterAgentConfig,
    private readonly watched: readonly string[],
  ) {}

  /** The shared decision on the current book, or null when no hunt pays by the plan's estimate. */
  async plan(): Promise<HuntPlan | null> {
    const v = await readMarketView(this.c);
    const book = await readBook(this.c, this.watched);
    return planHunt(v.curve, book, v.mm, ChainHunterAgent.BAND_USE * v.fluctuation, v.feeRate, this.cfg.capital, this.cfg.leverage);
  }

  /** Accounts whose estimated liquidation mark a push of `plan` reaches (the plan's forced closes). */
  async targets(plan: HuntPlan): Promise<string[]> {
    const v = await readMarketView(this.c);
    const book = await readBook(this.c, this.watched);
    const { y, k, peg } = v.curve;
    const yPushed = plan.againstLongs ? y - plan.quote / peg : y + plan.quote / peg;
    // mark = y·P/x with x = k/y.
    const markPushed = (yPushed * yPushed * peg) / k;
    const out: string[] = [];
    for (let i = 0; i < book.n; i++) {
      const s = book.size[i];
      if (plan.againstLongs !== s > 0) continue;
      const liq = liquidationMark(s, book.notional[i], book.margin[i], v.mm);
      if (plan.againstLongs ? liq >= markPushed : liq <= markPushed) out.push(book.accounts[i]);
    }
    return out;
  }

  /** Sends the hunt into the pending block in order (nonces order them; mined by the caller). */
  async hunt(plan: HuntPlan, accounts: readonly string[]): Promise<HuntTxs> {
    const ch = this.c.clearingHouse.connect(this.signer);
    const market = this.c.addresses.market;
    this.freeBefore = await this.c.clearingHouse.freeCollateral(await this.signer.getAddress());
    const margin = toWad((plan.quote / this.cfg.leverage) * 1.05);
    const push = await ch.openPosition(market, !plan.againstLongs, toWad(plan.quote), margin, 0n, NO_DEADLINE, GAS);
    const liquidations: { account: string; tx: TransactionResponse }[] = [];
    for (const a of accounts) liquidations.push({ account: a, tx: await ch.liquidate(a, market, 0n, GAS) });
    const close = await ch.closePosition(market, 0n, 0n, NO_DEADLINE, GAS);
    return { push, liquidations, close };
  }

  /** Free collateral after the hunt minus before it (quote): the hunter's take. */
  async take(): Promise<number> {
    const after = await this.c.clearingHouse.freeCollateral(await this.signer.getAddress());
    return fromWad(after - this.freeBefore);
  }
}
