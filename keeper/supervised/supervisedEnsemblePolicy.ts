/**
 * Ensemble of the learned Q-policy and the supervised models (seed 002 §3.3): the inner policy
 * proposes an action; it is taken only when the success classifier gives it a probability at or
 * above the threshold, otherwise the ensemble holds. Optionally the size regressor re-sizes the
 * proposed repeg fraction or k step first (direction always stays the inner policy's), and the
 * classifier then scores the action that would actually be sent.
 *
 * The inner policy's tracking shield (mdpConfig `trackingShield`) outranks the classifier: when it
 * is active for the observation the inner policy was forced to repeg toward the oracle, and that
 * repeg is passed through unchanged (no veto, no re-sizing), so the mark cannot drift.
 */
import { HOLD, type Action, type Decision, type MarketObservation, type Policy } from "../core/policyTypes";
import { CLASSIFIER_FEATURES, REGRESSOR_FEATURES, featureVector } from "./adjustmentRecord";
import { fullRepegSize, observationFeatures, type ObservationFeatureOptions } from "./observationFeatures";
import type { ScoringModel } from "./plainModel";
import { isTrackingShieldActive } from "../policy/actionShield";
import type { TrackingShield } from "../policy/mdpConfig";
import { QPolicy } from "../policy/qPolicy";

export interface EnsembleModels {
  /** Logistic or MLP success classifier over CLASSIFIER_FEATURES. */
  readonly classifier: ScoringModel;
  /** Size regressor over REGRESSOR_FEATURES; used only when `sizeWithRegressor`. */
  readonly sizeRegressor?: ScoringModel | null;
}

export interface EnsembleOptions {
  /** Minimum success probability to let the inner action through. */
  readonly threshold: number;
  readonly sizeWithRegressor: boolean;
  /** actionIndex reported for hold (the Q-policy's action order puts hold first, DESIGN §8). */
  readonly holdActionIndex: number;
  /** Guard-rail limits for regressor sizing (DESIGN §6). */
  readonly maxKUpBps: number;
  readonly maxKDownBps: number;
  readonly features: Partial<ObservationFeatureOptions>;
  /** The shield to respect; undefined = the inner policy's own (a QPolicy's MDP shield, else none). */
  readonly trackingShield?: TrackingShield | null;
}

export const DEFAULT_ENSEMBLE_OPTIONS: EnsembleOptions = {
  threshold: 0.5,
  sizeWithRegressor: false,
  holdActionIndex: 0,
  maxKUpBps: 100,
  maxKDownBps: 220,
  features: {},
};

/**
 * Why the ensemble sent what it sent: the inner policy held; the classifier accepted or vetoed the
 * inner action; or the tracking shield was active and the forced repeg passed through unchecked.
 */
export type EnsembleReason = "innerHold" | "accepted" | "vetoed" | "shield";

export interface EnsembleDecision extends Decision {
  /** What the inner policy proposed. */
  readonly innerAction: Action;
  /** Classifier probability for the scored action; null when the inner policy held. */
  readonly successProbability: number | null;
  /** True when the ensemble replaced a non-hold inner action by hold. */
  readonly vetoed: boolean;
  readonly reason: EnsembleReason;
}

export class SupervisedEnsemblePolicy implements Policy {
  readonly name: string;
  private readonly options: EnsembleOptions;
  private readonly shield: TrackingShield | null;
  /** The table column a veto reports: a Q-policy's own hold column (−1 when its MDP has none), else the option. */
  private readonly holdIndex: number;

