/**
 * The fast market for learning: the same curve / fee / funding / guard math as `MarketCore`, with
 * the positions held in typed arrays so the event loop allocates nothing. Its jobs are the market's
 * only: the curve ledger (reserves, budget, TWAPs, funding, hooks), the uninformed position slots and
 * the informed pools. Who trades and when is the trader module's (traders.ts); who is liquidated and
 * when is the liquidator's (liquidationScan.ts); the waterfall and the TWAP are shared with MarketCore
 * (badDebt.ts, twap.ts). `test/keeper/sim/fastMarket.differential.test.ts` holds the two engines
 * together (SPEC §9).
 *
 * Where it differs from the exact per-trader core (on purpose, for speed):
 * - Uninformed positions live in Float64Array slots (one per position, swap-removed on close);
 *   informed traders are pooled into one long and one short position (size, notional, margin,
 *   funding snapshot), reduced pro rata.
 * - Margin and liquidation are judged at the margin price (SPEC §3: the oracle, or its last valid
 *   answer while the oracle is bad; opens refuse a bad answer); a pool under maintenance is liquidated
 *   a quarter per sweep (it stands for many traders; partial liquidation), whole when what would be
 *   left of its margin is ≤ 0.
 * - Uninformed slots are liquidated whole (or wait for a later sweep when the execution band cannot
 *   hold the close). A trader's own close that would leave negative margin is handed to the
 *   liquidator when it is liquidatable, else it closes into bad debt (SPEC §8).
 * - Refused trades are simply dropped (nothing to roll back: every check precedes the commit, and a
 *   refused trade does not start the block, as a reverted transaction).
 * - No per-market collateral account (SPEC §9 says why it changes none of the compared state).
 * - The fluctuation rule, OI cap, reduce-only, IM check, fee split, funding and all hook guards
 *   follow SPEC exactly; hooks call the same pure functions (curve.ts, guards.ts, funding.ts).
 */
import { kCostDirect, markPrice, maxLiquidationBase, repegCostClosedForm, reservesAfterK } from "./curve";
import { coverBadDebt } from "./badDebt";
import type { Refusal } from "./errors";
import { LiquidationScanner } from "./liquidationScan";
import { FastCounters } from "./fastCounters";
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
  pegMoveBps,
  recordFundingSpend,
  spendRoom,
} from "./guards";
import type { MarketParams } from "./params";
import { updateTwap } from "./twap";

export interface FastMarketConfig {
  readonly params: MarketParams;
  readonly peg: number;
  readonly sqrtK: number;
  readonly budget: number;
  readonly reservedShare: number;
  readonly time: number;
  readonly blockTimeSec: number;
  readonly oraclePrice: number;
  readonly capacity: number;
  /** Sweep for liquidations once the oracle is this close (bps) to the liquidation envelope. */
  readonly scanMoveBps?: number;
  /** Share of an informed pool closed per liquidation sweep (default 0.25; 1 = the whole pool). */
  readonly poolLiquidationChunk?: number;
}

