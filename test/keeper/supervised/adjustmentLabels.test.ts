import { expect } from "chai";
import { driftAdjustmentRecords, feesOverWindow } from "../../../keeper/supervised/driftAdjustments";
import { successLabel, type AdjustmentRecord } from "../../../keeper/supervised/adjustmentRecord";
import { datasetFromRecords, parseAdjustmentRecords, timeOrderedSplit } from "../../../keeper/supervised/adjustmentDataset";
import type { CurveRow, FundingRow } from "../../../keeper/supervised/driftRowSchemas";

const H = 3600;
const T0 = 1_640_000_000;

/** A hand-made curve record; fees and cost in whole USDC (scaled ×1e6 as in the export). */
function curve(recordId: number, hours: number, totalFeeUsd: number, costUsd: number, change: "peg" | "k" | "none" = "k"): CurveRow {
  const usd = (v: number) => BigInt(Math.round(v * 1e6));
  return {
    time: T0 + hours * H,
    recordId,
    market: 0,
    pegBefore: 100_000n,
    pegAfter: change === "peg" ? 101_000n : 100_000n,
    baseReserveBefore: 10n ** 17n,
    quoteReserveBefore: 10n ** 17n,
    sqrtKBefore: 10n ** 17n,
    sqrtKAfter: change === "k" ? (10n ** 17n * 102n) / 100n : 10n ** 17n,
    baseLong: 3n * 10n ** 15n,
    baseShort: 1n * 10n ** 15n,
    baseNet: 2n * 10n ** 15n,
    openInterestUsers: 10,
    totalFee: usd(totalFeeUsd),
    feePool: usd(1000),
    adjustmentCost: usd(costUsd),
  };
}

/** Hourly funding rows for market 0 from `fromH` to `toH` with a fixed 1% mark premium. */
function funding(fromH: number, toH: number): FundingRow[] {
  const rows: FundingRow[] = [];
  for (let h = fromH; h <= toH; h++) {
    const oracle = 100 * (1 + 0.01 * Math.sin(h));
    rows.push({ time: T0 + h * H, recordId: 1000 + h, market: 0, fundingRate: 0, oracleTwap: oracle, markTwap: oracle * 1.01 });
  }
  return rows;
}

describe("supervised / adjustment labels", function () {
  describe("fees over the window", function () {
    const rows = [curve(1, 0, 100, 10), curve(2, 5, 130, 0), curve(3, 20, 190, 0), curve(4, 30, 400, 0)];

    it("is total_fee growth to the last record inside the window", function () {
      expect(feesOverWindow(rows, 0, 24 * H)).to.equal(90); // 190 − 100, record 4 is outside
      expect(feesOverWindow(rows, 0, 6 * H)).to.equal(30);
    });

    it("is null when no later record falls inside the window", function () {
      expect(feesOverWindow(rows, 2, 5 * H)).to.equal(null);
      expect(feesOverWindow(rows, 3, 24 * H)).to.equal(null);
    });
  });

  describe("success", function () {
    it("is 1 only when fees strictly exceed the cost", function () {
      expect(successLabel({ feesAfterWindow: 90, cost: 10 })).to.equal(1);
      expect(successLabel({ feesAfterWindow: 10, cost: 10 })).to.equal(0);
      expect(successLabel({ feesAfterWindow: 0, cost: -5 })).to.equal(1); // the protocol earned
      expect(successLabel({ feesAfterWindow: null, cost: 1 })).to.equal(null);
    });
  });

  describe("Drift records to adjustment records", function () {
    const curveRows = [curve(1, 30, 100, 50, "peg"), curve(2, 36, 130, 40, "k"), curve(3, 40, 135, 0, "none"), curve(4, 50, 150, 1)];
    const { records, skipped } = driftAdjustmentRecords(curveRows, funding(0, 60), { labelWindowHours: 12 });

    it("skips a record that changes neither peg nor k, saying why", function () {
      expect(skipped).to.deep.equal([{ recordId: 3, reason: "changes neither peg nor sqrt_k" }]);
    });

    it("labels each change from the fees that followed it", function () {
      expect(records.map((r) => [r.recordId, r.kind, r.feesAfterWindow, successLabel(r)])).to.deep.equal([
        [1, "repeg", 35, 0], // 135 − 100 = 35 < 50
        [2, "k", 5, 0], // 135 − 130 = 5 < 40 (record 4 is 14 h later, outside)
        [4, "k", null, null],
      ]);
    });

    it("computes size, imbalance, gap and time since the last change", function () {
      const [r1, r2, r4] = records;
      expect(r1.size).to.be.closeTo(0.01, 1e-12);
      expect(r2.size).to.be.closeTo(0.02, 1e-12);
      expect(r1.imbalance).to.be.closeTo(0.5, 1e-12); // (3 − 1) / (3 + 1)
      expect(r1.oi).to.be.closeTo(0.04, 1e-12);
      expect(r1.gap).to.be.closeTo(0.01, 1e-12);
      expect(r1.budget).to.equal(1000);
      expect(r1.vol).to.be.greaterThan(0);
      expect(r1.sinceLast).to.equal(Infinity);
      expect(r2.sinceLast).to.equal(6 * H);
      expect(r4.sinceLast).to.equal(14 * H); // the no-op record 3 is not a change
    });

    it("needs a funding record shortly before the change", function () {
      const res = driftAdjustmentRecords([curve(9, 30, 0, 0)], funding(0, 20), { gapMaxLagHours: 2 });
      expect(res.records).to.deep.equal([]);
      expect(res.skipped[0].reason).to.equal("no funding record for market 0 within 2 h before");
    });
  });

  describe("generic records (simulator, journal)", function () {
    const base: AdjustmentRecord = { time: 1, kind: "k", size: 0.01, imbalance: 0.1, oi: 0.2, gap: 0, budget: 100, cost: 5, vol: 0.03, sinceLast: 60, feesAfterWindow: 6 };

    it("builds one row per labelled record, in time order, counting the unlabelled", function () {
      const ds = datasetFromRecords("t", [
        { ...base, time: 3, feesAfterWindow: 1 },
        { ...base, time: 1 },
        { ...base, time: 2, feesAfterWindow: null },
      ]);
      expect(ds.time).to.deep.equal([1, 3]);
      expect(ds.y).to.deep.equal([1, 0]);
      expect(ds.unlabelled).to.equal(1);
      expect(ds.x[0].length).to.equal(9);
    });

    it("splits by time: training rows all precede test rows", function () {
      const ds = datasetFromRecords("t", Array.from({ length: 10 }, (_, i) => ({ ...base, time: 10 - i })));
      const { train, test } = timeOrderedSplit(ds, 0.7);
      expect(train.time).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
      expect(test.time).to.deep.equal([8, 9, 10]);
    });

    it("parses JSON records (null sinceLast = never) and rejects a bad one by index and field", function () {
      const [r] = parseAdjustmentRecords([{ ...base, sinceLast: null }], "sim.json");
      expect(r.sinceLast).to.equal(Infinity);
      expect(() => parseAdjustmentRecords([base, { ...base, kind: "swap" }], "sim.json")).to.throw(/sim\.json: record 1: kind:/);
      expect(() => parseAdjustmentRecords([{ ...base, imbalance: 3 }], "sim.json")).to.throw(/record 0: imbalance: must be in/);
    });
  });
});
