/**
 * The exact per-trader market core: `ClearingHouse` + one `VammMarket` of SPEC §1–§6 in float64.
 * One method per contract entry point, same argument order (the market address is implied: one
 * core = one market), same formulas and order of operations, same custom-error names. Time and
 * block number are explicit (`advance`) so a sequence can be replayed on-chain by the parity test.
 * Every entry point is atomic: a revert restores the state, as the EVM does.
 */
import type { MarketObservation } from "../core/policyTypes";
import { type BadDebtCover, coverBadDebt } from "./badDebt";
import {
  closeLongQuote,
  closeShortQuote,
  closeValue,
  kCostClosedForm,
  kCostDirect,
  markPrice,
  maxLiquidationBase,
  quoteToBase,
  repegCostClosedForm,
  repegCostDirect,
  reservesAfterK,
  xAfterLong,
  xAfterShort,
} from "./curve";
import type { FeeSplit, FundingSettled, HookPreview, KUpdated, Liquidated, MarketCoreConfig, PegUpdated, Position, PositionChanged } from "./coreTypes";
import { type Refusal, revert, SimRevert } from "./errors";
import { computeFunding } from "./funding";
import {
  breakerTripped,
  checkDivergence,
  checkKDecreaseCap,
  checkKShape,
  checkMoveCap,
  checkOracle,
  checkRepegShape,
  checkSpend,
  commitSpend,
  fitRepegPeg,
  type HookLedger,
  kDecreaseBps,
  kIncreaseMoveBps,
  newHookLedger,
  pegMoveBps,
  recordFundingSpend,
  spendRoom,
} from "./guards";
import { makeParams, type MarketParams, validateParams } from "./params";
import { roundForStorage, storePosition } from "./storageGrid";
import { updateTwap } from "./twap";

interface CoreState {
  x: number;
  y: number;
  peg: number;
  sqrtK: number;
  longOI: number;
  shortOI: number;
  hook: HookLedger;
  reservedShare: number;
  uncoveredBadDebt: number;
  /** Uncovered bad debt that found no open interest on the side it is charged to (SPEC §3). */
  unsocializedBadDebt: number;
  /** Last valid oracle answer the market observed: the oracle TWAP's next fold, the margin price's fallback. */
  lastOraclePrice: number;
  /** FLAG_VOLATILE: the last observation was more than oracleBreakerBps from the oracle TWAP. */
  volatile: boolean;
  /** Per-market collateral account (SPEC §3): the tokens that back this market; payouts are capped by it. */
  marketCollateral: number;
  /** Σ claims on this market (payouts it could not make). */
  claimsTotal: number;
  markTwap: number;
  markTwapTs: number;
  oracleTwap: number;
  oracleTwapTs: number;
  cumFundingLong: number;
  cumFundingShort: number;
  lastFundingTime: number;
  oraclePrice: number;
  oracleUpdatedAt: number;
  oracleIncomplete: boolean;
  now: number;
  block: number;
  tradeBlock: number;
  blockStartMark: number;
  reduceUsedInBlock: boolean;
  lastHookTime: number;
  paused: boolean;
  globalPaused: boolean;
  reduceOnly: boolean;
  fees: FeeSplit;
}

export class MarketCore {
  private params: MarketParams;
  private s: CoreState;
  private readonly free = new Map<string, number>();
  private readonly positions = new Map<string, Position>();
  /** Claims on this market by account (payouts it could not make); written only by a payout, the last step of an entry point. */
  private readonly claims = new Map<string, number>();

  constructor(cfg: MarketCoreConfig) {
    this.params = makeParams(cfg.params);
    const x = cfg.baseReserve ?? cfg.sqrtK;
    const y = cfg.quoteReserve ?? cfg.sqrtK;
    if (!(cfg.sqrtK > 0 && x > 0 && y > 0 && cfg.peg > 0)) throw new Error("MarketCore: peg, sqrtK and reserves must be > 0");
    if (Math.abs(x * y - cfg.sqrtK * cfg.sqrtK) > 1e-9 * cfg.sqrtK * cfg.sqrtK) throw new Error("MarketCore: baseReserve·quoteReserve must equal sqrtK²");
    if (!(cfg.oraclePrice > 0)) throw new Error(`MarketCore: oraclePrice must be > 0, got ${cfg.oraclePrice}`);
    const mark = markPrice(x, y, cfg.peg);
    this.s = {
      x,
      y,
      peg: cfg.peg,
      sqrtK: cfg.sqrtK,
      longOI: 0,
      shortOI: 0,
      hook: newHookLedger(cfg.budget ?? 0),
      reservedShare: cfg.reservedShare ?? 0,
      uncoveredBadDebt: 0,
      unsocializedBadDebt: 0,
      lastOraclePrice: cfg.oraclePrice,
      volatile: false,
      marketCollateral: (cfg.budget ?? 0) + (cfg.reservedShare ?? 0),
      claimsTotal: 0,
      markTwap: mark,
      markTwapTs: cfg.time,
      oracleTwap: cfg.oraclePrice,
      oracleTwapTs: cfg.time,
      cumFundingLong: 0,
      cumFundingShort: 0,
      lastFundingTime: cfg.time,
      oraclePrice: cfg.oraclePrice,
      oracleUpdatedAt: cfg.time,
      oracleIncomplete: false,
      now: cfg.time,
      block: cfg.block,
      tradeBlock: -1,
      blockStartMark: mark,
      reduceUsedInBlock: false,
      lastHookTime: -Infinity,
      paused: false,
      globalPaused: false,
      reduceOnly: false,
      fees: { fee: 0, toBudget: 0, toReserve: 0 },
    };
  }

