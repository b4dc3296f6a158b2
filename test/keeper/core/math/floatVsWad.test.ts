import { expect } from "chai";
import fc from "fast-check";
import * as F from "../../../../keeper/core/math/float/CostMath";
import * as FC from "../../../../keeper/core/math/float/CurveMath";
import * as W from "../../../../keeper/core/math/wad/CostMathWad";
import * as WC from "../../../../keeper/core/math/wad/CurveMathWad";
import { MathRevert } from "../../../../keeper/core/math/wad/MathRevert";
import { wadToNumber } from "../../../../keeper/core/math/wad/units";
import { curveState, type WadState } from "./wadArbitraries";

// The float64 module (simulator, policies) against the WAD module (keeper, = the contracts to the wei,
// see wad.differential.test.ts) on the same random markets. Tolerance: 1e-9 relative to the scale of
// the operands — the value itself for reserves, prices and quotes; `(y + y_t)·|P' − P|` for a repeg
// cost and `(y + y_t)·P` for a k cost, whose differences cancel — which is SPEC's parity tolerance.
// float64 carries ~1e-16 relative per operation; the WAD side rounds each step to a wei.
const TOL = 1e-9;
const RUNS = 1_000;

const n = wadToNumber;

function close(float: number, wad: bigint, scale: number, what: string): void {
  const err = Math.abs(float - n(wad));
  expect(err, `${what}: float ${float} vs WAD ${n(wad)} (scale ${scale})`).to.be.at.most(TOL * Math.max(scale, Math.abs(n(wad))) + 1e-18);
}

/** Runs the WAD function, or undefined when the contract would refuse (the float side is then not compared). */
function wadOrRefused<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof MathRevert) return undefined;
    throw e;
  }
}

describe("core/math: float64 module within 1e-9 relative of the WAD module", function () {
  const floats = (s: WadState) => ({ x: n(s.x), y: n(s.y), sqrtK: n(s.sqrtK), peg: n(s.peg), d: n(s.d), newPeg: n(s.newPeg), newSqrtK: n(s.newSqrtK), q: n(s.q), b: n(s.b) });

  it("CurveMath: markPrice, afterLong, afterShort, closeLong, closeShort", function () {
    fc.assert(
      fc.property(curveState(), (s) => {
        const f = floats(s);
        close(FC.markPrice(f.x, f.y, f.peg), WC.markPrice(s.x, s.y, s.peg), 0, "markPrice");
        const [lx, ly] = WC.afterLong(s.y, s.sqrtK, s.peg, s.q);
        const [flx, fly] = FC.afterLong(f.y, f.sqrtK, f.peg, f.q);
        close(flx, lx, 0, "afterLong x1");
        close(fly, ly, 0, "afterLong y1");
        const short = wadOrRefused(() => WC.afterShort(s.y, s.sqrtK, s.peg, s.q));
        if (short) {
          const [fsx, fsy] = FC.afterShort(f.y, f.sqrtK, f.peg, f.q);
          // x1 = k / y1 where a short can leave y1 a few wei above 0 (y − q/peg cancels): one wei of y1
          // then moves x1 by x1 · 1e-18 / y1 relative, which the tolerance adds to its 1e-9.
          const x1 = Math.abs(n(short[0]));
          close(fsx, short[0], x1 * (1 + 1e-18 / (TOL * n(short[1]))), "afterShort x1");
          close(fsy, short[1], f.y, "afterShort y1");
        } else expect(FC.afterShort(f.y, f.sqrtK, f.peg, f.q)[0], "float refuses where the contract does").to.be.NaN;
        const [, cly, out] = WC.closeLong(s.x, s.y, s.sqrtK, s.peg, s.b);
        const [, fcly, fout] = FC.closeLong(f.x, f.y, f.sqrtK, f.peg, f.b);
        close(fcly, cly, 0, "closeLong y1");
        close(Math.max(0, fout), out, (f.y + fcly) * f.peg, "closeLong quoteOut");
        const cs = wadOrRefused(() => WC.closeShort(s.x, s.y, s.sqrtK, s.peg, s.b));
        if (cs) {
          const [, fcsy, fin] = FC.closeShort(f.x, f.y, f.sqrtK, f.peg, f.b);
          close(fcsy, cs[1], 0, "closeShort y1");
          close(Math.max(0, fin), cs[2], (f.y + fcsy) * f.peg, "closeShort quoteIn");
        } else expect(FC.closeShort(f.x, f.y, f.sqrtK, f.peg, f.b)[2], "float refuses where the contract does").to.be.NaN;
      }),
      // A CI run's counterexample (y1 = 9.2e-10 after the short): the WAD side's wei of y1 is 1.08e-9 of it.
      { numRuns: RUNS, examples: [[{ x: 374447832000000000n, y: 2668497223398n, sqrtK: 1000000000000000n, peg: 1871560917351131457n, d: 0n, newPeg: 1684404825616018311n, newSqrtK: 900000000000000n, q: 4992527099102n, b: 0n }]] },
    );
  });

  it("CostMath: terminalQuote, repegCost, scaledReserves, kCost", function () {
    fc.assert(
      fc.property(curveState(), (s) => {
        const f = floats(s);
        const yt = wadOrRefused(() => W.terminalQuote(s.x, s.sqrtK, s.d));
        if (yt === undefined) {
          expect(f.x + f.d, "float's terminal base is ≤ 0 where the contract refuses").to.be.at.most(0);
          return;
        }
        close(F.terminalQuote(f.x, f.sqrtK, f.d), yt, 0, "terminalQuote");
        close(F.repegCost(f.x, f.y, f.sqrtK, f.d, f.peg, f.newPeg), W.repegCost(s.x, s.y, s.sqrtK, s.d, s.peg, s.newPeg), (f.y + n(yt)) * Math.abs(f.newPeg - f.peg), "repegCost");
        const [x1, y1] = W.scaledReserves(s.x, s.y, s.sqrtK, s.newSqrtK);
        const [fx1, fy1] = F.scaledReserves(f.x, f.y, f.sqrtK, f.newSqrtK);
        close(fx1, x1, 0, "scaledReserves x1");
        close(fy1, y1, 0, "scaledReserves y1");
        const k = wadOrRefused(() => W.kCost(s.x, s.y, s.sqrtK, x1, y1, s.newSqrtK, s.d, s.peg));
        if (k === undefined) return;
        close(F.kCost(f.x, f.y, f.sqrtK, fx1, fy1, f.newSqrtK, f.d, f.peg), k, (f.y + n(yt)) * f.peg, "kCost");
      }),
      { numRuns: RUNS },
    );
  });
});
