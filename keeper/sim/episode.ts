/**
 * runEpisode: one scenario × policy × seed through MarketEnv, returning the DESIGN §9 metrics and
 * a chart trace downsampled to at most `traceMaxPoints` points (last value per bucket for levels,
 * sums per bucket for reward parts; every applied update is kept as a marker, up to the same cap).
 */
import type { Policy } from "../core/policyTypes";
import { MarketEnv, type EnvOptions, type RewardParts } from "./env";
import { protocolNetRevenue, type EpisodeMetrics } from "./metrics";
import type { RoundTripBook } from "./adversaries/roundTripBook";
import type { Scenario } from "./scenario";

export interface TraceMarker {
  readonly time: number;
  readonly kind: "repeg" | "kUp" | "kDown";
  readonly cost: number;
  readonly target: number;
}

export interface EpisodeTrace {
  readonly time: number[];
  readonly mark: number[];
  readonly oracle: number[];
  /** longOI − shortOI. */
  readonly imbalance: number[];
  readonly budget: number[];
  readonly sqrtK: number[];
  /** Protocol net revenue earned per step. */
  readonly netRevenue: number[];
  readonly rewardParts: { [K in keyof RewardParts]: number[] };
  readonly markers: TraceMarker[];
}

export interface RunEpisodeOptions extends EnvOptions {
  readonly traceMaxPoints?: number;
  /** Skip building the trace (training loops). */
  readonly trace?: boolean;
}

const PART_KEYS: (keyof RewardParts)[] = ["netRevenue", "feeInflow", "fundingReceived", "adjustmentCost", "fundingPaid", "gasCost", "badDebt", "trackingBps", "drawdownIncrease"];

