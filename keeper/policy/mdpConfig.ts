/**
 * The MDP the Q-policy is learned on (DESIGN §8): how an observation becomes an integer state,
 * which discrete actions exist, and how the reward's parts are weighted. Validated with zod so a
 * bad config or policy file fails with the offending field named.
 */
import { z } from "zod";
import type { Action } from "../core/policyTypes";

const strictlyIncreasing = (xs: readonly number[]): boolean => xs.every((v, i) => i === 0 || v > xs[i - 1]);

/** Bucket edges: n edges make n + 1 buckets (below the first edge, between edges, at/above the last). */
export const BucketEdgesSchema = z
  .array(z.number().finite())
  .min(1, "needs at least one bucket edge")
  .refine(strictlyIncreasing, { message: "bucket edges must be strictly increasing" });

export const ActionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("hold") }).strict(),
  z.object({ kind: z.literal("repeg"), fraction: z.number().gt(0).lte(1) }).strict(),
  z.object({ kind: z.literal("kUp"), stepBps: z.number().gt(0).lte(10_000) }).strict(),
  z.object({ kind: z.literal("kDown"), stepBps: z.number().gt(0).lte(10_000) }).strict(),
  /**
   * Hands this step to a stateless rule (baselines/ruleCatalog): the action is whatever the rule
   * decides at the observation (an option over rules, one step long). The learner then chooses, by
   * state, which rule acts. `options` may be partial in a training config; training fills them
   * from the rule's defaults and tuned.json (ruleActions.freezeRuleActions), so a policy file
   * carries every option and its behaviour does not move when the rules are retuned.
   */
  z.object({ kind: z.literal("rule"), rule: z.string().min(1), options: z.record(z.string(), z.number().finite()).optional() }).strict(),
]);

export const StateConfigSchema = z
  .object({
    /** Net imbalance (longOI − shortOI), divided by total OI (in [−1, 1]) or by sqrtK. */
    imbalance: z.object({ normaliseBy: z.enum(["totalOI", "sqrtK"]), edges: BucketEdgesSchema }).strict(),
    /** Signed mark–oracle gap (mark/oracle − 1) in bps. */
    gapBps: z.object({ edges: BucketEdgesSchema }).strict().optional(),
    /** Budget relative to curve depth: budget / (oracle · sqrtK) in bps. */
    budgetBps: z.object({ edges: BucketEdgesSchema }).strict().optional(),
    /** Realised oracle volatility (per √day). */
    volatility: z.object({ edges: BucketEdgesSchema }).strict().optional(),
    /** Depth relative to the market's reference depth: sqrtK / depthRef (1 without a reference). */
    depth: z.object({ edges: BucketEdgesSchema }).strict().optional(),
    /** Hours since the last repeg or k update (never updated = the last bucket). */
    sinceUpdateHours: z.object({ edges: BucketEdgesSchema }).strict().optional(),
    /**
     * The funding premium the AMM receives, in bps: the TWAP premium signed by the AMM's side (it
     * holds −(longOI − shortOI)), positive when its exposure is paid. 0 when the book is balanced
     * within `minImbalance` of total OI (the AMM's side is then noise).
     */
    ammFundingBps: z.object({ edges: BucketEdgesSchema, minImbalance: z.number().finite().min(0).max(1) }).strict().optional(),
    /**
     * What a repeg to the oracle would earn, as a signed gap in bps: the mark–oracle gap signed by
     * the users' net side, positive when the repeg's cost `(y − y_t)·(P' − P)` is negative (the
     * protocol gains: users net long and the mark above the oracle, or net short and below).
     * 0 below `minImbalance` of total OI, where the repeg's cost is small either way.
     */
    repegGainBps: z.object({ edges: BucketEdgesSchema, minImbalance: z.number().finite().min(0).max(1) }).strict().optional(),
  })
  .strict();

/**
 * Weights of the reward's parts (keeper/policy/reward.ts): protocol net revenue counts 1, the
 * others are penalties. `per` is the reward's unit: "depthBps" (bps of the episode's starting
 * quote depth; the penalties are in that unit too) or "quote".
 */
export const RewardWeightsSchema = z
  .object({
    per: z.enum(["depthBps", "quote"]),
    /** Reward units charged per bp of mean |mark/oracle − 1| per step. */
    trackingPenaltyPerBps: z.number().finite().min(0),
    /** Multiplier on the step's increase of the worst budget drawdown (0 = no tail-risk term). */
    drawdownPenalty: z.number().finite().min(0),
  })
  .strict();

/**
 * Exposure guard of the tracking shield: no repeg that would lock in the net user position.
 * A repeg moves the mark to the oracle at the current net position d = longOI − shortOI, so it makes
 * that d the curve's new equilibrium; without it, informed traders arbitrage the mark back and
 * their trades move d toward the equilibrium of the unchanged peg. When those trades would shrink
 * |d| (they trade toward the oracle, i.e. against the sign of the gap, and d has the other sign)
 * and |d| / sqrtK exceeds `minImbalance`, the guard forbids repegs: inside the shield's limit the
 * learner chooses among the other actions, between the limit and `maxGapBps` only hold is
 * allowed, and beyond `maxGapBps` the shield's repeg rule wins again. Repegs that lock in d keep
 * a net short through a price rise (the AMM long, the users short at 5×) until a spike liquidates
 * them all at once: the squeeze that held the mark ≈ 150 bps off for an hour in replay-sol-apr.
 */
export const ExposureGuardSchema = z
  .object({ minImbalance: z.number().finite().min(0).max(1), maxGapBps: z.number().finite().gt(0) })
  .strict();

