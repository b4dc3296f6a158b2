/**
 * On-chain sandwich bot (the simulator's keeper/sim/adversaries/sandwichBot.ts as an agent): it reads
 * the keeper's pending repeg from the mempool, decides with the same plan (plans.ts planSandwich),
 * and places its open before the hook and its close after it in the same block by priority fee.
 * Its gain is read from the ClearingHouse: free collateral after the close minus before the open
 * (realised PnL, both fees and any funding).
 */
import type { Signer, TransactionResponse } from "ethers";
import type { DammContracts } from "../deploy";
import type { RpcSender } from "../lockstep";
import { fromWad, NO_DEADLINE, toWad } from "../wad";
import { planSandwich } from "../../sim/adversaries/plans";
import { feeAround, pendingCalls, type PendingCall } from "./mempool";
import { readMarketView } from "./chainViews";

export interface SandwichAgentConfig {
  readonly capital: number;
  readonly leverage: number;
}

export interface PendingRepeg {
  readonly call: PendingCall;
  /** The peg the hook asks for (repeg) or moves toward (repegToward). */
  readonly newPeg: number;
}

export interface SandwichOrder {
  readonly isLong: boolean;
  readonly quote: number;
}

export class ChainSandwichAgent {
  private freeBefore = 0n;

  constructor(
    private readonly c: DammContracts,
    private readonly signer: Signer,
    private readonly rpc: RpcSender,
    private readonly cfg: SandwichAgentConfig,
  ) {}

  /** The keeper's repeg waiting in the mempool, if any. */
  async pendingRepeg(): Promise<PendingRepeg | null> {
    const calls = await pendingCalls(this.rpc, this.c.addresses.market, this.c.market.interface);
    const call = calls.find((x) => x.name === "repeg" || x.name === "repegToward");
    return call ? { call, newPeg: fromWad(call.args[0] as bigint) } : null;
  }

  /** The shared decision: the front-run the bot would place, or null when the move does not pay two fees. */
  async plan(hook: PendingRepeg): Promise<SandwichOrder | null> {
    const v = await readMarketView(this.c);
    return planSandwich(v.curve, hook.newPeg, v.feeRate, this.cfg.capital, this.cfg.leverage);
  }

  /** Places `order` before the hook and its close after it, in the pending block (mined by the caller). */
  async sandwich(hook: PendingRepeg, order: SandwichOrder): Promise<{ front: TransactionResponse; back: TransactionResponse }> {
    const ch = this.c.clearingHouse.connect(this.signer);
    this.freeBefore = await this.c.clearingHouse.freeCollateral(await this.signer.getAddress());
    const margin = toWad((order.quote / this.cfg.leverage) * 1.05);
    const front = await ch.openPosition(this.c.addresses.market, order.isLong, toWad(order.quote), margin, 0n, NO_DEADLINE, feeAround(hook.call.priorityFee, "before"));
    const back = await ch.closePosition(this.c.addresses.market, 0n, 0n, NO_DEADLINE, feeAround(hook.call.priorityFee, "after"));
    return { front, back };
  }

  /** Free collateral after the sandwich minus before it (quote): the bot's net gain after fees. */
  async gain(): Promise<number> {
    const after = await this.c.clearingHouse.freeCollateral(await this.signer.getAddress());
    return fromWad(after - this.freeBefore);
  }
}