export function runEpisode(scenario: Scenario, policy: Policy, seed: number = scenario.seed, opts: RunEpisodeOptions = {}): { metrics: EpisodeMetrics; trace: EpisodeTrace } {
  const env = new MarketEnv(opts);
  let obs = env.reset(scenario, seed);
  const wantTrace = opts.trace ?? true;
  const raw = { time: [] as number[], mark: [] as number[], oracle: [] as number[], imbalance: [] as number[], budget: [] as number[], sqrtK: [] as number[], netRevenue: [] as number[] };
  const rawParts = Object.fromEntries(PART_KEYS.map((k) => [k, [] as number[]])) as { [K in keyof RewardParts]: number[] };
  const markers: TraceMarker[] = [];
  let steps = 0;
  for (;;) {
    const decision = policy.decide(obs);
    const r = env.step(decision.action);
    steps++;
    if (wantTrace) {
      raw.time.push(r.obs.time);
      raw.mark.push(r.obs.mark);
      raw.oracle.push(r.obs.oracle);
      raw.imbalance.push(r.obs.longOI - r.obs.shortOI);
      raw.budget.push(r.obs.budget);
      raw.sqrtK.push(r.obs.sqrtK);
      raw.netRevenue.push(r.rewardParts.netRevenue);
      for (const k of PART_KEYS) rawParts[k].push(r.rewardParts[k]);
      if (r.applied && decision.action.kind !== "hold") markers.push({ time: obs.time, kind: decision.action.kind, cost: r.rewardParts.adjustmentCost, target: r.target });
    }
    obs = r.obs;
    if (r.done) break;
  }
  const m = env.market;
  const c = m.c;
  const open = m.valueOpenPositions();
  const informedProfit = c.iMarkout + open.iMarkout - c.iFunding - c.iFees;
  // The adversaries trade through the uninformed book; their closed trades are not uninformed demand.
  // A round-trip account's take is exactly its legs' share of the uninformed PnL (realised − fees −
  // funding + bad debt); the hunter's share is taken out as realised − fees.
  const bot = env.sandwich;
  const hunter = env.hunter;
  const steerer = env.steerer;
  const books = [bot?.book, steerer?.book].filter((b): b is RoundTripBook => b !== undefined);
  const sum = (f: (b: RoundTripBook) => number) => books.reduce((a, b) => a + f(b), 0);
  const advPnl = sum((b) => b.take) + (hunter ? hunter.realised - hunter.fees : 0);
  const advFees = sum((b) => b.fees) + (hunter?.fees ?? 0);
  const advVolume = sum((b) => b.volume) + (hunter?.volume ?? 0);
  const uninformedPnl = c.uRealised + open.uUnrealised - c.uFunding - c.uFees + c.uBadDebt - advPnl;
  const metrics: EpisodeMetrics = {
    scenario: scenario.name,
    policy: policy.name,
    seed,
    steps,
    events: c.events,
    horizonSec: scenario.horizonSec,
    protocolNetRevenue: protocolNetRevenue(c),
    feesToBudget: c.feesToBudget,
    feesToReserve: c.feesToReserve,
    liquidationFeesToReserve: c.liquidationFees - c.liquidationFeesToLiquidators,
    fundingReceived: c.fundingReceived,
    fundingPaid: c.fundingPaid,
    adjustmentCost: c.adjustmentCost,
    badDebt: c.badDebt,
    badDebtUncovered: c.badDebtUncovered,
    meanGapBps: c.gapSamples > 0 ? (c.gapSum / c.gapSamples) * 1e4 : 0,
    p95GapBps: env.gapHist.quantile(0.95),
    informedProfit,
    uninformedLoss: -uninformedPnl,
    uninformedFees: c.uFees - advFees,
    sandwichTake: bot?.take ?? 0,
    sandwiches: bot?.sandwiches ?? 0,
    hunterTake: hunter?.take ?? 0,
    hunts: hunter?.hunts ?? 0,
    steererTake: steerer?.book.take ?? 0,
    steererPushes: steerer?.pushes ?? 0,
    steererStuck: steerer?.book.stuck ?? 0,
    steererFunding: steerer?.book.funding ?? 0,
    stolenKeySpent: env.thief?.spent ?? 0,
    stolenKeyCalls: env.thief?.calls ?? 0,
    stolenKeyDepthCut: env.thief ? 1 - env.thief.minSqrtK / scenario.market.sqrtK : 0,
    volume: c.volume - advVolume,
    volumeInformed: c.volumeInformed,
    volumeUninformed: c.volumeUninformed - advVolume,
    updates: env.updates,
    repegs: c.repegs,
    kUpdates: c.kUpdates,
    refusedUpdates: env.refusedUpdates,
    gasSpent: env.gasSpent,
    worstBudgetDrawdown: env.worstDrawdown,
    finalBudget: m.budget,
    finalReservedShare: m.reservedShare,
    finalSqrtK: m.sqrtK,
    endLiability: m.liability(),
    liquidations: c.liquidations,
    tradeRefusals: {
      fluctuation: c.refusedFluctuation,
      openInterest: c.refusedOpenInterest,
      capacity: c.refusedCapacity,
      initialMargin: c.refusedInitialMargin,
      reduceOnly: c.refusedReduceOnly,
      liquidity: c.refusedLiquidity,
    },
  };
  return { metrics, trace: downsample(raw, rawParts, markers, opts.traceMaxPoints ?? 2000) };
}

function downsample(
  raw: { time: number[]; mark: number[]; oracle: number[]; imbalance: number[]; budget: number[]; sqrtK: number[]; netRevenue: number[] },
  parts: { [K in keyof RewardParts]: number[] },
  markers: TraceMarker[],
  maxPoints: number,
): EpisodeTrace {
  const n = raw.time.length;
  const stride = Math.max(1, Math.ceil(n / maxPoints));
  const last = (xs: number[]) => {
    const out: number[] = [];
    for (let i = 0; i < n; i += stride) out.push(xs[Math.min(n - 1, i + stride - 1)]);
    return out;
  };
  const sum = (xs: number[]) => {
    const out: number[] = [];
    for (let i = 0; i < n; i += stride) {
      let s = 0;
      for (let j = i; j < Math.min(n, i + stride); j++) s += xs[j];
      out.push(s);
    }
    return out;
  };
  const mStride = Math.max(1, Math.ceil(markers.length / maxPoints));
  return {
    time: last(raw.time),
    mark: last(raw.mark),
    oracle: last(raw.oracle),
    imbalance: last(raw.imbalance),
    budget: last(raw.budget),
    sqrtK: last(raw.sqrtK),
    netRevenue: sum(raw.netRevenue),
    rewardParts: Object.fromEntries(PART_KEYS.map((k) => [k, sum(parts[k])])) as { [K in keyof RewardParts]: number[] },
    markers: markers.filter((_, i) => i % mStride === 0),
  };
}