/**
 * Action shield (a state-dependent allowed-action set): when |mark/oracle − 1| exceeds `gapBps`,
 * only the repeg actions (which always move the mark toward the oracle) are allowed; otherwise
 * every action is. One action per step means a k step crowds out a repeg, and a learner paid for
 * depth lets the mark drift; the shield keeps tracking a hard rule. It is part of the policy: the
 * learner trains under it (exploration, greedy choice and the bootstrap max all restricted) and
 * QPolicy.decide applies it, so the keeper runs the same rule. Optional (older files have none).
 *
 * `repegOnlyWhenShielded` makes the repeg a circuit breaker: repegs are then allowed only beyond
 * the limit, so inside it the learner chooses among hold and the k steps. A discretionary repeg
 * does the informed traders' arbitrage for them, and their trades are what offsets the uninformed
 * traders' net position; a bigger net position is what a price spike squeezes (a liquidation
 * cascade that holds the mark off the oracle for an hour). Optional, default false.
 *
 * `exposureGuard` (ExposureGuardSchema above) removes only the repegs that would lock in the net user
 * position the informed traders' arbitrage would shrink. Optional.
 */
export const TrackingShieldSchema = z
  .object({ gapBps: z.number().finite().gt(0), repegOnlyWhenShielded: z.boolean().optional(), exposureGuard: ExposureGuardSchema.optional() })
  .strict()
  .refine((s) => !s.exposureGuard || s.exposureGuard.maxGapBps > s.gapBps, {
    message: "exposureGuard.maxGapBps must exceed the shield's gapBps",
    path: ["exposureGuard", "maxGapBps"],
  });

/** The shield's mask is a bit set over action indices, so the action count is bounded. */
export const MAX_ACTIONS = 31;

export const MdpConfigSchema = z
  .object({
    state: StateConfigSchema,
    actions: z.array(ActionSchema).min(1, "needs at least one action").max(MAX_ACTIONS, `at most ${MAX_ACTIONS} actions`),
    reward: RewardWeightsSchema,
    trackingShield: TrackingShieldSchema.optional(),
  })
  .strict()
  .refine((m) => !m.trackingShield || m.actions.some((a) => a.kind === "repeg" || a.kind === "rule"), {
    message: "trackingShield needs at least one repeg action (or a rule action) in the action set",
    path: ["trackingShield"],
  })
  .refine((m) => !m.trackingShield?.repegOnlyWhenShielded || m.actions.some((a) => a.kind !== "repeg" && a.kind !== "rule"), {
    message: "trackingShield.repegOnlyWhenShielded needs at least one non-repeg action in the action set (a rule action may repeg)",
    path: ["trackingShield", "repegOnlyWhenShielded"],
  })
  .refine((m) => !m.trackingShield?.exposureGuard || m.actions.some((a) => a.kind === "hold"), {
    message: "trackingShield.exposureGuard needs a hold action in the action set",
    path: ["trackingShield", "exposureGuard"],
  });

export type BucketEdges = z.infer<typeof BucketEdgesSchema>;
/** An action of the MDP: a market action (core/policyTypes Action) or a rule's step. */
export type MdpAction = z.infer<typeof ActionSchema>;
export type RuleAction = Extract<MdpAction, { kind: "rule" }>;
export type StateConfig = z.infer<typeof StateConfigSchema>;
export type RewardWeights = z.infer<typeof RewardWeightsSchema>;
export type TrackingShield = z.infer<typeof TrackingShieldSchema>;
export type ExposureGuard = z.infer<typeof ExposureGuardSchema>;
export type MdpConfig = z.infer<typeof MdpConfigSchema>;

/** Formats zod issues as "path: message" lines, so the caller sees which field was wrong. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`).join("; ");
}

export function parseMdpConfig(raw: unknown, what = "MDP config"): MdpConfig {
  const r = MdpConfigSchema.safeParse(raw);
  if (!r.success) throw new Error(`invalid ${what}: ${formatIssues(r.error)}`);
  return r.data;
}

/** The action grid of DESIGN §8: hold, repeg by half / all of the gap, k one step up / down. */
export const DEFAULT_ACTIONS: readonly Action[] = [
  { kind: "hold" },
  { kind: "repeg", fraction: 0.5 },
  { kind: "repeg", fraction: 1 },
  { kind: "kUp", stepBps: 50 },
  { kind: "kDown", stepBps: 100 },
];

/** Net revenue alone, in quote (toy MDPs in tests). */
export const DEFAULT_REWARD_WEIGHTS: RewardWeights = { per: "quote", trackingPenaltyPerBps: 0, drawdownPenalty: 0 };

/** Imbalance-only state: the minimal state of seed 002. */
export const IMBALANCE_ONLY_STATE: StateConfig = {
  imbalance: { normaliseBy: "totalOI", edges: [-0.6, -0.3, -0.1, -0.02, 0.02, 0.1, 0.3, 0.6] },
};

export const DEFAULT_MDP: MdpConfig = {
  state: {
    ...IMBALANCE_ONLY_STATE,
    gapBps: { edges: [-50, -15, -5, 5, 15, 50] },
  },
  actions: DEFAULT_ACTIONS.map((a) => ({ ...a })) as MdpConfig["actions"],
  reward: { ...DEFAULT_REWARD_WEIGHTS },
};

export function actionLabel(a: Action | MdpAction): string {
  switch (a.kind) {
    case "rule":
      return `rule ${a.rule}`;
    case "hold":
      return "hold";
    case "repeg":
      return `repeg ${Math.round((a.fraction ?? 1) * 100)}%`;
    case "kUp":
      return `k +${a.stepBps}bp`;
    case "kDown":
      return `k −${a.stepBps}bp`;
  }
}