export class FastMarket implements HookLedger {
  // Every numeric field starts as a number (never `undefined`, which ES2022 class fields would
  // define first): V8 then keeps a Double field and updates it in place; an `undefined` start
  // makes the field Tagged and every double store allocates a new HeapNumber (GC in the hot loop).
  readonly params: MarketParams;
  readonly c = new FastCounters();
  // curve
  x = 0;
  y = 0;
  peg = 0;
  sqrtK = 0;
  k = 0;
  longOI = 0;
  shortOI = 0;
  // budget ledger (HookLedger)
  budget = 0;
  lastHookBlock = -Infinity;
  windowIndex = -1;
  prevSpent = 0;
  curSpent = 0;
  budgetAtWindowStart = 0;
  prevKDecreaseBps = 0;
  curKDecreaseBps = 0;
  moveWindowIndex = -1;
  prevMoveBps = 0;
  curMoveBps = 0;
  reservedShare = 0;
  uncoveredBadDebt = 0;
  unsocializedBadDebt = 0;
  /** Last oracle answer observed (the oracle TWAP's next fold). */
  lastOraclePrice = 0;
  /** FLAG_VOLATILE: opens refused (the last observation was more than oracleBreakerBps from the oracle TWAP). */
  volatile = false;
  lastHookTime = -Infinity;
  // TWAPs, funding, oracle
  markTwap = 0;
  markTwapTs = 0;
  oracleTwap = 0;
  oracleTwapTs = 0;
  cumLong = 0;
  cumShort = 0;
  lastFundingTime = 0;
  oracle = 0;
  oracleTs = 0;
  /** The answer's round is incomplete (answeredInRound < roundId). */
  oracleIncomplete = false;
  private readonly maxOracleAgeMargin: number = 0;
  // blocks & circuit breaker
  readonly startTime: number = 0;
  readonly blockTimeSec: number = 0;
  tradeBlock = -1;
  blockStartMark = 0;
  reduceUsed = false;
  reduceOnly = false;
  /** The liquidator bot's sweep and its trigger. */
  private readonly scanner: LiquidationScanner;
  /** Share of an informed pool a liquidator closes per sweep (partial liquidation). */
  private readonly poolLiquidationChunk: number = 0;
  private readonly liqBandBps: number = 0;
  // Hot-loop copies of the parameters. Rates are bps/1e4 precomputed: x·rate is within 1 ulp of
  // SPEC's x·bps/1e4 (the exact core keeps SPEC's form; the fast path trades a division per use).
  private readonly feeRate: number = 0;
  private readonly reserveRate: number = 0;
  private readonly imRate: number = 0;
  private readonly liqRate: number = 0;
  private readonly feeBps: number = 0;
  private readonly reserveShareBps: number = 0;
  private readonly imBps: number = 0;
  private readonly mmBps: number = 0;
  private readonly liqFeeBps: number = 0;
  private readonly fluctBps: number = 0;
  private readonly maxOI: number = 0;
  private readonly twapWindow: number = 0;
  // uninformed positions, one slot each
  readonly capacity: number = 0;
  uN = 0;
  readonly uSize: Float64Array;
  readonly uNotional: Float64Array;
  readonly uMargin: Float64Array;
  readonly uSnap: Float64Array;
  /**
   * Hot-path call arguments travel in fields: a double passed to (or returned from) a call V8 does
   * not inline is boxed on the heap, and the event loop must not allocate.
   */
  now = 0;
  argQ = 0;
  argBase = 0;
  argMark = 0;
  argMargin = 0;
  // informed pools
  iLongSize = 0;
  iLongNotional = 0;
  iLongMargin = 0;
  iLongSnap = 0;
  iShortSize = 0;
  iShortNotional = 0;
  iShortMargin = 0;
  iShortSnap = 0;

  constructor(cfg: FastMarketConfig) {
    const p = cfg.params;
    this.params = p;
    this.x = cfg.sqrtK;
    this.y = cfg.sqrtK;
    this.peg = cfg.peg;
    this.sqrtK = cfg.sqrtK;
    this.k = cfg.sqrtK * cfg.sqrtK;
    this.budget = cfg.budget;
    this.budgetAtWindowStart = cfg.budget;
    this.reservedShare = cfg.reservedShare;
    const mark = this.mark();
    this.markTwap = mark;
    this.markTwapTs = cfg.time;
    this.oracleTwap = cfg.oraclePrice;
    this.oracleTwapTs = cfg.time;
    this.lastOraclePrice = cfg.oraclePrice;
    this.lastFundingTime = cfg.time;
    this.oracle = cfg.oraclePrice;
    this.oracleTs = cfg.time;
    this.startTime = cfg.time;
    this.blockTimeSec = cfg.blockTimeSec;
    this.blockStartMark = mark;
    this.now = cfg.time;
    this.scanner = new LiquidationScanner(this, p.mmBps, cfg.scanMoveBps ?? 100);
    this.poolLiquidationChunk = cfg.poolLiquidationChunk ?? 0.25;
    this.liqBandBps = p.maxLiquidationSlippageBps;
    this.feeBps = p.feeBps;
    this.feeRate = p.feeBps / 1e4;
    this.reserveRate = p.reserveShareBps / 1e4;
    this.imRate = p.imBps / 1e4;
    this.liqRate = p.liquidationFeeBps / 1e4;
    this.reserveShareBps = p.reserveShareBps;
    this.imBps = p.imBps;
    this.mmBps = p.mmBps;
    this.liqFeeBps = p.liquidationFeeBps;
    this.fluctBps = p.fluctuationLimitBps;
    this.maxOI = p.maxOpenInterest;
    this.twapWindow = p.twapWindow;
    this.maxOracleAgeMargin = p.maxOracleAgeMargin;
    this.capacity = cfg.capacity;
    this.uSize = new Float64Array(cfg.capacity);
    this.uNotional = new Float64Array(cfg.capacity);
    this.uMargin = new Float64Array(cfg.capacity);
    this.uSnap = new Float64Array(cfg.capacity);
  }

  mark(): number {
    return (this.y * this.peg) / this.x;
  }

  blockAt(t: number): number {
    return Math.floor((t - this.startTime) / this.blockTimeSec) + 1;
  }

  // ───────────── trade primitives (hot path) ─────────────

  private beginTrade(): void {
    const b = Math.floor((this.now - this.startTime) / this.blockTimeSec);
    if (b !== this.tradeBlock) {
      this.tradeBlock = b;
      this.blockStartMark = (this.y * this.peg) / this.x;
      this.reduceUsed = false;
    }
  }