  constructor(
    private readonly inner: Policy,
    private readonly models: EnsembleModels,
    options: Partial<EnsembleOptions> = {},
  ) {
    this.options = { ...DEFAULT_ENSEMBLE_OPTIONS, ...options };
    this.shield = this.options.trackingShield !== undefined ? this.options.trackingShield : innerTrackingShield(inner);
    this.holdIndex = inner instanceof QPolicy ? inner.loaded.mdp.actions.findIndex((a) => a.kind === "hold") : this.options.holdActionIndex;
    const { threshold, sizeWithRegressor } = this.options;
    if (!(threshold >= 0 && threshold <= 1)) throw new Error(`ensemble threshold must be in [0, 1], got ${threshold}`);
    const c = models.classifier;
    if (c.kind === "sizeRegressor") throw new Error(`ensemble classifier must be logistic or mlp, got ${c.kind}`);
    requireFeatures(c, CLASSIFIER_FEATURES);
    if (sizeWithRegressor) {
      if (!models.sizeRegressor) throw new Error("ensemble: sizeWithRegressor needs a size regressor");
      if (models.sizeRegressor.kind !== "sizeRegressor") throw new Error(`ensemble size model must be a sizeRegressor, got ${models.sizeRegressor.kind}`);
      requireFeatures(models.sizeRegressor, REGRESSOR_FEATURES);
    }
    this.name = `supervised-ensemble(${inner.name}, ${c.kind}, p>=${threshold}${sizeWithRegressor ? ", sized" : ""})`;
  }

  decide(obs: MarketObservation): EnsembleDecision {
    const proposed = this.inner.decide(obs);
    if (proposed.action.kind === "hold") {
      return { ...proposed, innerAction: proposed.action, successProbability: null, vetoed: false, reason: "innerHold" };
    }
    if (proposed.action.kind === "repeg" && isTrackingShieldActive(this.shield, obs)) {
      // Safety rule first: the classifier's score is recorded for the journal but cannot veto.
      const p = this.successProbability(obs, proposed.action);
      return { ...proposed, innerAction: proposed.action, successProbability: p, vetoed: false, reason: "shield" };
    }
    const action = this.options.sizeWithRegressor ? this.resize(obs, proposed.action) : proposed.action;
    const p = this.successProbability(obs, action);
    if (p >= this.options.threshold) {
      return { ...proposed, action, innerAction: proposed.action, successProbability: p, vetoed: false, reason: "accepted" };
    }
    return {
      action: HOLD,
      actionIndex: this.holdIndex,
      stateIndex: proposed.stateIndex,
      qValues: proposed.qValues,
      innerAction: proposed.action,
      successProbability: p,
      vetoed: true,
      reason: "vetoed",
    };
  }

  private successProbability(obs: MarketObservation, action: Action): number {
    const input = observationFeatures(obs, action, this.options.features);
    if (!input) throw new Error("unreachable: a non-hold action has features");
    return this.models.classifier.predict([featureVector(input, CLASSIFIER_FEATURES)])[0];
  }

  /** Regressor-sized copy of the action; the inner size is kept when the prediction points the other way. */
  private resize(obs: MarketObservation, action: Action): Action {
    const input = observationFeatures(obs, action, this.options.features);
    if (!input || !this.models.sizeRegressor) return action;
    const [s] = this.models.sizeRegressor.predict([featureVector(input, REGRESSOR_FEATURES)]);
    if (action.kind === "repeg") {
      const full = fullRepegSize(obs);
      if (full === 0 || Math.sign(s) !== Math.sign(full)) return action;
      return { ...action, fraction: Math.min(1, Math.abs(s / full)) };
    }
    if (action.kind === "kUp" && s > 0) return { ...action, stepBps: clampBps(s * 1e4, this.options.maxKUpBps) };
    if (action.kind === "kDown" && s < 0) return { ...action, stepBps: clampBps(-s * 1e4, this.options.maxKDownBps) };
    return action;
  }
}

/** The shield the inner policy applies: only the Q-policy carries one (in its MDP). */
function innerTrackingShield(inner: Policy): TrackingShield | null {
  return inner instanceof QPolicy ? (inner.loaded.mdp.trackingShield ?? null) : null;
}

function clampBps(bps: number, max: number): number {
  return Math.max(1, Math.min(max, Math.round(bps)));
}

function requireFeatures(m: ScoringModel, want: readonly string[]): void {
  if (m.featureNames.join(",") !== want.join(",")) {
    throw new Error(`ensemble: ${m.kind} model features [${m.featureNames.join(",")}] differ from [${want.join(",")}]`);
  }
}
