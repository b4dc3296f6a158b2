/**
 * What a page hands the inline chart runtime (chartRuntime.ts) for one uPlot chart: one shared x
 * axis (uPlot's aligned data), series on a left or right y axis, optional vertical markers.
 * Built on the server side so every page (evaluation report, demo report, dashboard) draws the
 * same way.
 */
export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  /** One value per x; null = no sample (a gap). */
  readonly values: readonly (number | null)[];
  readonly dash?: boolean;
  readonly width?: number;
  /** Which y axis the series is read against (default left). */
  readonly axis?: "left" | "right";
  /** Draw points instead of a line (with optional whiskers lo/hi per x). */
  readonly points?: { readonly lo: readonly (number | null)[]; readonly hi: readonly (number | null)[] };
}

export interface ChartMarker {
  readonly x: number;
  readonly color: string;
  readonly label: string;
}

export interface ChartSpec {
  readonly xLabel: string;
  /** x values are Unix seconds: a clock-time axis (uPlot's time ticks) instead of a numeric one. */
  readonly xTime?: boolean;
  readonly yLabel: string;
  readonly y2Label?: string;
  readonly x: readonly number[];
  readonly series: readonly ChartSeries[];
  /** Short ticks at the bottom of the plot (e.g. keeper updates). */
  readonly markers?: readonly ChartMarker[];
  /** Category names for an x axis of 0..n-1 (points charts). */
  readonly categories?: readonly string[];
  readonly height?: number;
  /** Charts with the same key share the cursor. */
  readonly syncKey?: string;
}
