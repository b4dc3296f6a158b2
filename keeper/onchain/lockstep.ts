/**
 * Applies each op of the log to the contracts and to MarketCore in lockstep. The chain goes first
 * (one transaction per op, automine): the executor pins the block's timestamp with
 * evm_setNextBlockTimestamp, reads the block the transaction was mined in, advances MarketCore to
 * the same time and block, then applies the same op there. A revert is mined too (explicit gas
 * limit, so no estimateGas pre-flight), so both sides refuse at the same block and time.
 */
import type { Interface, Log, Signer, TransactionReceipt, TransactionResponse } from "ethers";
import { MarketCore } from "../sim/marketCore";
import { SimRevert } from "../sim/errors";
import { mergeErrorAbis } from "../service/errors/classifyError";
import { findRevertData } from "../service/errors/revertData";
import { loadContractAbis } from "../service/rpc/contractAbis";
import type { MarketParams } from "../sim/params";
import type { DammContracts } from "./deploy";
import type { Op, Outcome, StepResult } from "./ops";
import { markPrice } from "../sim/curve";
import { fromOracleAnswer, fromWad, NO_DEADLINE } from "./wad";

/** Minimal JSON-RPC access (ethers providers and Hardhat's EIP-1193 provider both fit). */
export interface RpcSender {
  send(method: string, params: unknown[]): Promise<unknown>;
}

export interface LockstepDeps {
  readonly contracts: DammContracts;
  /** Signer of every account that sends ops (address → signer, any case). */
  readonly signers: ReadonlyMap<string, Signer>;
  readonly rpc: RpcSender;
  /** Latest block reader (number, timestamp). */
  readonly latestBlock: () => Promise<{ number: number; timestamp: number }>;
  /** Gas limit of every op transaction (skips estimateGas so reverts are mined). */
  readonly gasLimit?: bigint;
}

const GAS_LIMIT = 2_000_000n;


export class Lockstep {
  readonly core: MarketCore;
  private readonly errors: Interface;
  private readonly chIface: Interface;
  private readonly marketIface: Interface;
  private lastTime: number;
  private lastBlock: number;
  /** Earliest timestamp of the next transaction (set by `advance` ops). */
  private targetTime: number;
  private index = 0;
  readonly gasByKind = new Map<string, { count: number; gas: bigint }>();

  private constructor(private readonly d: LockstepDeps, core: MarketCore, time: number, block: number) {
    this.core = core;
    this.lastTime = time;
    this.lastBlock = block;
    this.targetTime = time;
    this.errors = mergeErrorAbis(loadContractAbis().all);
    this.chIface = d.contracts.clearingHouse.interface as unknown as Interface;
    this.marketIface = d.contracts.market.interface as unknown as Interface;
  }

