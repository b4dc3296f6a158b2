import { expect } from "chai";
import path from "node:path";
import { loadCurveHistory, parseCurveHistory, type CurveRecord } from "../../../keeper/calibration/driftCsv";
import { demandIntervals, depthElasticity, pooledElasticityFit, DRIFT_V1_FEE } from "../../../keeper/calibration/demandFit";
import { CALIBRATED_DEMAND } from "../../../keeper/sim/params";
import { scenarioSchema } from "../../../keeper/sim/scenario";

const root = path.resolve(__dirname, "../../..");
const HEADER =
  ",ts,record_id,market_index,peg_multiplier_before,base_asset_reserve_before,quote_asset_reserve_before,sqrt_k_before,peg_multiplier_after,base_asset_reserve_after,quote_asset_reserve_after,sqrt_k_after,base_asset_amount_long,base_asset_amount_short,base_asset_amount,open_interest,total_fee,total_fee_minus_distributions,adjustment_cost";
const ROW = "snap,2021-11-28 20:00:49-05:00,55,1,57190823,917973188825333,928506942951329,923225042591184,57190823,1147466486031666,1160633678689161,1154031303238980,1,1,0,40,5245645986,4043712206,47754337";

/** Records of one market whose fee totals grow at volume/day = A·sqrtK^e (exactly). */
function syntheticMarket(market: number, e: number, A: number, depths: readonly number[]): CurveRecord[] {
  const out: CurveRecord[] = [];
  let t = 1_640_000_000;
  let fee = 0;
  for (let i = 0; i < depths.length; i++) {
    const prev = i > 0 ? depths[i - 1] : depths[0];
    out.push({ line: 100 * market + i + 2, recordId: 100 * market + i, market, time: t, markBefore: 50, markAfter: 50, sqrtKBefore: prev, sqrtKAfter: depths[i], totalFee: fee, netBase: 0 });
    const hours = 6 + (i % 4) * 5;
    fee += A * depths[i] ** e * DRIFT_V1_FEE * (hours / 24);
    t += hours * 3600;
  }
  return out;
}

describe("calibration: demand fitted to Drift's curve history", () => {
  describe("the loader", () => {
    it("converts Drift's fixed point to the mark and sqrtK of the record", () => {
      const { records, rejected } = parseCurveHistory(`${HEADER}\n${ROW}\n`, "mem.csv");
      expect(rejected).to.deep.equal([]);
      expect(records[0].sqrtKAfter).to.be.closeTo(115.403130323898, 1e-9);
      expect(records[0].markAfter).to.be.closeTo((1160633678689161 / 1147466486031666) * 57190.823, 1e-6);
      expect(records[0].totalFee).to.equal(5245.645986);
    });
    it("rejects a bad row naming its line and field, and a duplicate record naming the first line", () => {
      const bad = ROW.replace(",57190823,917973188825333", ",5719x823,917973188825333").replace(",55,", ",56,");
      const { records, rejected } = parseCurveHistory(`${HEADER}\n${ROW}\n${ROW}\n${bad}\n`, "mem.csv");
      expect(records.length).to.equal(1);
      expect(rejected).to.deep.equal([
        { line: 3, reason: "duplicate record_id 55 (first at line 2)" },
        { line: 4, reason: 'field peg_multiplier_before: unreadable number "5719x823"' },
      ]);
    });
  });

  describe("the fit", () => {
    it("recovers a known depth elasticity across markets of different scale", () => {
      const depths = [100, 130, 170, 220, 300, 260, 400, 520, 480, 700];
      const recs = [...syntheticMarket(0, 0.7, 10, depths), ...syntheticMarket(1, 0.7, 5000, depths.map((d) => d / 50))];
      const { used } = demandIntervals(recs);
      const e = depthElasticity(pooledElasticityFit(used));
      expect(e.total.estimate).to.be.closeTo(0.7, 1e-6);
      expect(e.rateElasticity + e.sizeElasticity).to.be.closeTo(0.7, 1e-6);
    });
    it("rejects intervals under an hour and falling fee totals, saying why", () => {
      const recs = syntheticMarket(0, 0.5, 10, [100, 120, 140, 160]);
      const short = { ...recs[2], time: recs[1].time + 600 };
      const falling = { ...recs[3], totalFee: 0 };
      const { used, rejected } = demandIntervals([recs[0], recs[1], short, falling]);
      expect(used.length).to.equal(1);
      expect(rejected.map((r) => r.reason)).to.deep.equal([
        "first record of the market: no earlier fee total to difference",
        `interval of 10.0 min since line ${recs[1].line} is shorter than 1 h`,
        `total_fee fell by ${short.totalFee.toFixed(2)} USDC since line ${short.line}`,
      ]);
    });
  });

  describe("on the real file", () => {
    const hist = loadCurveHistory(path.join(root, "data/drift/curve_history.csv"));
    const iv = demandIntervals(hist.records);
    const e = depthElasticity(pooledElasticityFit(iv.used));
    it("accounts for every row: 347 distinct records, 55 duplicates, every interval used or rejected", () => {
      expect(hist.records.length).to.equal(347);
      expect(hist.rejected.length).to.equal(55);
      expect(iv.used.length + iv.rejected.length).to.equal(347);
    });
    it("ships the fitted elasticity as the simulator's default, inside the fit's interval", () => {
      expect(CALIBRATED_DEMAND.depthElasticity).to.be.closeTo(e.total.estimate, 5e-4);
      expect(CALIBRATED_DEMAND.depthElasticityRange[0]).to.be.closeTo(e.totalRange[0], 5e-4);
      expect(CALIBRATED_DEMAND.depthElasticityRange[1]).to.be.closeTo(e.totalRange[1], 5e-4);
      const tr = scenarioSchema.shape.traders.parse({
        arrivalRatePerSec: 1,
        informedProb: 0.1,
        uninformed: { notionalMedian: 1, notionalLogSd: 1, holdingMeanSec: 1, leverage: 1 },
        informed: { capital: 1, leverage: 1 },
      });
      expect(tr.rateElasticity + tr.uninformed.sizeElasticity).to.be.closeTo(e.total.estimate, 1e-3);
    });
  });
});
