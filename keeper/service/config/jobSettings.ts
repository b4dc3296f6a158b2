import type { MarketJobSettings } from "../marketJob";
import { backoffConfigSchema, economicsConfigSchema, gasConfigSchema, keeperConfigSchema, type KeeperFileConfig } from "./schema";

/**
 * Job settings for a keeper built in code (in-process runs, benches, tests): the config schema's
 * own defaults, so they cannot drift from what a config file without those fields gets, with
 * `over` on top. The planner's fit-to-budget options stay unset (core/hookPlanner's defaults).
 */
export function jobSettings(over: Partial<MarketJobSettings> = {}): MarketJobSettings {
  const top = keeperConfigSchema.shape;
  return {
    dryRun: top.dryRun.parse(undefined),
    intervalMs: top.intervalMs.parse(undefined),
    txReceiptTimeoutMs: top.txReceiptTimeoutMs.parse(undefined),
    maxConsecutiveFailures: top.maxConsecutiveFailures.parse(undefined),
    gas: gasConfigSchema.parse({}),
    backoff: backoffConfigSchema.parse({}),
    economics: economicsConfigSchema.parse({}),
    unhealthyAfterTicks: top.unhealthyAfterTicks.parse(undefined),
    tickLogLevel: top.tickLogLevel.parse(undefined),
    ...over,
  };
}

/** Job settings of a validated config file (the CLI's keeper): every market's job runs with these. */
export function jobSettingsFromConfig(cfg: KeeperFileConfig): MarketJobSettings {
  return {
    dryRun: cfg.dryRun,
    intervalMs: cfg.intervalMs,
    txReceiptTimeoutMs: cfg.txReceiptTimeoutMs,
    maxConsecutiveFailures: cfg.maxConsecutiveFailures,
    gas: cfg.gas,
    backoff: cfg.backoff,
    economics: cfg.economics,
    fitToBudget: cfg.fitToBudget,
    minRepegBps: cfg.minRepegBps,
    minFitFraction: cfg.minFitFraction,
    unhealthyAfterTicks: cfg.unhealthyAfterTicks,
    tickLogLevel: cfg.tickLogLevel,
  };
}