  /**
   * Builds the mirror of a freshly deployed market (no trade yet): MarketCore starts from the
   * on-chain state — reserves, peg, sqrtK, budget, reserved share, every parameter, the TWAPs'
   * start time (the deployment's timestamp) and the oracle answer with its timestamp.
   */
  static async create(d: LockstepDeps): Promise<Lockstep> {
    const m = d.contracts.market;
    const s = await m.marketState();
    if (marketHasTraded(s)) {
      throw new Error("Lockstep.create: the market has traded already; the mirror needs a fresh deployment");
    }
    const p = s.params;
    const n = (v: bigint): number => Number(v);
    const params: MarketParams = {
      feeBps: n(p.feeBps),
      reserveShareBps: n(p.reserveShareBps),
      imBps: n(p.imBps),
      mmBps: n(p.mmBps),
      liquidationFeeBps: n(p.liquidationFeeBps),
      fundingPeriod: n(p.fundingPeriod),
      twapWindow: n(p.twapWindow),
      fundingCapBps: n(p.fundingCapBps),
      fundingBudgetShareBps: n(p.fundingBudgetShareBps),
      maxOracleAgeHooks: n(p.maxOracleAgeHooks),
      maxOracleAgeMargin: n(p.maxOracleAgeMargin),
      maxOracleTwapDivergenceBps: n(p.maxOracleTwapDivergenceBps),
      maxPegChangeBps: n(p.maxPegChangeBps),
      maxKIncreaseBps: n(p.maxKIncreaseBps),
      maxKDecreaseBps: n(p.maxKDecreaseBps),
      hookCooldownBlocks: n(p.hookCooldownBlocks),
      dailyCostCapBps: n(p.dailyCostCapBps),
      fluctuationLimitBps: n(p.fluctuationLimitBps),
      maxOpenInterest: fromWad(p.maxOpenInterest),
      maxDailyKDecreaseBps: n(p.maxDailyKDecreaseBps),
      hookWindowSeconds: n(p.hookWindowSeconds),
      oracleBreakerBps: n(p.oracleBreakerBps),
      maxLiquidationSlippageBps: n(p.maxLiquidationSlippageBps),
    };
    const [, answer, , updatedAt] = await d.contracts.aggregator.latestRoundData();
    const t0 = Number(s.lastFundingTime);
    const latest = await d.latestBlock();
    const core = new MarketCore({
      peg: fromWad(s.peg),
      sqrtK: fromWad(s.sqrtK),
      baseReserve: fromWad(s.baseReserve),
      quoteReserve: fromWad(s.quoteReserve),
      budget: fromWad(s.budget),
      reservedShare: fromWad(s.reservedShare),
      time: t0,
      block: latest.number,
      oraclePrice: fromWad(s.oracleTwap),
      params,
    });
    core.setOracle(fromOracleAnswer(answer), Number(updatedAt));
    core.advance(latest.timestamp, latest.number);
    return new Lockstep(d, core, latest.timestamp, latest.number);
  }

  get time(): number {
    return this.lastTime;
  }

  get block(): number {
    return this.lastBlock;
  }

  /** Timestamp the next transaction will carry. */
  get nextTime(): number {
    return Math.max(this.lastTime + 1, this.targetTime);
  }

  /** Applies one op to both backends; never throws for a revert (it is reported per side). */
  async apply(op: Op): Promise<StepResult> {
    const index = this.index++;
    if (op.kind === "advance") {
      if (!(op.seconds >= 0)) throw new Error(`advance: seconds must be ≥ 0, got ${op.seconds}`);
      this.targetTime = Math.max(this.targetTime, this.lastTime) + op.seconds;
      const ok: Outcome = { ok: true, values: {} };
      return { index, op, block: this.lastBlock, time: this.lastTime, chain: ok, sim: ok, gasUsed: 0n };
    }
    const { chain, gasUsed } = await this.sendChain(op);
    const sim = this.applySim(op);
    const g = this.gasByKind.get(op.kind) ?? { count: 0, gas: 0n };
    this.gasByKind.set(op.kind, { count: g.count + 1, gas: g.gas + gasUsed });
    return { index, op, block: this.lastBlock, time: this.lastTime, chain, sim, gasUsed };
  }

  /**
   * Mirrors a transaction someone else sent (the keeper's repeg / updateK) into MarketCore at the
   * block it was mined in, and reports both sides' values (the chain's from its receipt's logs).
   */
  mirrorExternal(op: Exclude<Op, { kind: "advance" }>, receipt: TransactionReceipt, blockTimestamp: number): StepResult {
    const index = this.index++;
    this.noteBlock(receipt.blockNumber, blockTimestamp);
    const chain: Outcome = receipt.status === 1 ? { ok: true, values: this.chainValues(op, receipt.logs) } : { ok: false, error: "reverted" };
    const sim = this.applySim(op, chain.ok);
    return { index, op, block: this.lastBlock, time: this.lastTime, chain, sim, gasUsed: receipt.gasUsed };
  }

  /** Pins the next block's timestamp (for transactions sent outside `apply`, e.g. the keeper's). */
  async pinNextTimestamp(): Promise<number> {
    const t = this.nextTime;
    await this.d.rpc.send("evm_setNextBlockTimestamp", [t]);
    return t;
  }

  /** Advances the mirror's clock to the chain's latest block (after blocks mined elsewhere). */
  async syncClock(): Promise<void> {
    const b = await this.d.latestBlock();
    this.noteBlock(b.number, b.timestamp);
  }

