import type { MarketJobSettings } from "../marketJob";
import { backoffConfigSchema, economicsConfigSchema, gasConfigSchema, keeperConfigSchema } from "./schema";

/**
 * Job settings for a keeper built in code (in-process runs, benches, tests): the config schema's
 * own defaults, so they cannot drift from what a config file without those fields gets, with
 * `over` on top. The planner's fit-to-budget options stay unset (planHookCall's defaults).
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
    ...over,
  };
}