  /**
   * Fluctuation rule (SPEC §6) for a trade to `argMark` at `now`, against the block-start mark it
   * sees. A refused trade reverts on-chain, so it neither starts the block nor uses the reducing
   * trade's once-per-block allowance: only a reducing trade that passes on the allowance commits
   * here (the caller starts the block when the trade goes through).
   */
  private fluctuationOk(reducing: boolean): boolean {
    const fresh = Math.floor((this.now - this.startTime) / this.blockTimeSec) !== this.tradeBlock;
    const bsm = fresh ? (this.y * this.peg) / this.x : this.blockStartMark;
    const newMark = this.argMark;
    const move = newMark > bsm ? newMark - bsm : bsm - newMark;
    if (move * 1e4 <= this.fluctBps * bsm) return true;
    if (reducing && (fresh || !this.reduceUsed)) {
      this.beginTrade();
      this.reduceUsed = true;
      return true;
    }
    this.c.refusedFluctuation++;
    return false;
  }

  /** Folds the mark that held since the last update into the mark TWAP (twap.ts, SPEC §5). */
  private updateMarkTwap(): void {
    const t = this.now;
    this.markTwap = this.referenceMark(t);
    this.markTwapTs = t;
  }

  /** Charges the taker fee on `argQ` and splits it (the caller recomputes the fee: no double crosses the call). */
  private takeFee(): void {
    const q = this.argQ;
    const fee = q * this.feeRate;
    const toReserve = fee * this.reserveRate;
    const toBudget = fee - toReserve;
    this.budget += toBudget;
    this.reservedShare += toReserve;
    const c = this.c;
    c.feesTotal += fee;
    c.feesToBudget += toBudget;
    c.feesToReserve += toReserve;
    c.volume += q;
    c.trades++;
  }

  /** Base moved by the last successful `increase` (a field, so no double crosses a call). */
  private lastBase = 0;

  /**
   * Curve increase of quote q; false when refused (reduce-only, liquidity, fluctuation limit, OI
   * cap, initial margin of `margin` after the fee). The base moved is left in `lastBase`.
   */
  private increase(isLong: boolean): boolean {
    const q = this.argQ;
    const margin = this.argMargin;
    if (this.reduceOnly) {
      this.c.refusedReduceOnly++;
      return false;
    }
    if (this.volatile) {
      this.c.refusedVolatility++;
      return false;
    }
    // Opens need a valid oracle (SPEC §3, attack 9); closes, reduces and liquidations never read it.
    if (!this.oracleValid()) {
      this.c.refusedOracle++;
      return false;
    }
    let y1: number;
    if (isLong) y1 = this.y + q / this.peg;
    else {
      y1 = this.y - q / this.peg;
      if (!(y1 > 0)) {
        this.c.refusedLiquidity++;
        return false;
      }
    }
    const x1 = this.k / y1;
    const b = isLong ? this.x - x1 : x1 - this.x;
    this.argMark = (y1 * this.peg) / x1;
    if (!this.fluctuationOk(false)) return false;
    if (this.longOI + this.shortOI + b > this.maxOI) {
      this.c.refusedOpenInterest++;
      return false;
    }
    if (margin - q * this.feeRate < q * this.imRate) {
      this.c.refusedInitialMargin++;
      return false;
    }
    this.beginTrade();
    this.updateMarkTwap();
    this.x = x1;
    this.y = y1;
    if (isLong) this.longOI += b;
    else this.shortOI += b;
    this.lastBase = b;
    return true;
  }

  /** Quote of closing `b` of a long (out) or short (in); NaN when the curve cannot. */
  private closeQuote(isLong: boolean, b: number): number {
    if (isLong) return (this.y - this.k / (this.x + b)) * this.peg;
    const x1 = this.x - b;
    return x1 > 0 ? (this.k / x1 - this.y) * this.peg : Number.NaN;
  }

  /** Moves the curve for a close of `b` already priced; no checks. */
  private applyClose(isLong: boolean): void {
    const b = this.argBase;
    this.updateMarkTwap();
    if (isLong) {
      this.x = this.x + b;
      this.longOI -= b;
      if (this.longOI < 0) this.longOI = 0;
    } else {
      this.x = this.x - b;
      this.shortOI -= b;
      if (this.shortOI < 0) this.shortOI = 0;
    }
    this.y = this.k / this.x;
  }

  /** Would closing `b` pass the fluctuation rule? (consumes the reduce allowance if needed) */
  private closeAllowed(isLong: boolean, b: number): boolean {
    const x1 = isLong ? this.x + b : this.x - b;
    this.argMark = ((this.k / x1) * this.peg) / x1;
    if (!this.fluctuationOk(true)) return false;
    this.beginTrade();
    return true;
  }

