/** What the HTML report shows; built by the evaluator, embedded as JSON in the page. */

export interface MetricRow {
  readonly policy: string;
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
}

export interface MetricBlock {
  readonly key: string;
  readonly label: string;
  /** "higher" or "lower" is better; "none" when neither (volume, updates). */
  readonly better: "higher" | "lower" | "none";
  readonly rows: readonly MetricRow[];
}

export interface Series {
  readonly name: string;
  readonly xs: readonly number[];
  readonly ys: readonly number[];
}

export interface PolicyTrace {
  readonly policy: string;
  readonly scenario: string;
  readonly seed: number;
  /** Hours since the episode start. */
  readonly t: readonly number[];
  readonly mark: readonly number[];
  readonly oracle: readonly number[];
  readonly imbalance: readonly number[];
  readonly budget: readonly number[];
  readonly cumNetRevenue: readonly number[];
  /** Curve updates: time (hours) and kind. */
  readonly updates: readonly { t: number; kind: string }[];
}

export interface QHeatmap {
  readonly policy: string;
  readonly stateLabels: readonly string[];
  readonly actionLabels: readonly string[];
  readonly q: readonly (readonly number[])[];
  readonly visits: readonly (readonly number[])[];
}

export interface ReportData {
  readonly title: string;
  readonly generatedAt: string;
  readonly scenarioSet: string;
  readonly seeds: number;
  readonly policies: readonly string[];
  readonly metrics: readonly MetricBlock[];
  /** Mean reward parts per episode per policy (quote units; tracking in bps·steps). */
  readonly rewardParts: readonly { policy: string; parts: Record<string, MetricRow> }[];
  /** One representative test episode per policy. */
  readonly traces: readonly PolicyTrace[];
  /** Replay of a real price series, one trace per policy. */
  readonly replay: readonly PolicyTrace[];
  readonly replayName: string;
  readonly heatmap: QHeatmap | null;
  readonly trainingCurve: readonly { episode: number; reward: number; epsilon: number }[];
  /** Plain-text verdict on the project goal. */
  readonly verdict: readonly string[];
}
