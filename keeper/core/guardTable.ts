/**
 * The one table of the market's guard parameters (SPEC §6): name, default, hard bounds and unit, as
 * the contracts hold them (integers in on-chain units). The simulator's defaults and bounds
 * (keeper/sim/params.ts) and the contract tests read it; test/keeper/core/guardTable.test.ts checks a
 * freshly deployed market's getters and `setParameter`'s refusals against it. The Solidity constants
 * are not generated from it: the test is the link.
 */

/** How a parameter's integer is read: bps of 10_000, seconds, blocks, or base amount in WAD. */
export type GuardUnit = "bps" | "seconds" | "blocks" | "baseWad";

export interface GuardParam {
  readonly name: string;
  /** The constructor's default; `undefined` when the deployer sets it (maxOpenInterest). */
  readonly default: bigint | undefined;
  /** Static hard bounds (`VammMarketLib._paramField`, `MarketStorage.toOiMicro`). */
  readonly min: bigint;
  readonly max: bigint;
  readonly unit: GuardUnit;
  /** A bound that depends on another parameter, as `setParameter` applies it (see `effectiveBounds`). */
  readonly crossBound?: string;
}

const DAY = 86_400n;
/** maxOpenInterest is stored at 1e-6 base (a uint64 of micro-units). */
const OI_UNIT = 10n ** 12n;

export const GUARD_TABLE = [
  { name: "feeBps", default: 10n, min: 1n, max: 100n, unit: "bps", crossBound: "min ⌈maxPegChangeBps·1e4/(2e4 − maxPegChangeBps)⌉ (sandwich bound)" },
  { name: "reserveShareBps", default: 5000n, min: 1000n, max: 9000n, unit: "bps" },
  { name: "imBps", default: 1000n, min: 200n, max: 5000n, unit: "bps", crossBound: "min mmBps" },
  { name: "mmBps", default: 625n, min: 100n, max: 5000n, unit: "bps", crossBound: "max imBps" },
  { name: "liquidationFeeBps", default: 250n, min: 50n, max: 1000n, unit: "bps" },
  { name: "fundingPeriod", default: 3600n, min: 600n, max: DAY, unit: "seconds" },
  { name: "twapWindow", default: 3600n, min: 1n, max: 7n * DAY, unit: "seconds" },
  { name: "fundingCapBps", default: 1000n, min: 10n, max: 5000n, unit: "bps" },
  { name: "fundingBudgetShareBps", default: 3333n, min: 0n, max: 10_000n, unit: "bps" },
  { name: "maxOracleAgeHooks", default: 60n, min: 10n, max: DAY, unit: "seconds" },
  { name: "maxOracleAgeMargin", default: 3600n, min: 10n, max: DAY, unit: "seconds" },
  { name: "maxOracleTwapDivergenceBps", default: 1000n, min: 100n, max: 5000n, unit: "bps" },
  { name: "maxPegChangeBps", default: 19n, min: 1n, max: 2000n, unit: "bps", crossBound: "max ⌊2·feeBps·1e4/(1e4 + feeBps)⌋ (sandwich bound)" },
  { name: "maxKIncreaseBps", default: 100n, min: 1n, max: 1000n, unit: "bps" },
  { name: "maxKDecreaseBps", default: 220n, min: 1n, max: 1000n, unit: "bps" },
  { name: "hookCooldownBlocks", default: 1n, min: 1n, max: 7200n, unit: "blocks" },
  { name: "dailyCostCapBps", default: 2000n, min: 0n, max: 10_000n, unit: "bps" },
  { name: "fluctuationLimitBps", default: 200n, min: 10n, max: 5000n, unit: "bps" },
  { name: "maxOpenInterest", default: undefined, min: OI_UNIT, max: ((1n << 64n) - 1n) * OI_UNIT, unit: "baseWad" },
  { name: "maxDailyKDecreaseBps", default: 500n, min: 1n, max: 2000n, unit: "bps" },
  { name: "hookWindowSeconds", default: 3600n, min: 60n, max: DAY, unit: "seconds" },
  { name: "oracleBreakerBps", default: 500n, min: 50n, max: 5000n, unit: "bps" },
  { name: "maxLiquidationSlippageBps", default: 500n, min: 100n, max: 5000n, unit: "bps" },
] as const satisfies readonly GuardParam[];

export type GuardName = (typeof GUARD_TABLE)[number]["name"];

const BY_NAME: ReadonlyMap<string, GuardParam> = new Map(GUARD_TABLE.map((p) => [p.name, p]));

/** The row of `name`; throws naming it when the table has no such parameter. */
export function guardParam(name: string): GuardParam {
  const p = BY_NAME.get(name);
  if (!p) throw new Error(`unknown guard parameter ${name} (known: ${GUARD_TABLE.map((g) => g.name).join(", ")})`);
  return p;
}

/** The contract's default of `name`; throws for a parameter the deployer sets (maxOpenInterest). */
export function guardDefault(name: GuardName): bigint {
  const d = guardParam(name).default;
  if (d === undefined) throw new Error(`guard parameter ${name} has no default: the deployer sets it`);
  return d;
}

/** The largest maxPegChangeBps the sandwich bound allows for a fee: ⌊2·feeBps·1e4/(1e4 + feeBps)⌋ (19 for 10). */
export function maxPegChangeForFee(feeBps: number): number {
  return Math.floor((2 * feeBps * 1e4) / (1e4 + feeBps));
}

/** The smallest fee the sandwich bound allows for a move cap: ⌈maxPegChangeBps·1e4/(2e4 − maxPegChangeBps)⌉ (10 for 19). */
export function minFeeForPegChange(maxPegChangeBps: number): number {
  return Math.ceil((maxPegChangeBps * 1e4) / (2e4 - maxPegChangeBps));
}

/**
 * The bounds `setParameter(name, ·)` enforces given the market's current values: the static ones
 * narrowed by the cross bounds (imBps ≥ mmBps, mmBps ≤ imBps and the sandwich bound between feeBps
 * and maxPegChangeBps).
 */
export function effectiveBounds(name: GuardName, current: { readonly [K in GuardName]?: bigint | number }): { min: bigint; max: bigint } {
  const p = guardParam(name);
  let { min, max } = p;
  const cur = (k: GuardName): bigint => {
    const v = current[k];
    if (v === undefined) throw new Error(`effectiveBounds(${name}) needs the current ${k}`);
    return BigInt(v);
  };
  if (name === "imBps" && cur("mmBps") > min) min = cur("mmBps");
  if (name === "mmBps") max = cur("imBps");
  if (name === "maxPegChangeBps") {
    const byFee = BigInt(maxPegChangeForFee(Number(cur("feeBps"))));
    if (byFee < max) max = byFee;
  }
  if (name === "feeBps") {
    const byCap = BigInt(minFeeForPegChange(Number(cur("maxPegChangeBps"))));
    if (byCap > min) min = byCap;
  }
  return { min, max };
}
