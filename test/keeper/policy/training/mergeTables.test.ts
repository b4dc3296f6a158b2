import { expect } from "chai";
import fc from "fast-check";
import { mergeTables } from "../../../../keeper/policy/training/mergeTables";

const t = (q: number[], visits: number[]) => ({ q: Float64Array.from(q), visits: Uint32Array.from(visits) });

describe("mergeTables (parallel training)", () => {
  describe("entries visited in the round", () => {
    it("average the workers' values weighted by the visits each made, and add the visits", () => {
      const start = t([0, 5], [2, 0]);
      const m = mergeTables(start, [t([10, 5], [3, 0]), t([4, 5], [5, 0])]); // worker 1: 1 visit, worker 2: 3 visits
      expect(m.q[0]).to.equal((1 * 10 + 3 * 4) / 4);
      expect(m.visits[0]).to.equal(2 + 1 + 3);
    });
    it("take a single worker's value when only it visited", () => {
      const m = mergeTables(t([1], [0]), [t([7], [2]), t([1], [0])]);
      expect(m.q[0]).to.equal(7);
    });
  });
  describe("entries nobody visited", () => {
    it("keep the starting value (a replayed change without a fresh visit is dropped)", () => {
      const m = mergeTables(t([3], [4]), [t([9], [4]), t([-9], [4])]);
      expect(m.q[0]).to.equal(3);
      expect(m.visits[0]).to.equal(4);
    });
  });
  it("stays within the workers' range of values (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 50 })), { minLength: 1, maxLength: 6 }), (ws) => {
        const m = mergeTables(t([0], [0]), ws.map(([q, v]) => t([q], [v])));
        const visited = ws.filter(([, v]) => v > 0).map(([q]) => q);
        if (visited.length === 0) expect(m.q[0]).to.equal(0);
        else {
          expect(m.q[0]).to.be.at.least(Math.min(...visited) - 1e-6);
          expect(m.q[0]).to.be.at.most(Math.max(...visited) + 1e-6);
        }
      }),
    );
  });
  it("refuses tables of another size or a visit count that fell", () => {
    expect(() => mergeTables(t([0, 0], [0, 0]), [t([0], [0])])).to.throw(/cannot merge a table of 1 entries into one of 2/);
    expect(() => mergeTables(t([0], [3]), [t([0], [2])])).to.throw(/visit count fell/);
  });
});
