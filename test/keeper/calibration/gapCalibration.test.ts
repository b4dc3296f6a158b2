import { expect } from "chai";
import path from "node:path";
import { GAP_BASE, ksDistance, quantileSorted, simulatedAbsGapsBps, withInformed } from "../../../keeper/calibration/gapCalibration";
import { parseFundingHistory } from "../../../keeper/calibration/driftCsv";

const root = path.resolve(__dirname, "../../..");

describe("calibration: the informed flow against Drift's hourly mark–oracle gap", () => {
  describe("the statistics", () => {
    it("KS distance: 0 for equal samples, 1 for disjoint ones, the CDF gap otherwise", () => {
      expect(ksDistance([1, 2, 3], [3, 2, 1])).to.equal(0);
      expect(ksDistance([1, 2], [5, 6, 7])).to.equal(1);
      expect(ksDistance([1, 2, 3, 4], [3, 4, 5, 6])).to.equal(0.5);
    });
    it("quantiles interpolate between order statistics", () => {
      expect(quantileSorted([0, 10, 20, 30, 40], 0.5)).to.equal(20);
      expect(quantileSorted([0, 10], 0.25)).to.equal(2.5);
    });
  });

  describe("the funding loader", () => {
    it("rejects a non-positive TWAP naming the line and field", () => {
      const text = ",ts,record_id,market_index,funding_rate,cumulative_funding_rate_long,cumulative_funding_rate_short,oracle_price_twap,mark_price_twap\n" +
        "s,2021-11-14 18:00:38-05:00,478,0,1,1,1,2368624380000,2367475486921\n" +
        "s,2021-11-14 19:00:15-05:00,479,0,1,1,1,0,2370711733428\n";
      const r = parseFundingHistory(text, "mem.csv");
      expect(r.rows.length).to.equal(1);
      expect(r.rows[0].oracleTwap).to.be.closeTo(236.862438, 1e-9);
      expect(r.rejected).to.deep.equal([{ line: 3, reason: 'field oracle_price_twap: non-positive or unreadable "0"' }]);
    });
  });

  describe("the simulated gap", () => {
    const short = { ...GAP_BASE, horizonSec: 2 * 86400 };
    const median = (xs: number[]) => quantileSorted([...xs].sort((a, b) => a - b), 0.5);
    it("is one value per hour and narrows as informed traders grow more numerous", () => {
      const few = simulatedAbsGapsBps(withInformed(short, { informedProb: 0.01, edgeBps: 40 }), [1], root);
      const many = simulatedAbsGapsBps(withInformed(short, { informedProb: 0.3, edgeBps: 40 }), [1], root);
      expect(few.length).to.equal(48);
      expect(median(many)).to.be.lessThan(median(few));
    });
  });
});
