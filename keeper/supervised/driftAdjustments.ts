/**
 * Turns Drift v1 curve records (one per repeg or k change) plus the hourly funding history into
 * generic AdjustmentRecords. Everything a feature uses is taken from at or before the change, so
 * the models never see the change's own effect (a repeg closes the mark–oracle gap, so a TWAP from
 * after it would leak the answer); only the label looks ahead, over the label window.
 */
import { DRIFT_SCALE, type CurveRow, type FundingRow } from "./driftRowSchemas";
import type { AdjustmentRecord } from "./adjustmentRecord";

export interface DriftAdjustmentOptions {
  /** Fees are summed over this many hours after the change. */
  readonly labelWindowHours: number;
  /** Oracle TWAP changes over this many prior hours give the volatility. */
  readonly volWindowHours: number;
  /** The mark/oracle TWAP pair may be at most this old. */
  readonly gapMaxLagHours: number;
}

export const DEFAULT_DRIFT_ADJUSTMENT_OPTIONS: DriftAdjustmentOptions = {
  labelWindowHours: 24,
  volWindowHours: 24,
  gapMaxLagHours: 2,
};

export interface DriftAdjustmentRecord extends AdjustmentRecord {
  readonly market: number;
  readonly recordId: number;
}

export interface DriftAdjustmentResult {
  readonly records: DriftAdjustmentRecord[];
  /** Curve records that could not become a record, and why. */
  readonly skipped: ReadonlyArray<{ readonly recordId: number; readonly reason: string }>;
}

export function driftAdjustmentRecords(
  curve: readonly CurveRow[],
  funding: readonly FundingRow[],
  options: Partial<DriftAdjustmentOptions> = {},
): DriftAdjustmentResult {
  const opt = { ...DEFAULT_DRIFT_ADJUSTMENT_OPTIONS, ...options };
  for (const [k, v] of Object.entries(opt)) {
    if (!(Number.isFinite(v) && v > 0)) throw new Error(`drift adjustment option ${k} must be > 0, got ${v}`);
  }
  const fundingByMarket = groupSorted(funding);
  const curveByMarket = groupSorted(curve);
  const records: DriftAdjustmentRecord[] = [];
  const skipped: Array<{ recordId: number; reason: string }> = [];

  for (const [market, rows] of curveByMarket) {
    const fund = fundingByMarket.get(market) ?? [];
    const fundTimes = fund.map((f) => f.time);
    let lastChange = -Infinity;
    rows.forEach((r, i) => {
      const pegChanged = r.pegAfter !== r.pegBefore;
      const kChanged = r.sqrtKAfter !== r.sqrtKBefore;
      if (pegChanged === kChanged) {
        skipped.push({ recordId: r.recordId, reason: pegChanged ? "changes both peg and sqrt_k" : "changes neither peg nor sqrt_k" });
        return;
      }
      const sinceLast = r.time - lastChange;
      lastChange = r.time;

      const at = lastIndexAtOrBefore(fundTimes, r.time);
      if (at < 0 || r.time - fund[at].time > opt.gapMaxLagHours * 3600) {
        skipped.push({ recordId: r.recordId, reason: `no funding record for market ${market} within ${opt.gapMaxLagHours} h before` });
        return;
      }
      const vol = volatilityPerSqrtDay(fund, at, r.time - opt.volWindowHours * 3600);
      if (vol === null) {
        skipped.push({ recordId: r.recordId, reason: `fewer than 3 funding records in the ${opt.volWindowHours} h before` });
        return;
      }
      const long = Number(r.baseLong);
      const short = Number(r.baseShort);
      const total = long + short;
      records.push({
        market,
        recordId: r.recordId,
        time: r.time,
        kind: pegChanged ? "repeg" : "k",
        size: pegChanged ? ratio(r.pegAfter, r.pegBefore) - 1 : ratio(r.sqrtKAfter, r.sqrtKBefore) - 1,
        imbalance: total > 0 ? (long - short) / total : 0,
        oi: total / Number(r.sqrtKBefore),
        gap: (fund[at].markTwap - fund[at].oracleTwap) / fund[at].oracleTwap,
        budget: Number(r.feePool) / DRIFT_SCALE.usdc,
        cost: Number(r.adjustmentCost) / DRIFT_SCALE.usdc,
        vol,
        sinceLast,
        feesAfterWindow: feesOverWindow(rows, i, opt.labelWindowHours * 3600),
      });
    });
  }
  records.sort((a, b) => a.time - b.time || a.recordId - b.recordId);
  return { records, skipped };
}

/**
 * total_fee growth from this record to the latest record of the same market inside the window;
 * null when no later record falls inside it (the fees are then not observed).
 */
export function feesOverWindow(rows: readonly CurveRow[], i: number, windowS: number): number | null {
  let last = -1;
  for (let j = i + 1; j < rows.length && rows[j].time <= rows[i].time + windowS; j++) {
    if (rows[j].time > rows[i].time) last = j;
  }
  return last < 0 ? null : Number(rows[last].totalFee - rows[i].totalFee) / DRIFT_SCALE.usdc;
}

/** Sample std of log oracle-TWAP changes in (from, fund[at]], scaled to per √day; null if < 3 points. */
function volatilityPerSqrtDay(fund: readonly FundingRow[], at: number, from: number): number | null {
  const rets: number[] = [];
  let dtSum = 0;
  for (let j = at; j > 0 && fund[j - 1].time >= from; j--) {
    rets.push(Math.log(fund[j].oracleTwap / fund[j - 1].oracleTwap));
    dtSum += fund[j].time - fund[j - 1].time;
  }
  if (rets.length < 2 || dtSum <= 0) return null;
  const mean = rets.reduce((s, v) => s + v, 0) / rets.length;
  const variance = rets.reduce((s, v) => s + (v - mean) ** 2, 0) / (rets.length - 1);
  const meanDtDays = dtSum / rets.length / 86_400;
  return Math.sqrt(variance / meanDtDays);
}

function ratio(a: bigint, b: bigint): number {
  // Ratios of 1e17-sized integers: scale in bigint first so no precision is lost before dividing.
  return Number((a * 1_000_000_000_000n) / b) / 1e12;
}

function lastIndexAtOrBefore(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= t) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

function groupSorted<T extends { market: number; time: number }>(rows: readonly T[]): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const r of rows) {
    const list = m.get(r.market) ?? [];
    list.push(r);
    m.set(r.market, list);
  }
  for (const list of m.values()) list.sort((a, b) => a.time - b.time);
  return new Map([...m.entries()].sort((a, b) => a[0] - b[0]));
}
