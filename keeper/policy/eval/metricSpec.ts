/** The DESIGN §9 metrics, in table order, with which direction is better. */
export const METRICS = [
  { key: "netRevenue", label: "protocol net revenue", better: "higher" },
  { key: "meanGapBps", label: "mean |mark−oracle| (bps)", better: "lower" },
  { key: "p95GapBps", label: "p95 |mark−oracle| (bps)", better: "lower" },
  { key: "informedProfit", label: "informed traders' profit", better: "lower" },
  { key: "sandwichTake", label: "sandwich bot's take", better: "lower" },
  { key: "hunterTake", label: "liquidation hunter's take", better: "lower" },
  { key: "uninformedLoss", label: "uninformed traders' loss", better: "none" },
  { key: "volume", label: "volume", better: "higher" },
  { key: "updates", label: "number of updates", better: "none" },
  { key: "gasSpent", label: "gas spent", better: "lower" },
  { key: "worstDrawdown", label: "worst budget drawdown", better: "lower" },
  { key: "cvar5NetRevenue", label: "CVaR 5% of episode net revenue", better: "higher" },
] as const;

export type MetricKey = (typeof METRICS)[number]["key"];
/** Per-episode metrics (CVaR is computed over episodes, so an episode does not report it). */
export type EpisodeMetricKey = Exclude<MetricKey, "cvar5NetRevenue">;
export type EpisodeMetrics = Record<EpisodeMetricKey, number>;