  private noteBlock(block: number, time: number): void {
    if (block < this.lastBlock || time < this.lastTime) return;
    this.lastBlock = block;
    this.lastTime = time;
    this.core.advance(time, block);
  }

  private signer(account: string): Signer {
    const s = this.d.signers.get(account) ?? this.d.signers.get(account.toLowerCase());
    if (!s) throw new Error(`lockstep: no signer for account ${account}`);
    return s;
  }

  private async sendChain(op: Exclude<Op, { kind: "advance" }>): Promise<{ chain: Outcome; gasUsed: bigint }> {
    const c = this.d.contracts;
    const signer = this.signer(op.account);
    const market = c.addresses.market;
    const ch = c.clearingHouse.connect(signer);
    const o = { gasLimit: this.d.gasLimit ?? GAS_LIMIT };
    const t = await this.pinNextTimestamp();
    let tx: Promise<TransactionResponse>;
    switch (op.kind) {
      case "deposit":
        tx = ch.deposit(op.amount6, o);
        break;
      case "withdraw":
        tx = ch.withdraw(op.amount6, o);
        break;
      case "open":
        tx = ch.openPosition(market, op.isLong, op.quote, op.margin, op.baseLimit, NO_DEADLINE, o);
        break;
      case "close":
        tx = ch.closePosition(market, op.base, op.quoteLimit, NO_DEADLINE, o);
        break;
      case "addMargin":
        tx = ch.addMargin(market, op.amount, o);
        break;
      case "removeMargin":
        tx = ch.removeMargin(market, op.amount, o);
        break;
      case "liquidate":
        tx = ch.liquidate(op.trader, market, op.base, o);
        break;
      case "settleFunding":
        tx = c.market.connect(signer).settleFunding(o);
        break;
      case "observeOracle":
        tx = c.market.connect(signer).observeOracle(o);
        break;
      case "setOracle":
        tx = c.aggregator.connect(signer).setAnswer(op.answer, o);
        break;
      case "setRound":
        tx = c.aggregator.connect(signer).setRound(op.answer, op.updatedAt, op.lag, o);
        break;
      case "repeg":
        tx = c.market.connect(signer).repeg(op.newPeg, o);
        break;
      case "repegToward":
        tx = c.market.connect(signer).repegToward(op.targetPeg, op.minPeg, o);
        break;
      case "updateK":
        tx = c.market.connect(signer).updateK(op.newSqrtK, o);
        break;
    }
    try {
      const receipt = await (await tx).wait();
      if (!receipt) throw new Error("no receipt");
      this.noteBlock(receipt.blockNumber, t);
      return { chain: { ok: true, values: this.chainValues(op, receipt.logs) }, gasUsed: receipt.gasUsed };
    } catch (e) {
      const data = findRevertData(e);
      const b = await this.d.latestBlock();
      this.noteBlock(b.number, b.timestamp);
      if (!data) return { chain: { ok: false, error: "revert-without-data", detail: (e as Error).message }, gasUsed: 0n };
      const parsed = this.errors.parseError(data);
      return { chain: { ok: false, error: parsed?.name ?? `unknown(${data.slice(0, 10)})`, detail: parsed ? parsed.args.join(", ") : data }, gasUsed: 0n };
    }
  }