  // ───────────────────────────── environment (chain & oracle) ─────────────────────────────

  /** Moves the clock (block.timestamp, block.number); never backwards. */
  advance(time: number, block: number): void {
    if (time < this.s.now || block < this.s.block) throw new Error(`advance: time/block must not go back (now ${this.s.now}/${this.s.block}, got ${time}/${block})`);
    this.s.now = time;
    this.s.block = block;
  }

  /** MockAggregator.setAnswer / setRound: the next oracle read sees this answer. */
  setOracle(price: number, updatedAt: number = this.s.now, opts: { incomplete?: boolean } = {}): void {
    this.s.oraclePrice = price;
    this.s.oracleUpdatedAt = updatedAt;
    this.s.oracleIncomplete = opts.incomplete ?? false;
  }

  // ───────────────────────────── vault ─────────────────────────────

  deposit(trader: string, amount: number): void {
    if (!(amount > 0)) throw new SimRevert("CH_ZeroAmount");
    this.free.set(trader, this.freeCollateral(trader) + amount);
  }

  /** Free collateral only; open to the last even when paused (SPEC §6). */
  withdraw(trader: string, amount: number): void {
    if (!(amount > 0)) throw new SimRevert("CH_ZeroAmount");
    const free = this.freeCollateral(trader);
    if (amount > free) throw new SimRevert("CH_InsufficientCollateral", free, amount);
    this.free.set(trader, free - amount);
  }

  // ───────────────────────────── trading ─────────────────────────────

  /**
   * Increase / reduce / reverse per SPEC §3. `baseLimit`: min base received (long) / max base
   * owed (short) over the total base moved; 0 = no limit.
   */
  openPosition(trader: string, isLong: boolean, quoteNotional: number, marginToAdd: number, baseLimit: number, deadline = Infinity): PositionChanged {
    return this.atomic([trader], () => {
      this.requireTradable(deadline);
      if (!(quoteNotional > 0)) throw new SimRevert("CH_ZeroAmount");
      const pos = this.positions.get(trader) ?? { size: 0, openNotional: 0, margin: 0, fundingSnap: 0 };
      this.positions.set(trader, pos);
      if (marginToAdd > 0) this.moveToMargin(trader, pos, marginToAdd);
      const fundingPaid = this.settlePositionFunding(pos);
      this.beginTradeInBlock();
      const sizeBefore = pos.size;
      let quoteDelta = 0;
      let fee = 0;
      let pnl = 0;
      let increased = false;
      if (pos.size === 0 || pos.size > 0 === isLong) {
        if (pos.size === 0) pos.fundingSnap = isLong ? this.s.cumFundingLong : this.s.cumFundingShort;
        const r = this.increase(pos, isLong, quoteNotional);
        quoteDelta += r.quoteDelta;
        fee += r.fee;
        increased = true;
      } else {
        const cv = closeValue(this.s.x, this.s.y, this.s.sqrtK, this.s.peg, pos.size);
        if (quoteNotional < cv) {
          const base = quoteToBase(this.s.x, this.s.y, this.s.sqrtK, this.s.peg, isLong, quoteNotional);
          const r = this.reduce(pos, base);
          quoteDelta += r.quoteDelta;
          fee += r.fee;
          pnl += r.pnl;
        } else {
          const r = this.reduce(pos, Math.abs(pos.size));
          quoteDelta += r.quoteDelta;
          fee += r.fee;
          pnl += r.pnl;
          const rest = quoteNotional - cv;
          if (rest > 0) {
            pos.fundingSnap = isLong ? this.s.cumFundingLong : this.s.cumFundingShort;
            const r2 = this.increase(pos, isLong, rest);
            quoteDelta += r2.quoteDelta;
            fee += r2.fee;
            increased = true;
          }
        }
      }
      // Check order = the contracts': OI cap and fluctuation (market), then base limit and margin (ClearingHouse).
      if (increased) {
        const oi = this.s.longOI + this.s.shortOI;
        if (oi > this.params.maxOpenInterest) throw new SimRevert("Vamm_OpenInterestCapExceeded", oi, this.params.maxOpenInterest);
        // Opens need a valid oracle (SPEC §6); reduces, closes and liquidations never read it.
        this.requireValidOracle();
      }
      this.checkFluctuation(!increased);
      const baseMoved = Math.abs(pos.size - sizeBefore);
      if (baseLimit > 0 && (isLong ? baseMoved < baseLimit : baseMoved > baseLimit)) throw new SimRevert("CH_BaseLimitExceeded", baseMoved, baseLimit);
      if (pos.size !== 0) roundForStorage(pos); // the margin checks see the stored values (SPEC §8)
      if (increased) {
        const required = (pos.openNotional * this.params.imBps) / 1e4;
        if (pos.margin < required) throw new SimRevert("CH_BelowInitialMargin", pos.margin, required);
      } else if (pos.size !== 0 && pos.margin < 0) throw new SimRevert("CH_NegativeMargin", pos.margin); // SPEC §8: a partial reduce may not leave negative margin
      if (pos.size !== 0) storePosition(pos);
      const { marginReturned } = this.finishIfClosed(trader, pos, !isLong); // ends at 0 only by closing the other side
      return { trader, baseDelta: pos.size - sizeBefore, quoteDelta, fee, realisedPnl: pnl, fundingPaid, newSize: pos.size, newMargin: pos.margin, marginReturned };
    });
  }

