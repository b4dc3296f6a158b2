import { expect } from "chai";
import path from "node:path";
import { loadPriceCsv, parsePriceCsv, priceAt } from "../../../keeper/sim/oracle/priceCsv";

const root = path.resolve(__dirname, "../../..");

describe("sim price CSV loader", () => {
  describe("gemini_ETHUSD_1h.csv (banner, newest first, ms/s mix, gaps, a zero price)", () => {
    const s = loadPriceCsv(path.join(root, "data/prices/gemini_ETHUSD_1h.csv"));
    it("skips the banner, reads newest-first and sorts ascending in seconds", () => {
      expect(s.banner).to.have.length(1);
      expect(s.banner[0]).to.match(/^Created on/);
      expect(s.order).to.equal("newest-first");
      expect(s.times[0]).to.equal(1462802400);
      expect(s.times[s.times.length - 1]).to.equal(1611187200);
      for (let i = 1; i < s.times.length; i++) expect(s.times[i]).to.be.greaterThan(s.times[i - 1]);
      expect(s.medianIntervalSec).to.equal(3600);
    });
    it("rejects the zero-price row with its line number and never uses it", () => {
      expect(s.rejected).to.have.length(1);
      expect(s.rejected[0].line).to.equal(41219);
      expect(s.rejected[0].reason).to.match(/non-positive .*open/);
      expect(s.times.length).to.equal(41216);
      expect(Array.from(s.prices).every((p) => p > 0)).to.equal(true);
    });
    it("reports the gaps", () => {
      expect(s.gaps.length).to.be.greaterThan(0);
      expect(s.gaps.every((g) => g.seconds > 3600)).to.equal(true);
    });
  });

  it("reads SOLUSDT_5m.csv (ISO timestamps, oldest first) without rejections", () => {
    const s = loadPriceCsv(path.join(root, "data/prices/SOLUSDT_5m.csv"));
    expect(s.rejected).to.have.length(0);
    expect(s.order).to.equal("oldest-first");
    expect(s.times.length).to.equal(25920);
    expect(s.times[0]).to.equal(Date.parse("2025-04-03T17:05:00Z") / 1000);
    expect(s.medianIntervalSec).to.equal(300);
  });

  it("reports every bad row with its line number and reason", () => {
    const text = [
      "banner line",
      "timestamp,open,high,low,close",
      "2024-01-01 00:00:00+00:00,1,1,1,1",
      "not-a-time,1,1,1,1",
      "2024-01-01 00:10:00+00:00,1,1,1",
      "2024-01-01 00:15:00+00:00,1,1,1,-3",
      "",
      "2024-01-01 00:00:00+00:00,2,2,2,2",
      "1704068400000,1,2,1,2",
      "1704072000,1,2,1,3",
    ].join("\n");
    const s = parsePriceCsv(text, "inline.csv");
    expect(s.rejected.map((r) => r.line)).to.deep.equal([4, 5, 6, 7, 8]);
    expect(s.rejected[0].reason).to.match(/unreadable timestamp/);
    expect(s.rejected[1].reason).to.match(/expected 5 fields, found 4/);
    expect(s.rejected[2].reason).to.match(/non-positive .*close/);
    expect(s.rejected[3].reason).to.equal("blank line");
    expect(s.rejected[4].reason).to.match(/duplicate timestamp .*line 3/);
    expect(Array.from(s.times)).to.deep.equal([1704067200, 1704068400, 1704072000]);
    expect(() => parsePriceCsv(text, "inline.csv", { strict: true })).to.throw(/inline\.csv: 5 bad row\(s\): line 4: unreadable timestamp/);
  });

  it("refuses a file without a usable header", () => {
    expect(() => parsePriceCsv("a,b\n1,2\n", "nohead.csv")).to.throw(/nohead\.csv: no header line/);
  });

  it("holds the last price across gaps", () => {
    const s = parsePriceCsv("time,close\n100,1\n200,2\n300,3\n400,4\n700,7\n", "g.csv");
    expect(priceAt(s, 550).price).to.equal(4);
    expect(priceAt(s, 700).price).to.equal(7);
    expect(s.gaps).to.have.length(1);
    expect(s.gaps[0].line).to.equal(6);
  });
});