  /** The chain's reported values of an op, from the receipt's logs (natural units). */
  private chainValues(op: Op, logs: readonly Log[]): Record<string, number> {
    const v: Record<string, number> = {};
    let fundingPaid = 0;
    for (const log of logs) {
      const parsed = this.parse(log);
      if (!parsed) continue;
      const a = parsed.args;
      switch (parsed.name) {
        case "PositionChanged":
          v.baseDelta = fromWad(a.baseDelta as bigint);
          // The contract reports what the trader received; the simulator what it paid.
          v.quotePaid = -fromWad(a.quoteDelta as bigint);
          v.fee = fromWad(a.fee as bigint);
          v.realisedPnl = fromWad(a.realisedPnl as bigint);
          v.newSize = fromWad(a.newSize as bigint);
          v.newMargin = fromWad(a.newMargin as bigint);
          break;
        case "FundingPaid":
          fundingPaid += fromWad(a.amount as bigint);
          break;
        case "Liquidated":
          v.baseClosed = fromWad(a.baseClosed as bigint);
          v.quoteClosed = fromWad(a.quoteClosed as bigint);
          v.liquidationFee = fromWad(a.liquidationFee as bigint);
          v.toLiquidator = fromWad(a.toLiquidator as bigint);
          break;
        case "BadDebtRecorded":
          v.badDebt = fromWad(a.amount as bigint);
          v.fromReserve = fromWad(a.fromReserve as bigint);
          v.fromBudget = fromWad(a.fromBudget as bigint);
          v.uncovered = fromWad(a.uncovered as bigint);
          break;
        case "FundingSettled":
          v.f = fromWad(a.f as bigint);
          v.fLong = fromWad(a.fLong as bigint);
          v.fShort = fromWad(a.fShort as bigint);
          v.ammReceived = fromWad(a.ammReceived as bigint);
          v.ammPaid = fromWad(a.ammPaid as bigint);
          v.markTwap = fromWad(a.markTwap as bigint);
          v.oracleTwap = fromWad(a.oracleTwap as bigint);
          break;
        case "PegUpdated":
        case "KUpdated":
          v.cost = fromWad(a.cost as bigint);
          v.newMark = fromWad(a.newMark as bigint);
          if (parsed.name === "PegUpdated" && op.kind === "repegToward") v.newPeg = fromWad(a.newPeg as bigint);
          break;
        default:
          break;
      }
    }
    if (op.kind === "open" || op.kind === "close" || op.kind === "liquidate") v.fundingPaid = fundingPaid;
    if (op.kind === "liquidate") {
      // The simulator's Liquidated event carries the curve leg's fee and PnL, not the size deltas.
      for (const k of ["baseDelta", "quotePaid", "newSize", "newMargin"]) delete v[k];
    } else {
      // MarketCore reports bad debt on its Liquidated event only; a trader's own close that ends
      // in bad debt is compared through the budget and reserved share instead.
      for (const k of ["badDebt", "fromReserve", "fromBudget", "uncovered"]) delete v[k];
    }
    return v;
  }

  private parse(log: Log) {
    for (const iface of [this.chIface, this.marketIface]) {
      try {
        const p = iface.parseLog(log);
        if (p) return p;
      } catch {
        // not this contract's event
      }
    }
    return null;
  }

  /** Applies the op to MarketCore at the current (time, block). */
  /**
   * The float64 peg the mirror applies for an on-chain peg. A repeg fitted to an almost-spent
   * budget/cap can move the peg by a few wei (≲ 1e-16 relative): a real, accepted step on-chain, but
   * below float64 resolution, so the same number would leave the simulator's mark where it was and
   * be refused as "not toward the oracle". Such a step is mirrored as the smallest float step that
   * moves the mark toward the oracle (its cost and effect stay ≲ 1e-15 relative, far inside the
   * parity tolerance), so its side effects (TWAP sample, hook window, cooldown) are mirrored too.
   */
  private representablePeg(newPegWad: bigint, acceptedOnChain: boolean): number {
    const newPeg = fromWad(newPegWad);
    const s = this.core.state();
    const up = s.oracle > s.mark;
    const moved = markPrice(s.x, s.y, newPeg);
    // Only a tiny step the chain accepted (so toward the oracle) that float64 does not see in the
    // mark is nudged; anything else goes as is and is judged by the simulator.
    if (!acceptedOnChain || s.mark === s.oracle || (up ? moved > s.mark : moved < s.mark) || Math.abs(newPeg - s.peg) > s.peg * 1e-12) return newPeg;
    let peg = s.peg;
    for (let i = 0; i < 64; i++) {
      peg = up ? nextUp(peg) : nextDown(peg);
      const mark = markPrice(s.x, s.y, peg);
      if (up ? mark > s.mark : mark < s.mark) return peg;
    }
    return newPeg;
  }

