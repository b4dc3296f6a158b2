/**
 * Scenario files (scenarios/train/*.json, scenarios/test/*.json): oracle path, trader mix, market
 * parameters, horizon, seed and decision interval, validated by a strict zod schema so a typo or an
 * out-of-range value is refused with the file name and the path of the bad field.
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { STEER_MODES, STEER_TIMINGS } from "./adversaries/policySteerer";
import { CALIBRATED_DEMAND } from "./params";

const pos = z.number().positive();
const nonneg = z.number().nonnegative();

const gbm = z.strictObject({ kind: z.literal("gbm"), initialPrice: pos, driftPerDay: z.number().default(0), volPerSqrtDay: nonneg });
const jump = z.strictObject({
  kind: z.literal("jump"),
  initialPrice: pos,
  driftPerDay: z.number().default(0),
  volPerSqrtDay: nonneg,
  jumps: z.array(z.strictObject({ atSec: nonneg, size: z.number().gt(-1, "a jump size must be > −1 (price stays positive)") })).default([]),
  randomJumpsPerDay: nonneg.default(0),
  randomJumpLogMean: z.number().default(0),
  randomJumpLogSd: nonneg.default(0),
});
const regime = z.strictObject({
  kind: z.literal("regime"),
  initialPrice: pos,
  driftPerDay: z.number().default(0),
  volsPerSqrtDay: z.array(nonneg).min(2, "a regime path needs at least 2 volatilities"),
  switchRatePerDay: nonneg,
});
const ou = z.strictObject({ kind: z.literal("ou"), initialPrice: pos, meanPrice: pos, reversionPerDay: nonneg, volPerSqrtDay: nonneg });
const replay = z.strictObject({
  kind: z.literal("replay"),
  file: z.string().min(1),
  start: z.union([z.string().min(1), nonneg]),
  timeScale: pos.default(1),
  rescaleTo: pos.optional(),
  priceColumn: z.string().optional(),
  /** Time column of the CSV (case-insensitive); default: the first of unix timestamp/unix/timestamp/time/date. */
  timeColumn: z.string().optional(),
  /** A bad CSV row: "skip" it (reported by the loader) or "reject" the file, naming the line. */
  badRows: z.enum(["skip", "reject"]).default("skip"),
});

/** Crash family (issue 13): see oracle/crash.ts. */
const crash = z.strictObject({
  kind: z.literal("crash"),
  initialPrice: pos,
  shape: z.enum(["steps", "slide", "luna"]),
  drop: z.number().gt(0).lt(1, "drop is the fraction lost, < 1 (the price stays positive)"),
  startSec: nonneg,
  durationSec: pos,
  steps: z.number().int().min(1).default(4),
  volPerSqrtDay: nonneg.default(0),
});

export const oracleSchema = z.discriminatedUnion("kind", [gbm, jump, regime, ou, replay, crash]);

const bps = z.number().int().nonnegative();
export const marketParamsSchema = z
  .strictObject({
    feeBps: bps,
    reserveShareBps: bps,
    imBps: bps,
    mmBps: bps,
    liquidationFeeBps: bps,
    fundingPeriod: pos,
    twapWindow: pos,
    fundingCapBps: bps,
    fundingBudgetShareBps: bps,
    maxOracleAgeHooks: pos,
    maxOracleAgeMargin: pos,
    maxOracleTwapDivergenceBps: bps,
    maxPegChangeBps: bps,
    maxKIncreaseBps: bps,
    maxKDecreaseBps: bps,
    hookCooldownBlocks: z.number().int().positive(),
    dailyCostCapBps: bps,
    fluctuationLimitBps: bps,
    maxOpenInterest: pos,
    maxDailyKDecreaseBps: bps,
    hookWindowSeconds: pos,
    oracleBreakerBps: bps,
    maxLiquidationSlippageBps: bps,
  })
  .partial();

export const tradersSchema = z.strictObject({
  /** Arrivals per second at the reference depth. */
  arrivalRatePerSec: pos,
  /** λ_i: probability that an arrival is informed (λ_u = 1 − λ_i). */
  informedProb: z.number().min(0).max(1),
  /** Arrival rate scales as (sqrtK/sqrtKRef)^rateElasticity. */
  rateElasticity: nonneg.default(CALIBRATED_DEMAND.rateElasticity),
  /** Depth at which demand is as stated; default market.sqrtK (the starting depth). */
  sqrtKRef: pos.optional(),
  uninformed: z.strictObject({
    notionalMedian: pos,
    notionalLogSd: nonneg,
    /** Median notional scales as (sqrtK/sqrtKRef)^sizeElasticity: deeper curve, bigger trades. */
    sizeElasticity: nonneg.default(CALIBRATED_DEMAND.sizeElasticity),
    holdingMeanSec: pos,
    leverage: z.number().min(1).max(50),
  }),
  informed: z.strictObject({
    /** Capital (margin) of one informed arrival; notional ≤ capital·leverage. */
    capital: pos,
    leverage: z.number().min(1).max(50),
    /** Extra edge over the fee required before trading (bps of the oracle). */
    edgeBps: nonneg.default(0),
  }),
  maxOpenPositions: z.number().int().min(16).max(1 << 20).default(65536),
});

