/**
 * Scenario generator: one scenario per seed, drawn from the families and ranges of
 * generatorConfig.ts. The seed alone fixes the scenario (same seed ⇒ identical scenario) and
 * names its split (disjoint seed ranges); real-price windows of a split lie inside that split's
 * date range, so train, validation and test share neither seeds nor data.
 */
import { SimRng } from "../rng";
import { parseScenario, type Scenario, type ScenarioInput } from "../scenario";
import { FAMILIES, FAMILY_WEIGHTS, RANGES, REAL_SERIES, SEED_RANGES, SPLITS, type Family, type Split } from "./generatorConfig";

const DAY = 86400;

export function splitOfSeed(seed: number): Split {
  for (const s of SPLITS) if (seed >= SEED_RANGES[s][0] && seed < SEED_RANGES[s][1]) return s;
  throw new Error(`seed ${seed} lies in no split (train ${SEED_RANGES.train.join("–")}, validation ${SEED_RANGES.validation.join("–")}, test ${SEED_RANGES.test.join("–")})`);
}

export function seedOf(split: Split, index: number): number {
  const [from, to] = SEED_RANGES[split];
  if (!Number.isInteger(index) || index < 0 || from + index >= to) throw new Error(`scenario index ${index} outside split ${split} (0 – ${to - from - 1})`);
  return from + index;
}

class Draw {
  constructor(readonly rng: SimRng) {}
  uniform(r: readonly [number, number]): number {
    return r[0] + (r[1] - r[0]) * this.rng.next();
  }
  logUniform(r: readonly [number, number]): number {
    return Math.exp(this.uniform([Math.log(r[0]), Math.log(r[1])]));
  }
  pick<T>(items: readonly T[], weights: readonly number[]): T {
    const total = weights.reduce((a, b) => a + b, 0);
    let u = this.rng.next() * total;
    for (let i = 0; i < items.length; i++) if ((u -= weights[i]) < 0) return items[i];
    return items[items.length - 1];
  }
}

const round = (x: number, digits = 6): number => Number(x.toPrecision(digits));

function oracleOf(family: Family, d: Draw, split: Split, horizonSec: number, price: number): ScenarioInput["oracle"] {
  const vol = round(d.logUniform(RANGES.volPerSqrtDay));
  const drift = round(d.uniform(RANGES.driftPerDay));
  const crashStart = 0.5 * DAY;
  switch (family) {
    case "gbm":
      return { kind: "gbm", initialPrice: price, driftPerDay: drift, volPerSqrtDay: vol };
    case "jump":
      return { kind: "jump", initialPrice: price, driftPerDay: drift, volPerSqrtDay: vol, jumps: [], randomJumpsPerDay: round(d.uniform([0.5, 3])), randomJumpLogMean: 0, randomJumpLogSd: round(d.uniform([0.02, 0.1])) };
    case "regime":
      return { kind: "regime", initialPrice: price, driftPerDay: drift, volsPerSqrtDay: [vol, round(vol * d.uniform([2, 5]))], switchRatePerDay: round(d.uniform([0.5, 4])) };
    case "ou":
      return { kind: "ou", initialPrice: price, meanPrice: round(price * d.uniform([0.9, 1.1])), reversionPerDay: round(d.uniform([0.5, 5])), volPerSqrtDay: vol };
    case "crash-steps": {
      // −90 % in three equal steps, a day apart, starting half a day in.
      const step = Math.pow(1 - RANGES.crashDepth, 1 / 3) - 1;
      return { kind: "jump", initialPrice: price, driftPerDay: 0, volPerSqrtDay: vol, jumps: [0, 1, 2].map((i) => ({ atSec: crashStart + i * DAY, size: round(step, 12) })), randomJumpsPerDay: 0, randomJumpLogMean: 0, randomJumpLogSd: 0 };
    }
    case "crash-slide": {
      // −90 % as an hourly slide over three days.
      const n = RANGES.crashDays * 24;
      const step = Math.pow(1 - RANGES.crashDepth, 1 / n) - 1;
      return { kind: "jump", initialPrice: price, driftPerDay: 0, volPerSqrtDay: vol, jumps: Array.from({ length: n }, (_, i) => ({ atSec: crashStart + i * 3600, size: round(step, 12) })), randomJumpsPerDay: 0, randomJumpLogMean: 0, randomJumpLogSd: 0 };
    }
    case "real": {
      const series = REAL_SERIES[d.rng.int(REAL_SERIES.length)];
      const [from, to] = series.windows[split].map((s) => Date.parse(s) / 1000);
      const latest = to - horizonSec;
      if (latest <= from) throw new Error(`${series.file}: the ${split} window is shorter than the horizon`);
      // Whole hours, so every window starts on a candle.
      const start = from + Math.floor((d.rng.next() * (latest - from)) / 3600) * 3600;
      return { kind: "replay", file: series.file, start: new Date(start * 1000).toISOString(), timeScale: 1, rescaleTo: price };
    }
  }
}

