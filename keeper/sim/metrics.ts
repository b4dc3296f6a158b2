/**
 * DESIGN §9 metrics of one episode, and the across-episode statistics (mean ± 95% interval,
 * CVaR 5%) that reports need.
 */
export interface EpisodeMetrics {
  readonly scenario: string;
  readonly policy: string;
  readonly seed: number;
  readonly steps: number;
  readonly events: number;
  readonly horizonSec: number;
  /** Fees (budget + reserve shares) + liquidation fees kept + funding received − adjustment cost − funding paid − bad debt. Gas excluded (see gasSpent). */
  readonly protocolNetRevenue: number;
  readonly feesToBudget: number;
  readonly feesToReserve: number;
  readonly liquidationFeesToReserve: number;
  readonly fundingReceived: number;
  readonly fundingPaid: number;
  readonly adjustmentCost: number;
  readonly badDebt: number;
  readonly badDebtUncovered: number;
  readonly meanGapBps: number;
  readonly p95GapBps: number;
  /** Informed traders' value extracted: markout of each trade vs the oracle + funding − fees (hedged arbitrageurs). */
  readonly informedProfit: number;
  /** Uninformed traders' loss: −(realised + unrealised PnL − funding paid − fees + bad debt left to the protocol). */
  readonly uninformedLoss: number;
  readonly uninformedFees: number;
  /** Net take of the sandwich bot (quote), excluded from the uninformed figures and the volume. */
  readonly sandwichTake: number;
  readonly sandwiches: number;
  /** Net take of the liquidation hunter (quote), its trades likewise excluded. */
  readonly hunterTake: number;
  readonly hunts: number;
  /** Net take of the policy steerer (scenario option), its trades likewise excluded; its pushes, the legs it could not close itself, and the funding its legs paid (< 0: received). */
  readonly steererTake: number;
  readonly steererPushes: number;
  readonly steererStuck: number;
  readonly steererFunding: number;
  /** Key thief (scenario option): budget its hooks paid out, its applied calls, and the depth it removed (1 − min sqrtK / start). */
  readonly stolenKeySpent: number;
  readonly stolenKeyCalls: number;
  readonly stolenKeyDepthCut: number;
  readonly volume: number;
  readonly volumeInformed: number;
  readonly volumeUninformed: number;
  readonly updates: number;
  readonly repegs: number;
  readonly kUpdates: number;
  readonly refusedUpdates: number;
  readonly gasSpent: number;
  readonly worstBudgetDrawdown: number;
  readonly finalBudget: number;
  readonly finalReservedShare: number;
  readonly finalSqrtK: number;
  readonly endLiability: number;
  readonly liquidations: number;
  readonly tradeRefusals: { readonly fluctuation: number; readonly openInterest: number; readonly capacity: number; readonly initialMargin: number; readonly reduceOnly: number; readonly liquidity: number };
}

/** The counters protocol net revenue is made of (FastCounters has them all). */
export interface RevenueCounters {
  readonly feesToBudget: number;
  readonly feesToReserve: number;
  readonly liquidationFees: number;
  readonly liquidationFeesToLiquidators: number;
  readonly fundingReceived: number;
  readonly adjustmentCost: number;
  readonly fundingPaid: number;
  readonly badDebt: number;
}

/**
 * Protocol net revenue so far (DESIGN §9): fees (budget and reserve shares) + liquidation fees kept
 * + funding received − hook costs − funding paid − bad debt. The one definition: the episode metric
 * is its final value and the learner's reward (keeper/policy/reward.ts) its change per step.
 */
export function protocolNetRevenue(c: RevenueCounters): number {
  return c.feesToBudget + c.feesToReserve + (c.liquidationFees - c.liquidationFeesToLiquidators) + c.fundingReceived - c.adjustmentCost - c.fundingPaid - c.badDebt;
}

/**
 * An episode's protocol net revenue split into what it is made of (issue 16's "why"): fees, the
 * liquidation fees the protocol kept, net funding, the hooks' PnL (−hook costs) and bad debt (as a
 * loss). The parts add up to `protocolNetRevenue`.
 */
export interface RevenueParts {
  readonly fees: number;
  readonly liquidationFeesKept: number;
  readonly netFunding: number;
  readonly hookPnl: number;
  readonly badDebt: number;
}

export function revenuePartsOf(m: EpisodeMetrics): RevenueParts {
  return {
    fees: m.feesToBudget + m.feesToReserve,
    liquidationFeesKept: m.liquidationFeesToReserve,
    netFunding: m.fundingReceived - m.fundingPaid,
    hookPnl: -m.adjustmentCost,
    badDebt: -m.badDebt,
  };
}

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
}

/** Mean with a normal-approximation 95% interval (t-quantile for small n). */
export function meanCi95(xs: readonly number[]): { mean: number; lo: number; hi: number; n: number } {
  const n = xs.length;
  const m = mean(xs);
  if (n < 2) return { mean: m, lo: m, hi: m, n };
  const v = xs.reduce((a, x) => a + (x - m) * (x - m), 0) / (n - 1);
  const T = [12.71, 4.3, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23, 2.2, 2.18, 2.16, 2.14, 2.13, 2.12, 2.11, 2.1, 2.09, 2.09];
  const tq = n - 1 <= T.length ? T[n - 2] : 1.96;
  const h = tq * Math.sqrt(v / n);
  return { mean: m, lo: m - h, hi: m + h, n };
}

/** CVaR at level alpha: mean of the worst alpha share of outcomes (at least one). */
export function cvar(xs: readonly number[], alpha = 0.05): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const k = Math.max(1, Math.floor(sorted.length * alpha));
  return mean(sorted.slice(0, k));
}

/** Gap histogram in 0.25 bps bins (allocation-free sampling, exact-enough p95). */
export class GapHistogram {
  static readonly BIN_BPS = 0.25;
  private readonly bins = new Uint32Array(40000);
  private overflow: number[] = [];
  count = 0;

  add(gapBps: number): void {
    const i = (gapBps / GapHistogram.BIN_BPS) | 0;
    if (i < this.bins.length) this.bins[i]++;
    else this.overflow.push(gapBps);
    this.count++;
  }

  quantile(q: number): number {
    if (this.count === 0) return 0;
    const target = Math.ceil(q * this.count);
    let acc = 0;
    for (let i = 0; i < this.bins.length; i++) {
      acc += this.bins[i];
      if (acc >= target) return (i + 0.5) * GapHistogram.BIN_BPS;
    }
    const of = [...this.overflow].sort((a, b) => a - b);
    return of[Math.min(of.length - 1, target - acc - 1)];
  }
}