  /** Partial or full close (baseSize 0 = all); `quoteLimit`: min quote out (long) / max quote in (short); 0 = none. */
  closePosition(trader: string, baseSize: number, quoteLimit: number, deadline = Infinity): PositionChanged {
    return this.atomic([trader], () => {
      this.requireTradable(deadline);
      const pos = this.requirePosition(trader);
      const abs = Math.abs(pos.size);
      if (baseSize > abs) throw new SimRevert("CH_SizeExceedsPosition", baseSize, abs);
      const base = baseSize === 0 ? abs : baseSize;
      const fundingPaid = this.settlePositionFunding(pos);
      this.beginTradeInBlock();
      const sizeBefore = pos.size;
      const r = this.reduce(pos, base);
      const quote = Math.abs(r.quoteDelta);
      this.checkFluctuation(true);
      if (quoteLimit > 0 && (sizeBefore > 0 ? quote < quoteLimit : quote > quoteLimit)) throw new SimRevert("CH_QuoteLimitExceeded", quote, quoteLimit);
      if (pos.size !== 0) roundForStorage(pos); // the margin check sees the stored value (SPEC §8)
      if (pos.size !== 0 && pos.margin < 0) throw new SimRevert("CH_NegativeMargin", pos.margin); // SPEC §8: partial close
      if (pos.size !== 0) storePosition(pos);
      const { marginReturned } = this.finishIfClosed(trader, pos, r.wasLong);
      return { trader, baseDelta: pos.size - sizeBefore, quoteDelta: r.quoteDelta, fee: r.fee, realisedPnl: r.pnl, fundingPaid, newSize: pos.size, newMargin: pos.margin, marginReturned };
    });
  }

  addMargin(trader: string, amount: number): void {
    this.atomic([trader], () => {
      const pos = this.marginChangePosition(trader, amount);
      this.moveToMargin(trader, pos, amount);
      storePosition(pos);
    });
  }

  /**
   * Needs a valid oracle (SPEC §3); after removal the equity must stay ≥ value·imBps on both the
   * curve's close value and the oracle value (funding settled first; the curve is checked first).
   */
  removeMargin(trader: string, amount: number): void {
    this.atomic([trader], () => {
      const pos = this.marginChangePosition(trader, amount, true);
      pos.margin -= amount;
      if (pos.margin < 0) throw new SimRevert("CH_NegativeMargin", pos.margin);
      roundForStorage(pos); // the equity checks see the stored margin
      const cv = closeValue(this.s.x, this.s.y, this.s.sqrtK, this.s.peg, pos.size);
      this.requireInitialMargin(pos, cv);
      this.requireInitialMargin(pos, Math.abs(pos.size) * this.s.oraclePrice);
      // Refused, not turned into a claim, when the market's collateral cannot pay it.
      if (amount > this.s.marketCollateral) throw new SimRevert("CH_MarketCollateralShort", "market", this.s.marketCollateral, amount);
      this.s.marketCollateral -= amount;
      this.free.set(trader, this.freeCollateral(trader) + amount);
      storePosition(pos);
    });
  }

  private requireInitialMargin(pos: Position, value: number): void {
    const equity = pos.margin + (pos.size > 0 ? value - pos.openNotional : pos.openNotional - value);
    const required = (value * this.params.imBps) / 1e4;
    if (equity < required) throw new SimRevert("CH_BelowInitialMargin", equity, required);
  }

  /**
   * SPEC §3 liquidation: equity/closeValue < mm; close `baseSize` (0 = all; all when the remaining
   * margin would be ≤ 0) through the curve with its taker fee, then the liquidation fee, half (floor)
   * to the liquidator, rest to the reserved share; negative margin = bad debt from reserve, then budget, then uncovered. Exempt from the
   * fluctuation limit and allowed in reduce-only.
   */
  liquidate(liquidator: string, trader: string, baseSize: number): Liquidated {
    return this.atomic([trader, liquidator], () => {
      this.requireNotPaused();
      const pos = this.requirePosition(trader);
      this.settlePositionFunding(pos);
      // Eligibility on the margin price (the oracle, or its last valid answer), never the curve (SPEC §3).
      const price = this.marginPrice();
      const value = Math.abs(pos.size) * price;
      const equity = pos.margin + (pos.size > 0 ? value - pos.openNotional : pos.openNotional - value);
      if (!(equity * 1e4 < this.params.mmBps * value)) throw new SimRevert("CH_NotLiquidatable", equity, (value * this.params.mmBps) / 1e4);
      this.beginTradeInBlock();
      const abs = Math.abs(pos.size);
      let base = baseSize === 0 || baseSize >= abs ? abs : baseSize;
      if (base < abs && this.marginAfterLiquidating(pos, base) <= 0) base = abs;
      // Execution band: the close may not push the mark more than maxLiquidationSlippageBps beyond the
      // margin price; a larger one is cut (the rest stays liquidatable, closed in later blocks).
      const bMax = maxLiquidationBase(this.s.x, this.s.sqrtK, this.s.peg, pos.size > 0, price, this.params.maxLiquidationSlippageBps);
      if (!(bMax > 0)) throw new SimRevert("CH_LiquidationBeyondBand", this.mark(), price);
      if (base > bMax) base = bMax;
      const r = this.reduce(pos, base);
      const quoteClosed = Math.abs(r.quoteDelta);
      const liquidationFee = (quoteClosed * this.params.liquidationFeeBps) / 1e4;
      const toLiquidator = liquidationFee / 2;
      const toReserve = liquidationFee - toLiquidator;
      pos.margin -= liquidationFee;
      this.payFromMarket(liquidator, toLiquidator);
      this.s.reservedShare += toReserve;
      const fullyClosed = pos.size === 0;
      const badDebt = fullyClosed && pos.margin < 0 ? -pos.margin : 0;
      if (!fullyClosed) storePosition(pos);
      const done = this.finishIfClosed(trader, pos, r.wasLong);
      const cover = done.cover ?? { fromReserve: 0, fromBudget: 0, uncovered: 0 };
      return { trader, liquidator, baseClosed: base, quoteClosed, realisedPnl: r.pnl, takerFee: r.fee, liquidationFee, toLiquidator, toReserve, marginReturned: done.marginReturned, fullyClosed, badDebt, fromReserve: cover.fromReserve, fromBudget: cover.fromBudget, uncovered: cover.uncovered };
    });
  }