  // ───────────── uninformed slots ─────────────

  /** Opens a new uninformed position of quote `argQ` with margin `argMargin` at `now`; false when refused. */
  openUninformed(isLong: boolean): boolean {
    if (this.uN >= this.capacity) {
      this.c.refusedCapacity++;
      return false;
    }
    if (!this.increase(isLong)) return false;
    const q = this.argQ;
    const margin = this.argMargin;
    const b = this.lastBase;
    this.takeFee();
    const fee = q * this.feeRate;
    const i = this.uN++;
    this.uSize[i] = isLong ? b : -b;
    this.uNotional[i] = q;
    this.uMargin[i] = margin - fee;
    this.uSnap[i] = isLong ? this.cumLong : this.cumShort;
    this.scanner.noteLiquidationPrice(isLong, b, q, margin - fee);
    this.c.uFees += fee;
    this.c.volumeUninformed += q;
    return true;
  }

  private slotFunding(i: number): number {
    const s = this.uSize[i];
    return s > 0 ? s * (this.cumLong - this.uSnap[i]) : s * (this.cumShort - this.uSnap[i]);
  }

  /** Closes slot i on the trader's own schedule; liquidated instead when the margin would go negative. */
  closeUninformed(i: number): boolean {
    const s = this.uSize[i];
    const isLong = s > 0;
    const b = isLong ? s : -s;
    const x1 = isLong ? this.x + b : this.x - b;
    if (!(x1 > 0)) {
      this.c.refusedLiquidity++;
      return false;
    }
    const y1 = this.k / x1;
    const quote = (isLong ? this.y - y1 : y1 - this.y) * this.peg;
    const owed = isLong ? s * (this.cumLong - this.uSnap[i]) : s * (this.cumShort - this.uSnap[i]);
    const n = this.uNotional[i];
    const pnl = isLong ? quote - n : n - quote;
    const fee = quote * this.feeRate;
    const left = this.uMargin[i] - owed + pnl - fee;
    if (left < 0) {
      // Liquidatable at the oracle: the liquidator takes it; else the trader's own close ends in bad debt.
      const v = b * this.marginPrice();
      const eq = this.uMargin[i] - owed + (isLong ? v - n : n - v);
      if (eq * 1e4 < this.mmBps * v) return this.liquidateUninformed(i);
    }
    this.argMark = (y1 * this.peg) / x1;
    if (!this.fluctuationOk(true)) return false;
    this.beginTrade();
    this.argBase = b;
    this.applyClose(isLong);
    this.argQ = quote;
    this.takeFee();
    const c = this.c;
    c.uFunding += owed;
    c.uRealised += pnl;
    c.uFees += fee;
    c.volumeUninformed += quote;
    if (left < 0) {
      c.badDebt += -left;
      c.uBadDebt += -left;
      this.coverBadDebt(-left, isLong);
    }
    this.removeSlot(i);
    return true;
  }

  /** Bad-debt waterfall (badDebt.ts, SPEC §3) applied to this market; the caller counts the debt itself. */
  private coverBadDebt(debt: number, wasLong: boolean): void {
    const r = coverBadDebt(debt, this.reservedShare, this.budget, wasLong, this.longOI, this.shortOI);
    const c = this.c;
    this.reservedShare -= r.fromReserve;
    this.budget -= r.fromBudget;
    c.badDebtFromReserve += r.fromReserve;
    c.badDebtFromBudget += r.fromBudget;
    if (r.uncovered > 0) {
      this.uncoveredBadDebt += r.uncovered;
      c.badDebtUncovered += r.uncovered;
      this.reduceOnly = true;
      this.cumLong += r.longIndexCharge;
      this.cumShort += r.shortIndexCharge;
      this.unsocializedBadDebt += r.unsocialized;
      c.badDebtSocialised += r.uncovered - r.unsocialized;
      c.badDebtUnsocialised += r.unsocialized;
    }
  }

  private removeSlot(i: number): void {
    const last = --this.uN;
    if (i !== last) {
      this.uSize[i] = this.uSize[last];
      this.uNotional[i] = this.uNotional[last];
      this.uMargin[i] = this.uMargin[last];
      this.uSnap[i] = this.uSnap[last];
    }
  }

