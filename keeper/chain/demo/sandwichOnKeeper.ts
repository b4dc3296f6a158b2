/**
 * The on-chain sandwich bot (keeper/chain/adversaries/sandwichAgent.ts) put in front of the real
 * keeper for a whole run, without touching the runner's trader code:
 * - the keeper's EIP-1193 provider is wrapped; when the keeper broadcasts (its only transactions are
 *   hooks) automine goes off, the bot reads the pending repeg from the mempool, decides with the
 *   simulator's plan (plans.ts planSandwich) and, if the move pays its two fees, places its open
 *   before the hook and its close after it by priority fee; then the block is sealed (at the
 *   timestamp the runner pinned) and automine comes back;
 * - the bot's deposit and both legs are mirrored into the runner's simulator (Lockstep) in block
 *   order: the deposit at the first step, the front-run inside the keeper's broadcast (before the
 *   runner mirrors the hook), the back-run right after the runner mirrored the hook (`onTick`).
 * The bot's take is its free collateral after each close minus before its open (PnL after both
 * fees); `balanceChange` reads its whole change since the deposit, which must equal the sum.
 */
import type { Eip1193Provider, Signer, TransactionReceipt } from "ethers";
import type { DammContracts } from "../deploy";
import type { Lockstep, RpcSender } from "../lockstep";
import { compareValues } from "../compare";
import { describeOp, type Op } from "../ops";
import { fromWad, toWad } from "../wad";
import { ChainSandwichAgent, type SandwichAgentConfig, type SandwichOrder } from "../adversaries/sandwichAgent";
import { readMarketView } from "../adversaries/chainViews";
import { planSandwich } from "../../sim/adversaries/plans";

export interface SandwichBotConfig extends SandwichAgentConfig {
  /**
   * Trade every repeg as if fees were nothing (the simulator bot's `ignoreFees`): not a demo
   * setting; the demo test uses it to make the bot trade and check the mirror and its take.
   */
  readonly ignoreFees?: boolean;
}

export interface SandwichBotReport {
  readonly capital: number;
  readonly leverage: number;
  /** Keeper repegs the bot saw in the mempool. */
  readonly repegsSeen: number;
  /** Repegs it sandwiched (front and back both sent). */
  readonly sandwiches: number;
  /** Legs the chain refused (front, hook-blocked or back). */
  readonly refusedLegs: number;
  /** Trading fees the bot paid (quote): protocol revenue the runner's trader figures do not count. */
  readonly fees: number;
  /** Σ per-sandwich gains (quote, after fees). */
  readonly take: number;
  /** Free collateral at the end minus the deposit (quote); equals `take` when nothing is left open. */
  readonly balanceChange: number;
  /** Chain ↔ simulator differences of the bot's own transactions. */
  readonly mismatches: readonly string[];
}

type Sent = { readonly order: SandwichOrder; readonly frontHash: string; readonly backHash: string; readonly freeBefore: bigint };

interface Eip1193Request {
  readonly method: string;
  readonly params?: readonly unknown[] | object;
}

export class SandwichOnKeeper {
  private ls: Lockstep | null = null;
  private deposited = false;
  private pending: Sent | null = null;
  private backToMirror: { readonly receipt: TransactionReceipt; readonly time: number } | null = null;
  private repegsSeen = 0;
  private sandwiches = 0;
  private refusedLegs = 0;
  private take = 0;
  private fees = 0;
  private readonly mismatches: string[] = [];
  private readonly agent: ChainSandwichAgent;

  constructor(
    private readonly c: DammContracts,
    private readonly bot: Signer,
    private readonly botAddress: string,
    private readonly admin: Signer,
    private readonly rpc: RpcSender,
    private readonly cfg: SandwichBotConfig,
  ) {
    this.agent = new ChainSandwichAgent(c, bot, rpc, cfg);
  }

  /** The keeper's provider: every broadcast goes through the bot's mempool window. */
  keeperProvider(inner: Eip1193Provider): Eip1193Provider {
    return {
      request: async (args: Eip1193Request) => {
        if (args.method !== "eth_sendRawTransaction" || !this.ls) return inner.request(args as never);
        return this.aroundKeeperBroadcast(() => inner.request(args as never));
      },
    } as Eip1193Provider;
  }

  /** Runner `onStep`: remembers the mirror and, at the first step, deposits the bot's capital (mirrored). */
  async onStep(ls: Lockstep): Promise<void> {
    this.ls = ls;
    if (this.deposited) return;
    this.deposited = true;
    const amount6 = BigInt(Math.round(this.cfg.capital * 1e6));
    await this.pinned(() => this.c.usdc.connect(this.admin).mint(this.botAddress, amount6));
    await this.pinned(() => this.c.usdc.connect(this.bot).approve(this.c.addresses.clearingHouse, amount6));
    await ls.pinNextTimestamp();
    const tx = await this.c.clearingHouse.connect(this.bot).deposit(amount6, { gasLimit: 2_000_000n });
    await tx.wait();
    const receipt = await this.receipt(tx.hash);
    const block = await this.c.market.runner!.provider!.getBlock(receipt.blockNumber);
    if (!block) throw new Error(`sandwich bot: block ${receipt.blockNumber} not found`);
    this.mirror({ kind: "deposit", account: this.botAddress, amount6 }, receipt, block.timestamp);
  }