/** The scenario of a seed (its split is the seed's range). */
export function generateScenario(seed: number): Scenario {
  const split = splitOfSeed(seed);
  const d = new Draw(new SimRng(seed));
  const family = d.pick(FAMILIES, FAMILIES.map((f) => FAMILY_WEIGHTS[f]));
  const days = family.startsWith("crash") ? 4 : d.rng.int(RANGES.horizonDays[1] - RANGES.horizonDays[0] + 1) + RANGES.horizonDays[0];
  const horizonSec = days * DAY;
  const price = round(d.logUniform(RANGES.initialPrice));
  const oracle = oracleOf(family, d, split, horizonSec, price);
  const depthQuote = d.logUniform(RANGES.depthQuote);
  const sqrtK = round(depthQuote / price);
  const elasticity = d.uniform(RANGES.depthElasticity);
  const rateShare = d.uniform(RANGES.rateShare);
  // Drawn in a fixed order (the order of the fields below): a seed always gives the same values.
  const budget = round(depthQuote * d.logUniform(RANGES.budgetShare));
  const arrivalRatePerSec = round(d.logUniform(RANGES.arrivalRatePerSec));
  const informedProb = round(d.logUniform(RANGES.informedProb));
  const notionalMedian = round(depthQuote * d.logUniform(RANGES.notionalMedianPerDepth));
  const holdingMeanSec = round(d.logUniform(RANGES.holdingMeanSec));
  const uLeverage = d.rng.int(4) + 2;
  const informedCapital = round(depthQuote * d.logUniform([2e-4, 1e-3]));
  const edgeBps = round(d.uniform(RANGES.informedEdgeBps));
  const input: ScenarioInput = {
    name: `${split}-${seed - SEED_RANGES[split][0]}-${family}`,
    split,
    description: `generated from seed ${seed} (${family}, ${days} days)`,
    seed,
    horizonSec,
    decisionIntervalSec: 3600,
    oracleDtSec: 60,
    oracle,
    market: { sqrtK, budget, reservedShare: 0, params: {} },
    traders: {
      arrivalRatePerSec,
      informedProb,
      rateElasticity: round(elasticity * rateShare),
      uninformed: { notionalMedian, notionalLogSd: 1, sizeElasticity: round(elasticity * (1 - rateShare)), holdingMeanSec, leverage: uLeverage },
      informed: { capital: informedCapital, leverage: 5, edgeBps },
    },
    // The sandwich bot is part of the default world, with an informed trader's capital.
    adversaries: { sandwich: { capital: informedCapital, leverage: 5 } },
    reward: { gasPerUpdate: 2, trackingPenaltyCoef: 100000 },
  };
  return parseScenario(input, `generated seed ${seed}`);
}

/** The first `count` scenarios of a split (seeds from, from+1, …). */
export function splitScenarios(split: Split, count: number, offset = 0): Scenario[] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`scenario count must be a positive integer, got ${count}`);
  return Array.from({ length: count }, (_, i) => generateScenario(seedOf(split, offset + i)));
}