  /**
   * Full liquidation of slot i (exempt from the fluctuation limit). Beyond the execution band
   * (maxLiquidationSlippageBps around the oracle) it waits for a later sweep — the contract would
   * close the part that fits; the fast engine closes slots whole. The caller checked eligibility.
   */
  liquidateUninformed(i: number): boolean {
    const s = this.uSize[i];
    const isLong = s > 0;
    const b = isLong ? s : -s;
    if (b > maxLiquidationBase(this.x, this.sqrtK, this.peg, isLong, this.marginPrice(), this.liqBandBps)) return false;
    const x1 = isLong ? this.x + b : this.x - b;
    if (!(x1 > 0)) return false;
    const quote = (isLong ? this.y - this.k / x1 : this.k / x1 - this.y) * this.peg;
    this.beginTrade();
    const owed = isLong ? s * (this.cumLong - this.uSnap[i]) : s * (this.cumShort - this.uSnap[i]);
    const n = this.uNotional[i];
    const pnl = isLong ? quote - n : n - quote;
    this.argBase = b;
    this.applyClose(isLong);
    // Liquidations pay the taker fee on the curve close, then the liquidation fee (as the contract).
    this.argQ = quote;
    this.takeFee();
    const fee = quote * this.feeRate;
    this.settleLiquidation(quote, this.uMargin[i] - owed + pnl - fee, isLong);
    const left = this.lastLeft;
    const c = this.c;
    c.uFunding += owed;
    c.uRealised += pnl;
    c.uFees += fee + quote * this.liqRate;
    c.uBadDebt += left < 0 ? -left : 0;
    c.volumeUninformed += quote;
    this.removeSlot(i);
    return true;
  }

  /** Margin left by the last liquidation before bad-debt cover (< 0 = bad debt). */
  private lastLeft = 0;

  /**
   * Liquidation fee split and bad debt waterfall; leaves the margin left in `lastLeft`. A partial
   * close (`closed` false) keeps a negative margin on the position: bad debt is realised only when
   * the last piece closes (as the contract).
   */
  private settleLiquidation(quote: number, marginBeforeFee: number, wasLong: boolean, closed = true): void {
    const c = this.c;
    const fee = quote * this.liqRate;
    const toLiquidator = fee / 2;
    this.reservedShare += fee - toLiquidator;
    c.liquidations++;
    c.liquidationFees += fee;
    c.liquidationFeesToLiquidators += toLiquidator;
    const left = marginBeforeFee - fee;
    if (left < 0 && closed) {
      c.badDebt += -left;
      // The position is closed before the waterfall (its OI is gone), as in the contract's _finish.
      this.coverBadDebt(-left, wasLong);
    }
    this.lastLeft = left;
  }

  // ───────────── informed pools ─────────────

  /**
   * The block-start mark the next trade at `now` would see (SPEC §6: the mark before the block's
   * first trade), without starting the block: a refused or idle order does not start it.
   */
  blockStartMarkNow(): number {
    return Math.floor((this.now - this.startTime) / this.blockTimeSec) === this.tradeBlock ? this.blockStartMark : (this.y * this.peg) / this.x;
  }

  /**
   * Adds an informed order of quote `argQ` with margin `argMargin` at `now` to the pool of its side
   * (the decision is the trader module's: traders.ts); false when refused.
   */
  openInformed(isLong: boolean): boolean {
    const q = this.argQ;
    const margin = this.argMargin;
    const o = this.oracle;
    if (!this.increase(isLong)) return false;
    const b = this.lastBase;
    this.takeFee();
    const fee = q * this.feeRate;
    this.settlePoolFunding(isLong);
    if (isLong) {
      this.iLongSize += b;
      this.iLongNotional += q;
      this.iLongMargin += margin - fee;
    } else {
      this.iShortSize += b;
      this.iShortNotional += q;
      this.iShortMargin += margin - fee;
    }
    const c = this.c;
    c.iFees += fee;
    c.iMarkout += isLong ? b * o - q : q - b * o;
    c.volumeInformed += q;
    return true;
  }

  private settlePoolFunding(isLong: boolean): void {
    if (isLong) {
      const owed = this.iLongSize * (this.cumLong - this.iLongSnap);
      this.iLongMargin -= owed;
      this.iLongSnap = this.cumLong;
      this.c.iFunding += owed;
    } else {
      const received = this.iShortSize * (this.cumShort - this.iShortSnap);
      this.iShortMargin += received;
      this.iShortSnap = this.cumShort;
      this.c.iFunding -= received;
    }
  }

