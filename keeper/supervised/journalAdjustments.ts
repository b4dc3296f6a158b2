/**
 * Adjustment records from the keeper's decision journal (keeper/service/journal). Each confirmed
 * repeg / k change becomes a record: features from the observation journaled with the decision
 * (the same `marketFeatures` the ensemble scores at decision time), size from the planned call
 * target, cost from the receipt (the preview's when the receipt carried none).
 *
 * The journal has no fee counter, so the fees after the change are read from the budget in later
 * rows' observations (every decision, hold included, journals one): budget growth from just after
 * the change to the latest observation inside the window, with the costs of other confirmed
 * changes in between added back. That is fees plus net funding less bad debt; on a calm market
 * funding nets out, and the label errs the same way for every policy.
 */
import type { DecisionRecord } from "../core/decisionRecord";
import type { AdjustmentRecord } from "./adjustmentRecord";
import { marketFeatures } from "./observationFeatures";

export interface JournalAdjustmentOptions {
  readonly labelWindowHours: number;
  /** The latest observation inside the window must be at least this share of the window after the change. */
  readonly minCoverage: number;
}

export const DEFAULT_JOURNAL_ADJUSTMENT_OPTIONS: JournalAdjustmentOptions = { labelWindowHours: 1, minCoverage: 0.5 };

export interface JournalAdjustmentRecord extends AdjustmentRecord {
  readonly market: string;
  readonly decisionId: number;
}

export interface JournalAdjustmentResult {
  readonly records: JournalAdjustmentRecord[];
  readonly skipped: ReadonlyArray<{ readonly decisionId: number; readonly reason: string }>;
}

const WAD = 10n ** 18n;

/** A WAD decimal string as a float, exactly up to float64 precision; null for null. */
export function wadStringToNumber(s: string | null, what: string): number | null {
  if (s === null) return null;
  if (!/^-?\d+$/.test(s)) throw new Error(`${what}: '${s}' is not an integer WAD amount`);
  const v = BigInt(s);
  const neg = v < 0n;
  const a = neg ? -v : v;
  const x = Number(a / WAD) + Number(a % WAD) / 1e18;
  return neg ? -x : x;
}

/** `rows`: journal rows of any status (e.g. `journal.list(undefined, 1e9)`), any order. */
export function journalAdjustmentRecords(rows: readonly DecisionRecord[], options: Partial<JournalAdjustmentOptions> = {}): JournalAdjustmentResult {
  const o = { ...DEFAULT_JOURNAL_ADJUSTMENT_OPTIONS, ...options };
  if (!(o.labelWindowHours > 0)) throw new Error(`journal adjustments: labelWindowHours must be > 0, got ${o.labelWindowHours}`);
  if (!(o.minCoverage >= 0 && o.minCoverage <= 1)) throw new Error(`journal adjustments: minCoverage must be in [0, 1], got ${o.minCoverage}`);
  const windowS = o.labelWindowHours * 3600;
  const byMarket = new Map<string, DecisionRecord[]>();
  for (const r of rows) {
    if (r.dryRun) continue; // a dry run never touched the market: its later budget says nothing
    const list = byMarket.get(r.market) ?? [];
    list.push(r);
    byMarket.set(r.market, list);
  }
  const records: JournalAdjustmentRecord[] = [];
  const skipped: Array<{ decisionId: number; reason: string }> = [];
  for (const [market, list] of byMarket) {
    list.sort((a, b) => timeOf(a) - timeOf(b) || a.id - b.id);
    const costOf = (r: DecisionRecord): number | null => wadStringToNumber(r.cost ?? r.previewCost, `journal row ${r.id} cost`);
    list.forEach((r, i) => {
      if (r.status !== "confirmed" || r.action.kind === "hold") return;
      const cost = costOf(r);
      if (cost === null) return void skipped.push({ decisionId: r.id, reason: "confirmed without a receipt or preview cost" });
      const obs = r.observation;
      const target = wadStringToNumber(r.callTarget, `journal row ${r.id} callTarget`);
      if (target === null) return void skipped.push({ decisionId: r.id, reason: "confirmed without a call target" });
      const kind = r.action.kind === "repeg" ? "repeg" : "k";
      const size = kind === "repeg" ? target / obs.peg - 1 : target / obs.sqrtK - 1;
      const t = timeOf(r);
      // Latest observation inside the window, and the other confirmed changes before it.
      let last = -1;
      for (let j = i + 1; j < list.length && timeOf(list[j]) <= t + windowS; j++) if (timeOf(list[j]) > t) last = j;
      let feesAfterWindow: number | null = null;
      if (last >= 0 && timeOf(list[last]) - t >= o.minCoverage * windowS) {
        let otherCosts = 0;
        for (let j = i + 1; j < last; j++) {
          if (list[j].status === "confirmed" && list[j].action.kind !== "hold") otherCosts += costOf(list[j]) ?? 0;
        }
        feesAfterWindow = list[last].observation.budget - (obs.budget - cost) + otherCosts;
      }
      records.push({ market, decisionId: r.id, time: t, kind, size, ...marketFeatures(obs), cost, feesAfterWindow });
    });
  }
  records.sort((a, b) => a.time - b.time || a.decisionId - b.decisionId);
  return { records, skipped };
}

function timeOf(r: DecisionRecord): number {
  return r.blockTimestamp ?? r.observation.time;
}
