import { expect } from "chai";
import fc from "fast-check";
import { FailureCounter, backoffDelayMs } from "../../../keeper/service/backoff";

describe("backoff", () => {
  it("doubles from the base and stops at the cap", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelayMs(n, 100, 1_000))).to.deep.equal([0, 100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it("stays finite and capped for absurd failure counts", () => {
    expect(backoffDelayMs(5_000, 100, 60_000)).to.equal(60_000);
    expect(backoffDelayMs(Number.MAX_SAFE_INTEGER, 1, 7)).to.equal(7);
  });

  it("with jitter stays within [raw·(1 − jitter), raw] and never above the cap", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 100_000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (n, base, extra, jitter, r) => {
        const cap = base + extra;
        const raw = backoffDelayMs(n, base, cap);
        const d = backoffDelayMs(n, base, cap, jitter, () => r);
        expect(d).to.be.at.most(cap);
        expect(d).to.be.at.most(raw);
        expect(d).to.be.at.least(Math.floor(raw * (1 - jitter)));
      }),
    );
  });

  it("counts consecutive failures, resets on success and says when to halt", () => {
    const c = new FailureCounter(3, 100, 250);
    expect([c.fail(), c.fail()]).to.deep.equal([100, 200]);
    expect(c.exhausted).to.equal(false);
    c.succeed();
    expect(c.consecutive).to.equal(0);
    expect([c.fail(), c.fail(), c.fail()]).to.deep.equal([100, 200, 250]);
    expect(c.exhausted).to.equal(true);
  });
});