  /**
   * Reduces the informed pool on side `poolLong` by the base an opposite trade of `argQ` moves (pro
   * rata; never reverses it).
   */
  reduceInformedPool(poolLong: boolean): void {
    const q = this.argQ;
    const o = this.oracle;
    const size = poolLong ? this.iLongSize : this.iShortSize;
    // Base the opposite trade of q would move (SPEC §3 reduce rule).
    let b = poolLong ? this.k / (this.y - q / this.peg) - this.x : this.x - this.k / (this.y + q / this.peg);
    if (!(b > 0)) return;
    if (b > size) b = size;
    const quote = this.closeQuote(poolLong, b);
    if (quote !== quote || !this.closeAllowed(poolLong, b)) return;
    this.settlePoolFunding(poolLong);
    const full = b >= size;
    const notional = poolLong ? this.iLongNotional : this.iShortNotional;
    const margin = poolLong ? this.iLongMargin : this.iShortMargin;
    const closedNotional = full ? notional : (notional * b) / size;
    const pnl = poolLong ? quote - closedNotional : closedNotional - quote;
    this.argBase = b;
    this.applyClose(poolLong);
    this.argQ = quote;
    this.takeFee();
    const fee = quote * this.feeRate;
    const closedMargin = full ? margin : (margin * b) / size;
    if (poolLong) {
      this.iLongSize = full ? 0 : size - b;
      this.iLongNotional = notional - closedNotional;
      this.iLongMargin = margin - closedMargin;
    } else {
      this.iShortSize = full ? 0 : size - b;
      this.iShortNotional = notional - closedNotional;
      this.iShortMargin = margin - closedMargin;
    }
    const c = this.c;
    c.iRealised += pnl;
    c.iFees += fee;
    c.iMarkout += poolLong ? quote - b * o : b * o - quote;
    c.volumeInformed += quote;
  }

  // ───────────── liquidations (found by the scanner, liquidationScan.ts) ─────────────

  /** Liquidates every position under maintenance margin (a liquidator bot's sweep). */
  liquidationScan(t: number): number {
    return this.scanner.scan(t);
  }

  /** Sweeps only when the oracle is near some position's liquidation price. */
  maybeScan(t: number): void {
    this.scanner.maybeScan(t);
  }

  /**
   * Liquidates (part of) the informed pool of a side when it is under maintenance at the oracle;
   * returns 1 when a liquidation ran, else 0.
   */
  liquidatePoolIfUnder(isLong: boolean): number {
    const size = isLong ? this.iLongSize : this.iShortSize;
    if (!(size > 0)) return 0;
    // Valued at the margin price (the oracle), as every position (SPEC §3).
    const price = this.marginPrice();
    const atMark = size * price;
    const notional = isLong ? this.iLongNotional : this.iShortNotional;
    const pending = isLong ? size * (this.cumLong - this.iLongSnap) : -size * (this.cumShort - this.iShortSnap);
    const margin = isLong ? this.iLongMargin : this.iShortMargin;
    const upnlAtMark = isLong ? atMark - notional : notional - atMark;
    if (!(((margin + upnlAtMark - pending) / atMark) * 1e4 < this.mmBps)) return 0;
    // A pool stands for many informed traders opened at different prices: the liquidator closes a
    // chunk of it per sweep (a partial liquidation, SPEC §3), unless the margin left would be ≤ 0
    // (then all of it, as the contract). The next sweep (next oracle tick) continues if still under.
    let b = size * this.poolLiquidationChunk;
    if (b > 0.95 * size) b = size;
    // Execution band (SPEC §3): cut to what keeps the mark within maxLiquidationSlippageBps of the oracle.
    const bMax = maxLiquidationBase(this.x, this.sqrtK, this.peg, isLong, price, this.liqBandBps);
    if (!(bMax > 0)) return 0;
    if (b > bMax) b = bMax;
    let cv = this.closeQuote(isLong, b);
    if (cv !== cv) return 0;
    this.beginTrade();
    this.settlePoolFunding(isLong);
    const m2 = isLong ? this.iLongMargin : this.iShortMargin;
    let closedNotional = b === size ? notional : (notional * b) / size;
    let upnl = isLong ? cv - closedNotional : closedNotional - cv;
    if (b < size && m2 + upnl - cv * this.feeRate - cv * this.liqRate <= 0 && size <= bMax) {
      b = size;
      cv = this.closeQuote(isLong, size);
      if (cv !== cv) return 0;
      closedNotional = notional;
      upnl = isLong ? cv - notional : notional - cv;
    }
    const full = b === size;
    this.argBase = b;
    this.applyClose(isLong);
    this.argQ = cv;
    this.takeFee();
    const fee = cv * this.feeRate;
    this.settleLiquidation(cv, m2 + upnl - fee, isLong, full);
    const left = this.lastLeft;
    const c = this.c;
    c.iRealised += upnl;
    c.iFees += fee + cv * this.liqRate;
    c.iBadDebt += full && left < 0 ? -left : 0;
    c.iMarkout += isLong ? cv - b * this.oracle : b * this.oracle - cv;
    c.volumeInformed += cv;
    const remSize = full ? 0 : size - b;
    const remNotional = full ? 0 : notional - closedNotional;
    const remMargin = full ? 0 : left;
    if (isLong) {
      this.iLongSize = remSize;
      this.iLongNotional = remNotional;
      this.iLongMargin = remMargin;
    } else {
      this.iShortSize = remSize;
      this.iShortNotional = remNotional;
      this.iShortMargin = remMargin;
    }
    return 1;
  }