  private applySim(op: Exclude<Op, { kind: "advance" }>, acceptedOnChain = false): Outcome {
    const core = this.core;
    try {
      switch (op.kind) {
        case "deposit":
          core.deposit(op.account, Number(op.amount6) / 1e6);
          return { ok: true, values: {} };
        case "withdraw":
          core.withdraw(op.account, Number(op.amount6) / 1e6);
          return { ok: true, values: {} };
        case "open":
        case "close": {
          const r =
            op.kind === "open"
              ? core.openPosition(op.account, op.isLong, fromWad(op.quote), fromWad(op.margin), fromWad(op.baseLimit))
              : core.closePosition(op.account, fromWad(op.base), fromWad(op.quoteLimit));
          return {
            ok: true,
            values: { baseDelta: r.baseDelta, quotePaid: r.quoteDelta, fee: r.fee, realisedPnl: r.realisedPnl, newSize: r.newSize, newMargin: r.newMargin, fundingPaid: r.fundingPaid },
          };
        }
        case "addMargin":
          core.addMargin(op.account, fromWad(op.amount));
          return { ok: true, values: {} };
        case "removeMargin":
          core.removeMargin(op.account, fromWad(op.amount));
          return { ok: true, values: {} };
        case "liquidate": {
          const fundingPaid = core.pendingFunding(op.trader);
          const r = core.liquidate(op.account, op.trader, fromWad(op.base));
          const values: Record<string, number> = { fee: r.takerFee, realisedPnl: r.realisedPnl, baseClosed: r.baseClosed, quoteClosed: r.quoteClosed, liquidationFee: r.liquidationFee, toLiquidator: r.toLiquidator, fundingPaid };
          if (r.badDebt > 0) Object.assign(values, { badDebt: r.badDebt, fromReserve: r.fromReserve, fromBudget: r.fromBudget, uncovered: r.uncovered });
          return { ok: true, values };
        }
        case "settleFunding": {
          const r = core.settleFunding();
          return { ok: true, values: { f: r.f, fLong: r.fLong, fShort: r.fShort, ammReceived: r.ammReceived, ammPaid: r.ammPaid, markTwap: r.markTwap, oracleTwap: r.oracleTwap } };
        }
        case "observeOracle":
          core.observeOracle();
          return { ok: true, values: {} };
        case "setOracle":
          core.setOracle(fromOracleAnswer(op.answer), this.lastTime);
          return { ok: true, values: {} };
        case "setRound":
          // OracleLib: updatedAt 0 or answeredInRound < roundId is an incomplete round.
          core.setOracle(fromOracleAnswer(op.answer), op.updatedAt, { incomplete: op.lag > 0 || op.updatedAt === 0 });
          return { ok: true, values: {} };
        case "repeg": {
          const r = core.repeg(this.representablePeg(op.newPeg, acceptedOnChain));
          return { ok: true, values: { cost: r.cost, newMark: r.newMark } };
        }
        case "repegToward": {
          const r = core.repegToward(fromWad(op.targetPeg), fromWad(op.minPeg));
          return { ok: true, values: { cost: r.cost, newMark: r.newMark, newPeg: r.newPeg } };
        }
        case "updateK": {
          const r = core.updateK(fromWad(op.newSqrtK));
          return { ok: true, values: { cost: r.cost, newMark: r.newMark } };
        }
      }
    } catch (e) {
      if (e instanceof SimRevert) return { ok: false, error: e.name, detail: e.args.join(", ") };
      throw e;
    }
  }
}

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/** The next float64 above a positive finite x. */
function nextUp(x: number): number {
  F64[0] = x;
  U64[0] += 1n;
  return F64[0];
}

/** The next float64 below a positive finite x. */
function nextDown(x: number): number {
  F64[0] = x;
  U64[0] -= 1n;
  return F64[0];
}

/**
 * True once a market has had a trade or a hook (open interest, or a mark TWAP update after the
 * deployment's): the mirror, and so `npm run traders`, needs one that has not.
 */
export function marketHasTraded(s: { longOI: bigint; shortOI: bigint; markTwapTimestamp: bigint; lastFundingTime: bigint }): boolean {
  return s.longOI !== 0n || s.shortOI !== 0n || s.markTwapTimestamp !== s.lastFundingTime;
}