  // ───────────────────────────── funding & oracle ─────────────────────────────

  settleFunding(): FundingSettled {
    return this.atomic([], () => {
      this.requireNotPaused();
      const due = this.s.lastFundingTime + this.params.fundingPeriod;
      if (this.s.now < due) throw new SimRevert("Vamm_FundingNotDue", due, this.s.now);
      this.readOracle(this.params.maxOracleAgeMargin);
      this.updateMarkTwap();
      const room = spendRoom(this.s.hook, this.s.now, this.params);
      const r = computeFunding(this.s.markTwap, this.s.oracleTwap, this.s.longOI, this.s.shortOI, this.s.hook.budget, room, this.params);
      // The AMM's payment shares the hooks' rolling daily cost window (SPEC §5).
      recordFundingSpend(this.s.hook, this.s.now, r.ammPaid);
      this.s.cumFundingLong += r.fLong;
      this.s.cumFundingShort += r.fShort;
      this.s.hook.budget += r.ammReceived - r.ammPaid;
      this.s.lastFundingTime = this.s.now;
      return { ...r, markTwap: this.s.markTwap, oracleTwap: this.s.oracleTwap };
    });
  }

  /** Anyone may call: reads the oracle and folds it into the oracle TWAP. */
  observeOracle(): { oracle: number; oracleTwap: number } {
    return this.atomic([], () => {
      const oracle = this.readOracle(this.params.maxOracleAgeMargin);
      return { oracle, oracleTwap: this.s.oracleTwap };
    });
  }

  // ───────────────────────────── keeper hooks ─────────────────────────────

  previewRepeg(newPeg: number): HookPreview {
    const s = this.s;
    const d = s.longOI - s.shortOI;
    const costClosedForm = repegCostClosedForm(s.x, s.y, s.sqrtK, s.peg, newPeg, d);
    const costDirect = repegCostDirect(s.x, s.y, s.sqrtK, s.peg, newPeg, d);
    const refusal = this.repegRefusal(newPeg, costClosedForm);
    return { cost: costClosedForm, costClosedForm, costDirect, newMark: markPrice(s.x, s.y, newPeg), refusal };
  }

  repeg(newPeg: number): PegUpdated {
    return this.atomic([], () => this.repegCommitted(newPeg));
  }

  /** The repeg's checks and commit (inside an atomic entry point). */
  private repegCommitted(newPeg: number): PegUpdated {
    {
      const s = this.s;
      const cost = repegCostClosedForm(s.x, s.y, s.sqrtK, s.peg, newPeg, s.longOI - s.shortOI);
      const refusal = this.repegRefusal(newPeg, cost, true);
      if (refusal) revert(refusal);
      this.updateMarkTwap();
      const oldPeg = s.peg;
      s.peg = newPeg;
      commitSpend(s.hook, cost, s.now, s.block, 0, pegMoveBps(oldPeg, newPeg), this.params);
      s.lastHookTime = s.now;
      this.setBreaker(s.oraclePrice, s.oracleTwap);
      return { oldPeg, newPeg, cost, newMark: this.mark() };
    }
  }

  /**
   * `repegToward(targetPeg, minPeg)`: repegs toward `targetPeg` as far as the oracle, the move caps,
   * the budget and the rolling cost cap allow (keeper griefing, SPEC §6); refuses
   * `Vamm_RepegBelowMinimum(fittedPeg, minPeg)` when that is short of `minPeg`.
   */
  repegToward(targetPeg: number, minPeg: number): PegUpdated {
    return this.atomic([], () => {
      const s = this.s;
      const bad = this.hookOracleRefusal(false);
      if (bad) revert(bad);
      const d = s.longOI - s.shortOI;
      const a = s.y - (s.sqrtK * s.sqrtK) / (s.x + d);
      const newPeg = fitRepegPeg(s.x, s.y, s.peg, targetPeg, s.oraclePrice, a, s.hook, s.now, this.params);
      if (newPeg > s.peg ? newPeg < minPeg : newPeg > minPeg) throw new SimRevert("Vamm_RepegBelowMinimum", newPeg, minPeg);
      return this.repegCommitted(newPeg);
    });
  }