  /**
   * Runner `onTick`, called synchronously right after the runner mirrored the keeper's hook (the
   * block was sealed and read during the broadcast): mirrors this tick's back-run.
   */
  afterTick(): void {
    const back = this.backToMirror;
    if (!back) return;
    this.backToMirror = null;
    this.mirror({ kind: "close", account: this.botAddress, base: 0n, quoteLimit: 0n }, back.receipt, back.time);
  }

  /** The bot's figures; reads its balance (call before the run's snapshot is reverted). */
  async report(): Promise<SandwichBotReport> {
    const free = fromWad(await this.c.clearingHouse.freeCollateral(this.botAddress));
    return {
      capital: this.cfg.capital,
      leverage: this.cfg.leverage,
      repegsSeen: this.repegsSeen,
      sandwiches: this.sandwiches,
      refusedLegs: this.refusedLegs,
      fees: this.fees,
      take: this.take,
      balanceChange: this.deposited ? free - this.cfg.capital : 0,
      mismatches: [...this.mismatches],
    };
  }

  private async aroundKeeperBroadcast(broadcast: () => Promise<unknown>): Promise<unknown> {
    await this.rpc.send("evm_setAutomine", [false]);
    let hash: unknown;
    try {
      hash = await broadcast();
      const hook = await this.agent.pendingRepeg();
      if (hook) {
        this.repegsSeen++;
        const order = this.cfg.ignoreFees ? await this.planIgnoringFees(hook.newPeg) : await this.agent.plan(hook);
        if (order) {
          const freeBefore = await this.c.clearingHouse.freeCollateral(this.botAddress);
          const { front, back } = await this.agent.sandwich(hook, order);
          this.pending = { order, frontHash: front.hash, backHash: back.hash, freeBefore };
          this.sandwiches++;
        }
      }
      // Sealed at the timestamp the runner pinned before the keeper's tick.
      await this.rpc.send("evm_mine", []);
    } finally {
      await this.rpc.send("evm_setAutomine", [true]);
    }
    const sent = this.pending;
    this.pending = null;
    if (sent) {
      const front = await this.receipt(sent.frontHash);
      const back = await this.receipt(sent.backHash);
      const block = await this.c.market.runner!.provider!.getBlock(front.blockNumber);
      if (!block) throw new Error(`sandwich bot: block ${front.blockNumber} not found`);
      const o = sent.order;
      const margin = toWad((o.quote / this.cfg.leverage) * 1.05);
      this.mirror({ kind: "open", account: this.botAddress, isLong: o.isLong, quote: toWad(o.quote), margin, baseLimit: 0n }, front, block.timestamp);
      this.backToMirror = { receipt: back, time: block.timestamp };
      this.refusedLegs += (front.status === 1 ? 0 : 1) + (back.status === 1 ? 0 : 1);
      this.take += fromWad((await this.c.clearingHouse.freeCollateral(this.botAddress)) - sent.freeBefore);
    }
    return hash;
  }

  private async planIgnoringFees(newPeg: number): Promise<SandwichOrder | null> {
    const v = await readMarketView(this.c);
    return planSandwich(v.curve, newPeg, 0, this.cfg.capital, this.cfg.leverage);
  }

  /** Sends a transaction that the mirror does not model (token mint / approve) at the mirror's next time. */
  private async pinned(send: () => Promise<{ wait(): Promise<unknown> }>): Promise<void> {
    await this.ls!.pinNextTimestamp();
    await (await send()).wait();
    await this.ls!.syncClock();
  }

  private async receipt(hash: string): Promise<TransactionReceipt> {
    const r = await this.c.market.runner!.provider!.getTransactionReceipt(hash);
    if (!r) throw new Error(`sandwich bot: no receipt for ${hash}`);
    return r as unknown as TransactionReceipt;
  }

  private mirror(op: Exclude<Op, { kind: "advance" }>, receipt: TransactionReceipt, blockTime: number): void {
    const r = this.ls!.mirrorExternal(op, receipt, blockTime);
    if (r.chain.ok) this.fees += r.chain.values.fee ?? 0;
    if (r.chain.ok !== r.sim.ok) this.mismatches.push(`bot ${describeOp(op)}: chain ${r.chain.ok ? "ok" : r.chain.error} sim ${r.sim.ok ? "ok" : r.sim.error}`);
    else if (r.chain.ok && r.sim.ok) for (const m of compareValues(r.chain.values, r.sim.values)) this.mismatches.push(`bot ${describeOp(op)} ${m.what}: chain ${m.chain} sim ${m.sim}`);
  }
}
