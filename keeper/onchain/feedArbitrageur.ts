/**
 * One informed arbitrageur for the oracle feed (scripts/traders.ts): after each oracle update it
 * trades toward the oracle by the informed trader's rule (informedOrder.ts, the same rule the
 * on-chain episode and the simulator use) and closes when the gap is gone, as arbitrageurs on a
 * real vAMM keep the mark near the oracle. The keeper alone may move the peg only the issue-13
 * move cap per hook window; without this the mark drifts from the oracle for the whole feed.
 * A refused trade (breaker, band, margin) is counted and retried at the next update, never fatal.
 */
import type { Signer } from "ethers";
import type { DammContracts } from "./deploy";
import { informedOrder, informedShouldClose } from "./informedOrder";
import { fromOracleAnswer, fromWad, NO_DEADLINE, toWad } from "./wad";

export interface FeedArbitrageurSummary {
  readonly trades: number;
  readonly refused: number;
  readonly steps: number;
  /** Mean |mark − oracle| (bps) after each step's trade. */
  readonly meanGapBps: number;
}

export class FeedArbitrageur {
  private trades = 0;
  private refused = 0;
  private steps = 0;
  private gapSum = 0;

  private constructor(
    private readonly c: DammContracts,
    private readonly signer: Signer,
    private readonly address: string,
    private readonly trader: { edgeBps: number; leverage: number },
  ) {}

  /** Deposits `capital` (the account holds minted tokens and an allowance from the episode). */
  static async start(c: DammContracts, signer: Signer, trader: { capital: number; edgeBps: number; leverage: number }): Promise<FeedArbitrageur> {
    const address = await signer.getAddress();
    await (await c.clearingHouse.connect(signer).deposit(BigInt(Math.round(trader.capital * 1e6)))).wait();
    return new FeedArbitrageur(c, signer, address, trader);
  }

  /** One decision after an oracle update: close if the edge is gone, else trade toward the oracle. */
  async step(): Promise<void> {
    const ch = this.c.clearingHouse.connect(this.signer);
    const market = this.c.addresses.market;
    let view = await this.read();
    if (view.held !== 0 && informedShouldClose(view.held, view.s.mark, view.s.oracle)) {
      if (await this.send(() => ch.closePosition(market, 0n, 0n, NO_DEADLINE))) view = await this.read();
    }
    const order = informedOrder(view.s, view.held, this.trader, view.free);
    if (order && (await this.send(() => ch.openPosition(market, order.isLong, toWad(order.quote), toWad(order.margin), 0n, NO_DEADLINE)))) view = await this.read();
    this.steps++;
    this.gapSum += (Math.abs(view.s.mark - view.s.oracle) / view.s.oracle) * 1e4;
  }

  summary(): FeedArbitrageurSummary {
    return { trades: this.trades, refused: this.refused, steps: this.steps, meanGapBps: this.steps ? this.gapSum / this.steps : 0 };
  }

  private async send(tx: () => Promise<{ wait(): Promise<unknown> }>): Promise<boolean> {
    try {
      await (await tx()).wait();
      this.trades++;
      return true;
    } catch {
      this.refused++;
      return false;
    }
  }

  private async read() {
    const [st, round, pos, free] = await Promise.all([
      this.c.market.marketState(),
      this.c.aggregator.latestRoundData(),
      this.c.clearingHouse.positionOf(this.c.addresses.market, this.address),
      this.c.clearingHouse.freeCollateral(this.address),
    ]);
    const s = {
      oracle: fromOracleAnswer(round[1]),
      mark: fromWad(st.mark),
      sqrtK: fromWad(st.sqrtK),
      peg: fromWad(st.peg),
      y: fromWad(st.quoteReserve),
      feeBps: Number(st.params.feeBps),
      fluctuationLimitBps: Number(st.params.fluctuationLimitBps),
    };
    return { s, held: fromWad(pos.size), free: fromWad(free) };
  }
}