  previewUpdateK(newSqrtK: number): HookPreview {
    const s = this.s;
    const d = s.longOI - s.shortOI;
    const costDirect = kCostDirect(s.x, s.y, s.sqrtK, newSqrtK, s.peg, d);
    const costClosedForm = kCostClosedForm(s.x, s.y, s.sqrtK, newSqrtK, s.peg, d);
    const r = reservesAfterK(s.x, s.y, s.sqrtK, newSqrtK);
    return { cost: costDirect, costClosedForm, costDirect, newMark: markPrice(r.x, r.y, s.peg), refusal: this.kRefusal(newSqrtK, costDirect) };
  }

  updateK(newSqrtK: number): KUpdated {
    return this.atomic([], () => {
      const s = this.s;
      const cost = kCostDirect(s.x, s.y, s.sqrtK, newSqrtK, s.peg, s.longOI - s.shortOI);
      const refusal = this.kRefusal(newSqrtK, cost, true);
      if (refusal) revert(refusal);
      this.updateMarkTwap();
      const oldSqrtK = s.sqrtK;
      const moveBps = kIncreaseMoveBps(s.x, oldSqrtK, newSqrtK, Math.abs(s.longOI - s.shortOI));
      const r = reservesAfterK(s.x, s.y, s.sqrtK, newSqrtK);
      s.x = r.x;
      s.y = r.y;
      s.sqrtK = newSqrtK;
      commitSpend(s.hook, cost, s.now, s.block, kDecreaseBps(oldSqrtK, newSqrtK), moveBps, this.params);
      s.lastHookTime = s.now;
      this.setBreaker(s.oraclePrice, s.oracleTwap);
      return { oldSqrtK, newSqrtK, cost, newMark: this.mark() };
    });
  }

  // ───────────────────────────── admin ─────────────────────────────

  setParam<K extends keyof MarketParams>(name: K, value: MarketParams[K]): { name: K; oldValue: number; newValue: number } {
    const oldValue = this.params[name];
    this.params = Object.freeze(validateParams({ ...this.params, [name]: value }));
    return { name, oldValue, newValue: value };
  }

  setReduceOnly(on: boolean): { old: boolean; new: boolean } {
    const old = this.s.reduceOnly;
    this.s.reduceOnly = on;
    return { old, new: on };
  }

  /** Market pause (`Vamm_Paused`) or global pause (`CH_Paused`). */
  setPaused(on: boolean, scope: "market" | "global" = "market"): void {
    if (scope === "market") this.s.paused = on;
    else this.s.globalPaused = on;
  }

  /** Admin top-up of the adjustment budget (tests, scenarios). */
  fundBudget(amount: number): void {
    this.s.hook.budget += amount;
    this.s.marketCollateral += amount;
  }

  /** What the trader is owed by this market beyond what it could pay (`claimOf`). */
  claimOf(account: string): number {
    return this.claims.get(account) ?? 0;
  }

  // ───────────────────────────── views ─────────────────────────────

  mark(): number {
    return markPrice(this.s.x, this.s.y, this.s.peg);
  }

  getParams(): MarketParams {
    return this.params;
  }

  getPosition(trader: string): Readonly<Position> | undefined {
    const p = this.positions.get(trader);
    return p ? { ...p } : undefined;
  }

  freeCollateral(trader: string): number {
    return this.free.get(trader) ?? 0;
  }

  traders(): string[] {
    return [...this.positions.keys()];
  }

  /** Funding owed by the position since its last settlement (> 0: it pays). */
  pendingFunding(trader: string): number {
    const p = this.positions.get(trader);
    return p ? this.pendingOf(p) : 0;
  }

  /** `(margin + unrealisedPnl − pendingFunding) / value` at the margin price (SPEC §3). */
  marginRatio(trader: string): number {
    return this.ratioOf(this.requirePosition(trader));
  }

  state() {
    const s = this.s;
    return {
      x: s.x,
      y: s.y,
      peg: s.peg,
      sqrtK: s.sqrtK,
      mark: this.mark(),
      longOI: s.longOI,
      shortOI: s.shortOI,
      budget: s.hook.budget,
      reservedShare: s.reservedShare,
      uncoveredBadDebt: s.uncoveredBadDebt,
      unsocializedBadDebt: s.unsocializedBadDebt,
      marketCollateral: s.marketCollateral,
      claimsTotal: s.claimsTotal,
      lastOraclePrice: s.lastOraclePrice,
      volatilityBreaker: s.volatile,
      markTwap: s.markTwap,
      oracleTwap: s.oracleTwap,
      oracle: s.oraclePrice,
      cumFundingLong: s.cumFundingLong,
      cumFundingShort: s.cumFundingShort,
      lastFundingTime: s.lastFundingTime,
      now: s.now,
      block: s.block,
      fees: s.fees,
      daily: { windowIndex: s.hook.windowIndex, prevSpent: s.hook.prevSpent, curSpent: s.hook.curSpent, budgetAtWindowStart: s.hook.budgetAtWindowStart },
      kDecrease: { prevBps: s.hook.prevKDecreaseBps, curBps: s.hook.curKDecreaseBps },
      move: { windowIndex: s.hook.moveWindowIndex, prevBps: s.hook.prevMoveBps, curBps: s.hook.curMoveBps },
      paused: s.paused,
      globalPaused: s.globalPaused,
      reduceOnly: s.reduceOnly,
    };
  }