export const scenarioSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-_]*$/, "lower-case letters, digits, - and _ only"),
  /** "crash": the crash family (scenarios/crash/), judged for solvency, never trained or tuned on. */
  split: z.enum(["train", "validation", "test", "crash"]),
  description: z.string().default(""),
  seed: z.number().int().nonnegative(),
  horizonSec: pos,
  decisionIntervalSec: pos,
  oracleDtSec: pos.default(60),
  blockTimeSec: pos.default(12),
  /** Unix time of the episode start (chain-like; keeps the daily windows realistic). */
  startTime: nonneg.default(1_700_000_000),
  oracle: oracleSchema,
  market: z.strictObject({
    /** Reference depth: x = y = sqrtK at the start, peg = the oracle's first price. */
    sqrtK: pos,
    budget: nonneg,
    reservedShare: nonneg.default(0),
    params: marketParamsSchema.default({}),
  }),
  traders: tradersSchema,
  /** Adversaries present in the world (DESIGN §9). */
  adversaries: z
    .strictObject({
      /** A bot that sandwiches every profitable keeper repeg (keeper/sim/adversaries/sandwichBot.ts). */
      sandwich: z.strictObject({ capital: pos, leverage: z.number().min(1).max(50) }).optional(),
      /** A trader that pushes the mark through liquidation prices and buys back the cascade (keeper/sim/adversaries/liquidationHunter.ts). */
      liquidationHunter: z.strictObject({ capital: pos, leverage: z.number().min(1).max(50) }).optional(),
      /** An attacker holding the keeper key: one most-harmful hook call per oracle tick (keeper/sim/adversaries/stolenKey.ts). */
      stolenKey: z.boolean().optional(),
      /** A trader that pushes the mark before each keeper decision and closes right after it (keeper/sim/adversaries/policySteerer.ts). */
      steerer: z.strictObject({ mode: z.enum(STEER_MODES), timing: z.enum(STEER_TIMINGS).optional(), capital: pos, leverage: z.number().min(1).max(50) }).optional(),
    })
    .default({}),
  reward: z
    .strictObject({
      /** Quote cost of one applied on-chain update. */
      gasPerUpdate: nonneg.default(2),
      /**
       * Accepted for older scenario files and ignored: the tracking penalty is a weight of the
       * learner's reward (keeper/policy/reward.ts, the policy's MDP config), not of the world.
       */
      trackingPenaltyCoef: nonneg.default(1000),
    })
    .default({ gasPerUpdate: 2, trackingPenaltyCoef: 1000 }),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

function formatIssues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`).join("; ");
}

/** Validates a parsed object; throws `scenario <where>: <path>: <message>; ...`. */
export function parseScenario(raw: unknown, where = "(inline)"): Scenario {
  const r = scenarioSchema.safeParse(raw);
  if (!r.success) throw new Error(`scenario ${where}: ${formatIssues(r.error)}`);
  const s = r.data;
  if (s.decisionIntervalSec < s.oracleDtSec) throw new Error(`scenario ${where}: decisionIntervalSec (${s.decisionIntervalSec}) must be ≥ oracleDtSec (${s.oracleDtSec})`);
  if (s.horizonSec < s.decisionIntervalSec) throw new Error(`scenario ${where}: horizonSec (${s.horizonSec}) must be ≥ decisionIntervalSec (${s.decisionIntervalSec})`);
  if (s.oracle.kind === "jump") {
    const late = s.oracle.jumps.find((j) => j.atSec > s.horizonSec);
    if (late) throw new Error(`scenario ${where}: oracle.jumps: a jump at ${late.atSec}s lies beyond horizonSec ${s.horizonSec}`);
  }
  if (s.oracle.kind === "crash" && s.oracle.startSec + s.oracle.durationSec > s.horizonSec) {
    throw new Error(`scenario ${where}: oracle: the crash window ends at ${s.oracle.startSec + s.oracle.durationSec}s, beyond horizonSec ${s.horizonSec}`);
  }
  return s;
}

export function loadScenario(file: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`scenario ${file}: not readable JSON (${(e as Error).message})`);
  }
  return parseScenario(raw, file);
}

/** All scenarios of a split, sorted by file name. */
export function loadScenarioSet(split: "train" | "test" | "crash", projectRoot = process.cwd()): Scenario[] {
  const dir = path.join(projectRoot, "scenarios", split);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  return files.map((f) => {
    const s = loadScenario(path.join(dir, f));
    if (s.split !== split) throw new Error(`scenario ${path.join(dir, f)}: split "${s.split}" but the file is under scenarios/${split}/`);
    return s;
  });
}
