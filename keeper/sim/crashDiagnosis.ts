/**
 * Crash diagnosis (issue 13): runs one crash scenario through MarketEnv with a policy and records,
 * per decision step, where the protocol's losses come from — bad debt by trader group, the
 * mark–oracle gap (the curve lagging the oracle), the equity the curve hides (positions under
 * water by the oracle but not by the curve: latent bad debt that maintenance judged on the curve
 * does not see), funding and hook costs, the budget and the reserved share.
 */
import type { Policy } from "../core/policyTypes";
import { MarketEnv } from "./env";
import type { Scenario } from "./scenario";

export interface CrashStep {
  readonly hour: number;
  readonly oracle: number;
  readonly mark: number;
  /** mark/oracle − 1 at the end of the step. */
  readonly gap: number;
  readonly longOI: number;
  readonly shortOI: number;
  readonly budget: number;
  readonly reservedShare: number;
  /** Bad debt realised this step, uninformed positions and informed pools. */
  readonly badDebtU: number;
  readonly badDebtI: number;
  readonly uncovered: number;
  readonly liquidations: number;
  readonly fundingPaid: number;
  readonly fundingReceived: number;
  readonly adjustmentCost: number;
  /** Σ over open uninformed positions of max(0, −equity) valued at the oracle (what the curve hides). */
  readonly hiddenDebtAtOracle: number;
  /** The same valued on the curve (close value): what maintenance on the curve sees. */
  readonly debtOnCurve: number;
  /** Open uninformed longs that are under maintenance by the oracle but not by the curve. */
  readonly missedLiquidations: number;
}

export interface CrashSummary {
  readonly scenario: string;
  readonly policy: string;
  readonly seed: number;
  readonly startBudget: number;
  readonly startReserve: number;
  readonly finalBudget: number;
  readonly finalReserve: number;
  readonly oracleLow: number;
  readonly maxGap: number;
  readonly badDebt: number;
  readonly badDebtUninformed: number;
  readonly badDebtInformed: number;
  readonly fromReserve: number;
  readonly fromBudget: number;
  readonly uncovered: number;
  readonly liquidations: number;
  readonly fundingPaid: number;
  readonly fundingReceived: number;
  readonly adjustmentCost: number;
  readonly repegs: number;
  readonly fees: number;
  readonly peakHiddenDebt: number;
  /** Open positions' debt left at the end (valued on the curve), not yet realised as bad debt. */
  readonly endOpenDebt: number;
  readonly endNetPosition: number;
  readonly endLiability: number;
  readonly refusedUpdates: number;
  readonly tradeRefusals: Record<string, number>;
}

export function diagnoseCrash(scenario: Scenario, policy: Policy, seed: number = scenario.seed): { summary: CrashSummary; steps: CrashStep[] } {
  const env = new MarketEnv({});
  let obs = env.reset(scenario, seed);
  const m = env.market;
  const c = m.c;
  const steps: CrashStep[] = [];
  let hour = 0;
  let peakHidden = 0;
  let maxGap = 0;
  let low = obs.oracle;
  for (;;) {
    const before = { u: c.uBadDebt, i: c.iBadDebt, unc: c.badDebtUncovered, liq: c.liquidations, fp: c.fundingPaid, fr: c.fundingReceived, adj: c.adjustmentCost };
    const r = env.step(policy.decide(obs).action);
    obs = r.obs;
    hour += scenario.decisionIntervalSec / 3600;
    const h = hiddenDebt(env);
    peakHidden = Math.max(peakHidden, h.atOracle);
    const gap = obs.mark / obs.oracle - 1;
    maxGap = Math.max(maxGap, Math.abs(gap));
    low = Math.min(low, obs.oracle);
    steps.push({
      hour,
      oracle: obs.oracle,
      mark: obs.mark,
      gap,
      longOI: obs.longOI,
      shortOI: obs.shortOI,
      budget: obs.budget,
      reservedShare: obs.reservedShare,
      badDebtU: c.uBadDebt - before.u,
      badDebtI: c.iBadDebt - before.i,
      uncovered: c.badDebtUncovered - before.unc,
      liquidations: c.liquidations - before.liq,
      fundingPaid: c.fundingPaid - before.fp,
      fundingReceived: c.fundingReceived - before.fr,
      adjustmentCost: c.adjustmentCost - before.adj,
      hiddenDebtAtOracle: h.atOracle,
      debtOnCurve: h.onCurve,
      missedLiquidations: h.missed,
    });
    if (r.done) break;
  }
  const end = hiddenDebt(env);
  const summary: CrashSummary = {
    scenario: scenario.name,
    policy: policy.name,
    seed,
    startBudget: scenario.market.budget,
    startReserve: scenario.market.reservedShare,
    finalBudget: m.budget,
    finalReserve: m.reservedShare,
    oracleLow: low,
    maxGap,
    badDebt: c.badDebt,
    badDebtUninformed: c.uBadDebt,
    badDebtInformed: c.iBadDebt,
    fromReserve: c.badDebtFromReserve,
    fromBudget: c.badDebtFromBudget,
    uncovered: c.badDebtUncovered,
    liquidations: c.liquidations,
    fundingPaid: c.fundingPaid,
    fundingReceived: c.fundingReceived,
    adjustmentCost: c.adjustmentCost,
    repegs: c.repegs,
    fees: c.feesTotal,
    peakHiddenDebt: peakHidden,
    endOpenDebt: end.onCurve,
    endNetPosition: m.longOI - m.shortOI,
    endLiability: m.liability(),
    refusedUpdates: env.refusedUpdates,
    tradeRefusals: {
      fluctuation: c.refusedFluctuation,
      openInterest: c.refusedOpenInterest,
      initialMargin: c.refusedInitialMargin,
      reduceOnly: c.refusedReduceOnly,
      liquidity: c.refusedLiquidity,
    },
  };
  return { summary, steps };
}

/** Negative equity of open uninformed positions, at the oracle and on the curve (close value). */
function hiddenDebt(env: MarketEnv): { atOracle: number; onCurve: number; missed: number } {
  const m = env.market;
  const o = m.oracle;
  const mm = m.params.mmBps / 1e4;
  let atOracle = 0;
  let onCurve = 0;
  let missed = 0;
  for (let i = 0; i < m.uN; i++) {
    const s = m.uSize[i];
    const isLong = s > 0;
    const b = isLong ? s : -s;
    const pending = isLong ? s * (m.cumLong - m.uSnap[i]) : s * (m.cumShort - m.uSnap[i]);
    const n = m.uNotional[i];
    const eqO = m.uMargin[i] - pending + (isLong ? b * o - n : n - b * o);
    const x1 = isLong ? m.x + b : m.x - b;
    const cv = x1 > 0 ? (isLong ? m.y - m.k / x1 : m.k / x1 - m.y) * m.peg : Number.NaN;
    const eqC = cv === cv ? m.uMargin[i] - pending + (isLong ? cv - n : n - cv) : eqO;
    if (eqO < 0) atOracle -= eqO;
    if (eqC < 0) onCurve -= eqC;
    if (eqO < mm * b * o && !(cv === cv && eqC < mm * cv)) missed++;
  }
  return { atOracle, onCurve, missed };
}