  observation(): MarketObservation {
    const s = this.s;
    return {
      time: s.now,
      baseReserve: s.x,
      quoteReserve: s.y,
      peg: s.peg,
      sqrtK: s.sqrtK,
      mark: this.mark(),
      oracle: s.oraclePrice,
      markTwap: s.markTwap,
      oracleTwap: s.oracleTwap,
      longOI: s.longOI,
      shortOI: s.shortOI,
      budget: s.hook.budget,
      reservedShare: s.reservedShare,
      volatility: 0,
      sinceLastUpdate: s.now - s.lastHookTime,
    };
  }

  // ───────────────────────────── internals ─────────────────────────────

  /** Runs fn; on any throw restores the market state and the touched accounts (EVM revert). */
  private atomic<T>(accounts: string[], fn: () => T): T {
    const saved = { ...this.s, hook: { ...this.s.hook } };
    const savedFree = accounts.map((a) => this.free.get(a));
    const savedPos = accounts.map((a) => {
      const p = this.positions.get(a);
      return p ? { ...p } : undefined;
    });
    try {
      return fn();
    } catch (e) {
      this.s = saved;
      accounts.forEach((a, i) => {
        const f = savedFree[i];
        if (f === undefined) this.free.delete(a);
        else this.free.set(a, f);
        const p = savedPos[i];
        if (p === undefined) this.positions.delete(a);
        else this.positions.set(a, p);
      });
      throw e;
    }
  }

  private requireNotPaused(): void {
    if (this.s.globalPaused) throw new SimRevert("CH_Paused");
    if (this.s.paused) throw new SimRevert("Vamm_Paused");
  }

  private requireTradable(deadline: number): void {
    this.requireNotPaused();
    if (this.s.now > deadline) throw new SimRevert("CH_DeadlinePassed", deadline, this.s.now);
  }

  private requirePosition(trader: string): Position {
    const p = this.positions.get(trader);
    if (!p || p.size === 0) throw new SimRevert("CH_NoPosition", trader, "market");
    return p;
  }

  private moveToMargin(trader: string, pos: Position, amount: number): void {
    const free = this.freeCollateral(trader);
    if (amount > free) throw new SimRevert("CH_InsufficientCollateral", free, amount);
    this.free.set(trader, free - amount);
    pos.margin += amount;
    this.s.marketCollateral += amount;
  }

  /**
   * A payout from this market (a full close's margin, the liquidator's fee share): capped by the
   * market's collateral; the rest is the account's claim on the market, which goes reduce-only.
   */
  private payFromMarket(account: string, amount: number): void {
    const s = this.s;
    const paid = amount <= s.marketCollateral ? amount : s.marketCollateral;
    s.marketCollateral -= paid;
    this.free.set(account, this.freeCollateral(account) + paid);
    if (paid === amount) return;
    this.claims.set(account, this.claimOf(account) + amount - paid);
    s.claimsTotal += amount - paid;
    s.reduceOnly = true;
  }

  private pendingOf(p: Position): number {
    if (p.size > 0) return p.size * (this.s.cumFundingLong - p.fundingSnap);
    if (p.size < 0) return -(-p.size * (this.s.cumFundingShort - p.fundingSnap));
    return 0;
  }

  /**
   * Settles lazy funding into the margin; returns what the position paid (> 0) or received (< 0).
   * `fundingSnap` is the index of the position's funding epoch: the contract stores the epoch and
   * reads that index back from its per-epoch history (the same number).
   */
  private settlePositionFunding(p: Position): number {
    const owed = this.pendingOf(p);
    p.margin -= owed;
    if (p.size > 0) p.fundingSnap = this.s.cumFundingLong;
    else if (p.size < 0) p.fundingSnap = this.s.cumFundingShort;
    return owed;
  }

  private ratioOf(p: Position): number {
    const value = Math.abs(p.size) * this.marginPrice();
    const upnl = p.size > 0 ? value - p.openNotional : p.openNotional - value;
    return (p.margin + upnl - this.pendingOf(p)) / value;
  }

  /** `marginPrice()`: the oracle answer when valid under maxOracleAgeMargin, else the last valid answer observed. */
  marginPrice(): number {
    const s = this.s;
    return checkOracle(s.oraclePrice, s.oracleUpdatedAt, s.oracleIncomplete, s.now, this.params.maxOracleAgeMargin) ? s.lastOraclePrice : s.oraclePrice;
  }

  private requireValidOracle(): void {
    const s = this.s;
    const bad = checkOracle(s.oraclePrice, s.oracleUpdatedAt, s.oracleIncomplete, s.now, this.params.maxOracleAgeMargin);
    if (bad) revert(bad);
  }

  /**
   * An oracle observation (SPEC §5): folds the answer that held since the last one (the previous
   * answer) into the oracle TWAP, stores the new answer, then sets or clears the volatility breaker.
   */
  private observe(price: number): void {
    const s = this.s;
    s.oracleTwap = updateTwap(s.oracleTwap, s.oracleTwapTs, s.lastOraclePrice, s.now, this.params.twapWindow);
    s.oracleTwapTs = s.now;
    s.lastOraclePrice = price;
    this.setBreaker(price, s.oracleTwap);
  }