  // ───────────── oracle, funding ─────────────

  /** MockAggregator.setAnswer / setRound: the answer the next read sees, updated at t (`incomplete`: a lagging round). */
  setOracle(price: number, t: number, incomplete = false): void {
    this.oracle = price;
    this.oracleTs = t;
    this.oracleIncomplete = incomplete;
  }

  /** The answer is valid for margin (SPEC §3): positive, complete, not older than maxOracleAgeMargin at `now`. */
  oracleValid(): boolean {
    return this.oracle > 0 && !this.oracleIncomplete && this.now - this.oracleTs <= this.maxOracleAgeMargin;
  }

  /** `marginPrice()` (SPEC §3): the oracle when valid, else the last valid answer the market observed. */
  marginPrice(): number {
    return this.oracleValid() ? this.oracle : this.lastOraclePrice;
  }

  /**
   * `observeOracle()`: folds the answer that held since the last observation (the previous one) into
   * the oracle TWAP, stores the new answer, then sets or clears the volatility breaker (SPEC §5, §6).
   * False (nothing observed, as the contract's revert) when the answer is not valid for margin.
   */
  observeOracle(t: number): boolean {
    this.now = t;
    if (!this.oracleValid()) return false;
    this.foldOracle(t);
    return true;
  }

  /** The observation's commit (also a hook's, after its own oracle checks). */
  private foldOracle(t: number): void {
    this.oracleTwap = this.foldedOracleTwap(t);
    this.oracleTwapTs = t;
    this.lastOraclePrice = this.oracle;
    this.setBreaker();
  }

  private setBreaker(): void {
    const v = breakerTripped(this.lastOraclePrice, this.oracleTwap, this.params);
    if (v && !this.volatile) this.c.breakerTrips++;
    this.volatile = v;
  }

  fundingDue(t: number): boolean {
    return t >= this.lastFundingTime + this.params.fundingPeriod;
  }

  /** `settleFunding()` (caller checks fundingDue); false (nothing settled) when the oracle is not valid for margin. */
  settleFunding(t: number): boolean {
    if (!this.observeOracle(t)) return false;
    this.updateMarkTwap();
    const r = computeFunding(this.markTwap, this.oracleTwap, this.longOI, this.shortOI, this.budget, spendRoom(this, t, this.params), this.params);
    recordFundingSpend(this, t, r.ammPaid);
    this.cumLong += r.fLong;
    this.cumShort += r.fShort;
    this.budget += r.ammReceived - r.ammPaid;
    this.c.fundingReceived += r.ammReceived;
    this.c.fundingPaid += r.ammPaid;
    this.c.fundingSettlements++;
    this.lastFundingTime = t;
    return true;
  }

  // ───────────── keeper hooks (same guards as the core) ─────────────

  /** The oracle TWAP folded through t with the previous answer (what a hook compares the answer with). */
  private foldedOracleTwap(t: number): number {
    return updateTwap(this.oracleTwap, this.oracleTwapTs, this.lastOraclePrice, t, this.twapWindow);
  }

  private oracleRefusal(t: number): Refusal | null {
    const bad = checkOracle(this.oracle, this.oracleTs, this.oracleIncomplete, t, this.params.maxOracleAgeHooks);
    if (bad) return bad;
    // As the contract: the TWAP folded through now with the previous answer, then compared.
    return checkDivergence(this.oracle, this.foldedOracleTwap(t), this.params);
  }

  /** The mark TWAP folded through t with the spot mark: what a trade stores, and a repeg's reference mark (HookPath, SPEC §6). */
  referenceMark(t: number): number {
    return updateTwap(this.markTwap, this.markTwapTs, (this.y * this.peg) / this.x, t, this.twapWindow);
  }

  /** Cost the repeg would charge (closed form, as the contract) or its refusal. */
  previewRepeg(newPeg: number, t: number): { cost: number; refusal: Refusal | null } {
    const cost = repegCostClosedForm(this.x, this.y, this.sqrtK, this.peg, newPeg, this.longOI - this.shortOI);
    const refusal =
      this.oracleRefusal(t) ??
      checkRepegShape(this.x, this.y, this.peg, newPeg, this.oracle, this.referenceMark(t), this.params) ??
      checkSpend(this, cost, t, this.blockAt(t), this.params) ??
      checkMoveCap(this, t, pegMoveBps(this.peg, newPeg), this.params);
    return { cost, refusal };
  }

  repeg(newPeg: number, t: number): { cost: number; refusal: Refusal | null } {
    const r = this.previewRepeg(newPeg, t);
    if (r.refusal) return r;
    this.foldOracle(t);
    this.now = t;
    this.updateMarkTwap();
    const oldPeg = this.peg;
    this.peg = newPeg;
    commitSpend(this, r.cost, t, this.blockAt(t), 0, pegMoveBps(oldPeg, newPeg), this.params);
    this.lastHookTime = t;
    this.c.adjustmentCost += r.cost;
    this.c.repegs++;
    return r;
  }

