import { expect } from "chai";
import fc from "fast-check";
import { alignSeries, downsample, downsampleIndices } from "../../../keeper/charts/chartData";

const series = (n: number) => fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(null)), { minLength: n, maxLength: n });

describe("chart data shaping", () => {
  describe("min/max downsampling", () => {
    it("keeps every index when the input fits", () => {
      expect(downsampleIndices(5, [[1, 2, 3, 4, 5]], 10)).to.deep.equal([0, 1, 2, 3, 4]);
    });

    it("returns sorted distinct indices, bounded, with the ends and every series' extremes kept", () => {
      fc.assert(
        fc.property(fc.integer({ min: 50, max: 3_000 }), fc.integer({ min: 20, max: 400 }), fc.integer({ min: 1, max: 3 }), (n, max, k) => {
          return fc.assert(
            fc.property(fc.array(series(n), { minLength: k, maxLength: k }), (ys) => {
              const idx = downsampleIndices(n, ys, max);
              for (let i = 1; i < idx.length; i++) expect(idx[i]).to.be.greaterThan(idx[i - 1]);
              expect(idx[0]).to.equal(0);
              expect(idx[idx.length - 1]).to.equal(n - 1);
              expect(idx.length).to.be.at.most(Math.max(n <= max ? n : max + 2, 2 + 2 + 2 * k));
              for (const y of ys) {
                const finite = y.filter((v): v is number => v !== null);
                if (!finite.length) continue;
                const kept = idx.map((i) => y[i]).filter((v): v is number => v !== null);
                expect(Math.max(...kept)).to.equal(Math.max(...finite));
                expect(Math.min(...kept)).to.equal(Math.min(...finite));
              }
            }),
            { numRuns: 3 },
          );
        }),
        { numRuns: 10 },
      );
    });

    it("maps non-finite values to gaps", () => {
      expect(downsample([0, 1, 2], [[1, Infinity, NaN]]).series).to.deep.equal([[1, null, null]]);
    });
  });

  describe("aligning series of different grids", () => {
    it("puts them on the sorted union of their x values, null where a series has no sample", () => {
      const a = alignSeries([
        { x: [0, 2, 4], y: [1, 2, 3] },
        { x: [1, 2], y: [9, 8] },
      ]);
      expect(a).to.deep.equal({ x: [0, 1, 2, 4], series: [[1, null, 2, 3], [null, 9, 8, null]] });
    });
  });
});