  private setBreaker(price: number, twap: number): void {
    this.s.volatile = breakerTripped(price, twap, this.params);
  }

  /** Bad-debt waterfall (badDebt.ts, SPEC §3) applied to this market. */
  private coverBadDebt(debt: number, wasLong: boolean): BadDebtCover {
    const s = this.s;
    const r = coverBadDebt(debt, s.reservedShare, s.hook.budget, wasLong, s.longOI, s.shortOI);
    s.reservedShare -= r.fromReserve;
    s.hook.budget -= r.fromBudget;
    if (r.uncovered > 0) {
      s.uncoveredBadDebt += r.uncovered;
      s.reduceOnly = true;
      s.cumFundingLong += r.longIndexCharge;
      s.cumFundingShort += r.shortIndexCharge;
      s.unsocializedBadDebt += r.unsocialized;
    }
    return r;
  }

  /** The mark TWAP folded to now with the spot mark: what a trade stores, and a repeg's reference mark (HookPath, SPEC §6). */
  referenceMark(): number {
    const s = this.s;
    return updateTwap(s.markTwap, s.markTwapTs, this.mark(), s.now, this.params.twapWindow);
  }

  private updateMarkTwap(): void {
    const s = this.s;
    s.markTwap = this.referenceMark();
    s.markTwapTs = s.now;
  }

  /** Validates the oracle answer and observes it (TWAP fold of the previous answer, breaker); returns the price. */
  private readOracle(maxAge: number): number {
    const s = this.s;
    const bad = checkOracle(s.oraclePrice, s.oracleUpdatedAt, s.oracleIncomplete, s.now, maxAge);
    if (bad) revert(bad);
    this.observe(s.oraclePrice);
    return s.oraclePrice;
  }

  private beginTradeInBlock(): void {
    const s = this.s;
    if (s.tradeBlock !== s.block) {
      s.tradeBlock = s.block;
      s.blockStartMark = this.mark();
      s.reduceUsedInBlock = false;
    }
  }

  private checkFluctuation(reducing: boolean): void {
    const s = this.s;
    const moveBps = (Math.abs(this.mark() - s.blockStartMark) * 1e4) / s.blockStartMark;
    if (moveBps <= this.params.fluctuationLimitBps) return;
    if (reducing && !s.reduceUsedInBlock) {
      s.reduceUsedInBlock = true;
      return;
    }
    throw new SimRevert("Vamm_FluctuationLimitExceeded", moveBps, this.params.fluctuationLimitBps);
  }

  private chargeFee(pos: Position, notional: number): number {
    const fee = (notional * this.params.feeBps) / 1e4;
    const toReserve = (fee * this.params.reserveShareBps) / 1e4;
    const toBudget = fee - toReserve;
    pos.margin -= fee;
    this.s.hook.budget += toBudget;
    this.s.reservedShare += toReserve;
    const f = this.s.fees;
    this.s.fees = { fee: f.fee + fee, toBudget: f.toBudget + toBudget, toReserve: f.toReserve + toReserve };
    return fee;
  }

  private increase(pos: Position, isLong: boolean, q: number): { quoteDelta: number; fee: number } {
    const s = this.s;
    if (s.reduceOnly) throw new SimRevert("Vamm_ReduceOnly");
    if (s.volatile) throw new SimRevert("Vamm_VolatilityBreaker", s.lastOraclePrice, s.oracleTwap, this.params.oracleBreakerBps);
    this.updateMarkTwap();
    if (isLong) {
      const x1 = xAfterLong(s.y, s.sqrtK, s.peg, q);
      const b = s.x - x1;
      s.y = s.y + q / s.peg;
      s.x = x1;
      pos.size += b;
      s.longOI += b;
    } else {
      const x1 = xAfterShort(s.y, s.sqrtK, s.peg, q);
      if (Number.isNaN(x1)) throw new SimRevert("Vamm_InsufficientLiquidity", s.y, q / s.peg);
      const b = x1 - s.x;
      s.y = s.y - q / s.peg;
      s.x = x1;
      pos.size -= b;
      s.shortOI += b;
    }
    pos.openNotional += q;
    return { quoteDelta: isLong ? q : -q, fee: this.chargeFee(pos, q) };
  }

  /** Closes `base` of the position on the curve; realised PnL into margin; taker fee unless told not to. */
  private reduce(pos: Position, base: number, takerFee = true): { quoteDelta: number; fee: number; pnl: number; wasLong: boolean } {
    const s = this.s;
    const abs = Math.abs(pos.size);
    const full = base >= abs;
    const b = full ? abs : base;
    const wasLong = pos.size > 0;
    this.updateMarkTwap();
    const closedNotional = full ? pos.openNotional : (pos.openNotional * b) / abs;
    let quote: number;
    let pnl: number;
    if (wasLong) {
      quote = closeLongQuote(s.x, s.y, s.sqrtK, s.peg, b);
      s.x = s.x + b;
      s.y = (s.sqrtK * s.sqrtK) / s.x;
      pnl = quote - closedNotional;
      s.longOI -= b;
      pos.size = full ? 0 : pos.size - b;
    } else {
      quote = closeShortQuote(s.x, s.y, s.sqrtK, s.peg, b);
      if (Number.isNaN(quote)) throw new SimRevert("Vamm_InsufficientLiquidity", s.x, b);
      s.x = s.x - b;
      s.y = (s.sqrtK * s.sqrtK) / s.x;
      pnl = closedNotional - quote;
      s.shortOI -= b;
      pos.size = full ? 0 : pos.size + b;
    }
    if (s.longOI < 0 && s.longOI > -1e-9) s.longOI = 0;
    if (s.shortOI < 0 && s.shortOI > -1e-9) s.shortOI = 0;
    pos.openNotional = full ? 0 : pos.openNotional - closedNotional;
    pos.margin += pnl;
    const fee = takerFee ? this.chargeFee(pos, quote) : 0;
    // The trader receives the quote out of a long close and pays the quote into a short close.
    return { quoteDelta: wasLong ? -quote : quote, fee, pnl, wasLong };
  }