  /**
   * `repegToward(targetPeg, minPeg)` (SPEC §6): repegs toward `targetPeg` as far as the oracle, the
   * move cap, the budget and the rolling cost cap allow (`fitRepegPeg`, as MarketCore); refuses
   * `Vamm_RepegBelowMinimum(fittedPeg, minPeg)` when that is short of `minPeg`, then runs `repeg`.
   */
  repegToward(targetPeg: number, minPeg: number, t: number): { cost: number; refusal: Refusal | null; newPeg: number } {
    const bad = this.oracleRefusal(t);
    if (bad) return { cost: 0, refusal: bad, newPeg: this.peg };
    const a = this.y - this.k / (this.x + (this.longOI - this.shortOI));
    const newPeg = fitRepegPeg(this.x, this.y, this.peg, targetPeg, this.oracle, a, this, t, this.params);
    if (newPeg > this.peg ? newPeg < minPeg : newPeg > minPeg) return { cost: 0, refusal: { name: "Vamm_RepegBelowMinimum", args: [newPeg, minPeg] }, newPeg };
    return { ...this.repeg(newPeg, t), newPeg };
  }

  previewUpdateK(newSqrtK: number, t: number): { cost: number; refusal: Refusal | null } {
    const d = this.longOI - this.shortOI;
    const cost = kCostDirect(this.x, this.y, this.sqrtK, newSqrtK, this.peg, d);
    const refusal =
      this.oracleRefusal(t) ??
      checkKShape(this.sqrtK, newSqrtK, d, this.params) ??
      checkSpend(this, cost, t, this.blockAt(t), this.params) ??
      checkKDecreaseCap(this, t, kDecreaseBps(this.sqrtK, newSqrtK), this.params) ??
      checkMoveCap(this, t, kIncreaseMoveBps(this.x, this.sqrtK, newSqrtK, Math.abs(d)), this.params);
    return { cost, refusal };
  }

  updateK(newSqrtK: number, t: number): { cost: number; refusal: Refusal | null } {
    const r = this.previewUpdateK(newSqrtK, t);
    if (r.refusal) return r;
    this.foldOracle(t);
    this.now = t;
    this.updateMarkTwap();
    const kDec = kDecreaseBps(this.sqrtK, newSqrtK);
    const move = kIncreaseMoveBps(this.x, this.sqrtK, newSqrtK, Math.abs(this.longOI - this.shortOI));
    const nr = reservesAfterK(this.x, this.y, this.sqrtK, newSqrtK);
    this.x = nr.x;
    this.y = nr.y;
    this.sqrtK = newSqrtK;
    this.k = newSqrtK * newSqrtK;
    commitSpend(this, r.cost, t, this.blockAt(t), kDec, move, this.params);
    this.lastHookTime = t;
    this.c.adjustmentCost += r.cost;
    this.c.kUpdates++;
    return r;
  }

  // ───────────── valuation ─────────────

  /**
   * Values open positions at the episode's end: uninformed at their close value (funding pending
   * included), informed pools at the mark, with their markout vs the oracle.
   */
  valueOpenPositions(): { uUnrealised: number; iUnrealised: number; iMarkout: number } {
    let u = 0;
    for (let i = 0; i < this.uN; i++) {
      const s = this.uSize[i];
      const isLong = s > 0;
      const cv = this.closeQuote(isLong, isLong ? s : -s);
      if (cv !== cv) continue;
      u += (isLong ? cv - this.uNotional[i] : this.uNotional[i] - cv) - this.slotFunding(i);
    }
    // Informed pools stand for many small traders: valued at the mark (as in their margin check).
    const mark = (this.y * this.peg) / this.x;
    let iu = 0;
    let im = 0;
    if (this.iLongSize > 0) {
      const f = this.iLongSize * (this.cumLong - this.iLongSnap);
      iu += this.iLongSize * mark - this.iLongNotional - f;
      im += this.iLongSize * (mark - this.oracle) - f;
    }
    if (this.iShortSize > 0) {
      const f = this.iShortSize * (this.cumShort - this.iShortSnap);
      iu += this.iShortNotional - this.iShortSize * mark + f;
      im += this.iShortSize * (this.oracle - mark) + f;
    }
    return { uUnrealised: u, iUnrealised: iu, iMarkout: im };
  }

  /** AMM liability to the net position (SPEC §2). */
  liability(): number {
    return (this.y - this.k / (this.x + this.longOI - this.shortOI)) * this.peg;
  }

  markNow(): number {
    return markPrice(this.x, this.y, this.peg);
  }
}
