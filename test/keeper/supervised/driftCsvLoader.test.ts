import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { loadCurveHistory, loadFundingHistory } from "../../../keeper/supervised/driftCsvLoader";
import { CURVE_COLUMNS } from "../../../keeper/supervised/driftRowSchemas";
import { makeTempDir } from "./supervisedTestUtils";

const HEADER = CURVE_COLUMNS.join(",");
/** A real row (record 55) split into fields so single fields can be broken. */
const GOOD = "2021-12-05 01:50:36.504518,2021-11-28 20:00:49-05:00,55,1,57190823,917973188825333,928506942951329,923225042591184,57190823,1147466486031666,1160633678689161,1154031303238980,17111796978592,10918492093219,6193304885373,40,5245645986,4043712206,47754337".split(",");

function row(recordId: number, edits: Record<number, string> = {}): string {
  const f = [...GOOD];
  f[2] = String(recordId);
  for (const [i, v] of Object.entries(edits)) f[Number(i)] = v;
  return f.join(",");
}

const tempDirs: string[] = [];

function writeCsv(lines: string[]): string {
  const dir = makeTempDir("csv");
  tempDirs.push(dir);
  const file = path.join(dir, "curve_history.csv");
  fs.writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

describe("supervised / Drift CSV loader", function () {
  after(function () {
    tempDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  });

  describe("when rows are bad", function () {
    const lines = [
      HEADER,
      row(1), // line 2: good
      row(2).split(",").slice(0, 10).join(","), // line 3: too few fields
      row(3, { 4: "57.19" }), // line 4: peg not an integer
      row(4, { 1: "28/11/2021 20:00" }), // line 5: bad timestamp
      row(5, { 5: "-1" }), // line 6: non-positive reserve
      row(6, { 14: "1" }), // line 7: net != long − short
      "", // line 8: blank
      row(7, { 4: "" }), // line 9: empty field
      row(8), // line 10: good
    ];
    const result = loadCurveHistory(writeCsv(lines));

    it("keeps only the good rows", function () {
      expect(result.rows.map((r) => [r.line, r.value.recordId])).to.deep.equal([
        [2, 1],
        [10, 8],
      ]);
    });

    it("reports each bad row with its line number and reason", function () {
      const byLine = new Map(result.rejected.map((r) => [r.line, r.reason]));
      expect([...byLine.keys()]).to.deep.equal([3, 4, 5, 6, 7, 8, 9]);
      expect(byLine.get(3)).to.equal("expected 19 fields, found 10");
      expect(byLine.get(4)).to.match(/^peg_multiplier_before: expected an integer, got '57\.19'/);
      expect(byLine.get(5)).to.match(/^ts: expected a timestamp/);
      expect(byLine.get(6)).to.match(/^base_asset_reserve_before: must be > 0, got -1/);
      expect(byLine.get(7)).to.match(/base_asset_amount != base_asset_amount_long − base_asset_amount_short/);
      expect(byLine.get(8)).to.equal("blank line");
      expect(byLine.get(9)).to.match(/^peg_multiplier_before: expected an integer, got ''/);
    });
  });

  describe("when record_id repeats", function () {
    const again = row(1).replace(/^[^,]*/, "2022-01-07 06:20:06.505926"); // same record, later snapshot
    const result = loadCurveHistory(writeCsv([HEADER, row(1), row(2), again, again, row(2, { 16: "1" })]));

    it("drops exact repeats and counts them, ignoring the snapshot column", function () {
      expect(result.rows.map((r) => r.value.recordId)).to.deep.equal([1, 2]);
      expect(result.duplicates).to.equal(2);
      expect(result.duplicateLines).to.deep.equal([4, 5]);
    });

    it("rejects a repeat whose values differ, naming the first line", function () {
      expect(result.rejected).to.deep.equal([{ line: 6, reason: "key record_id=2 already seen on line 3 with different values" }]);
    });
  });

  describe("when the file itself is wrong", function () {
    it("rejects a header that does not match", function () {
      const file = writeCsv([HEADER.replace("sqrt_k_before", "sqrtk"), row(1)]);
      expect(() => loadCurveHistory(file)).to.throw(/line 1: header does not match/);
    });

    it("names a missing file", function () {
      expect(() => loadCurveHistory("/nonexistent/curve.csv")).to.throw(/\/nonexistent\/curve\.csv: cannot read CSV/);
    });
  });

  describe("with the real Drift exports", function () {
    it("loads every curve record once and every funding row", function () {
      const curve = loadCurveHistory();
      expect(curve.rejected).to.deep.equal([]);
      expect(curve.rows.length).to.equal(347);
      expect(curve.duplicates).to.equal(55);
      const funding = loadFundingHistory();
      expect(funding.rejected).to.deep.equal([]);
      expect(funding.rows.length).to.equal(7120);
      expect(funding.rows[0].value.oracleTwap).to.be.closeTo(236.862438, 1e-9);
    });
  });
});