  /** Head of add/removeMargin: market tradable, amount > 0, (removal: a valid oracle), the trader's position with funding settled. */
  private marginChangePosition(trader: string, amount: number, needsOracle = false): Position {
    this.requireTradable(Infinity);
    if (!(amount > 0)) throw new SimRevert("CH_ZeroAmount");
    if (needsOracle) this.requireValidOracle();
    const pos = this.requirePosition(trader);
    this.settlePositionFunding(pos);
    return pos;
  }

  /** Margin left after liquidating `base` (taker and liquidation fees included), for the full-close rule. */
  private marginAfterLiquidating(pos: Position, base: number): number {
    const s = this.s;
    const abs = Math.abs(pos.size);
    const closedNotional = (pos.openNotional * base) / abs;
    const quote = pos.size > 0 ? closeLongQuote(s.x, s.y, s.sqrtK, s.peg, base) : closeShortQuote(s.x, s.y, s.sqrtK, s.peg, base);
    const pnl = pos.size > 0 ? quote - closedNotional : closedNotional - quote;
    return pos.margin + pnl - (quote * this.params.feeBps) / 1e4 - (quote * this.params.liquidationFeeBps) / 1e4;
  }

  /**
   * On a full close, returns the margin to free collateral. Negative margin is bad debt, as in a
   * liquidation (SPEC §8): from the reserved share, then the budget, the rest recorded as uncovered.
   */
  private finishIfClosed(trader: string, pos: Position, wasLong: boolean): { marginReturned: number; cover: BadDebtCover | null } {
    if (pos.size !== 0) return { marginReturned: 0, cover: null };
    this.positions.delete(trader);
    if (pos.margin < 0) return { marginReturned: 0, cover: this.coverBadDebt(-pos.margin, wasLong) };
    const m = pos.margin;
    if (m > 0) this.payFromMarket(trader, m);
    return { marginReturned: m, cover: null };
  }

  /** Hook guard chain in SPEC order (HookPath.checkRepeg); commits the oracle observation only for the real hook. */
  private repegRefusal(newPeg: number, cost: number, commitOracle = false): Refusal | null {
    const s = this.s;
    return (
      this.hookOracleRefusal(commitOracle) ??
      checkRepegShape(s.x, s.y, s.peg, newPeg, s.oraclePrice, this.referenceMark(), this.params) ??
      checkSpend(s.hook, cost, s.now, s.block, this.params) ??
      checkMoveCap(s.hook, s.now, pegMoveBps(s.peg, newPeg), this.params)
    );
  }

  /** HookPath.checkUpdateK: shape, spend, k-decrease cap, move cap. */
  private kRefusal(newSqrtK: number, cost: number, commitOracle = false): Refusal | null {
    const s = this.s;
    const absD = Math.abs(s.longOI - s.shortOI);
    return (
      this.hookOracleRefusal(commitOracle) ??
      checkKShape(s.sqrtK, newSqrtK, s.longOI - s.shortOI, this.params) ??
      checkSpend(s.hook, cost, s.now, s.block, this.params) ??
      checkKDecreaseCap(s.hook, s.now, kDecreaseBps(s.sqrtK, newSqrtK), this.params) ??
      checkMoveCap(s.hook, s.now, kIncreaseMoveBps(s.x, s.sqrtK, newSqrtK, absD), this.params)
    );
  }

  /** The head of both hook chains: pauses, oracle answer, divergence; then the TWAP commit if asked. */
  private hookOracleRefusal(commitOracle: boolean): Refusal | null {
    const s = this.s;
    const p = this.params;
    if (s.globalPaused || s.paused) return { name: s.globalPaused ? "CH_Paused" : "Vamm_Paused", args: [] };
    const bad = checkOracle(s.oraclePrice, s.oracleUpdatedAt, s.oracleIncomplete, s.now, p.maxOracleAgeHooks);
    if (bad) return bad;
    // As the contract (HookPath.load): the TWAP is folded through now with the previous answer, then
    // the new answer is compared with it; the hook's commit stores both (the breaker after the hook).
    const twap = updateTwap(s.oracleTwap, s.oracleTwapTs, s.lastOraclePrice, s.now, p.twapWindow);
    const diverged = checkDivergence(s.oraclePrice, twap, p);
    if (diverged) return diverged;
    if (commitOracle) {
      s.oracleTwap = twap;
      s.oracleTwapTs = s.now;
      s.lastOraclePrice = s.oraclePrice;
    }
    return null;
  }
}
