/**
 * The parity comparator: values stored on the collateral's 1e-6 grid may differ by one step
 * (float64 cannot place a value within its own error of a grid line); everything else, and two
 * steps, is a mismatch.
 */
import { expect } from "chai";
import { compareValues, compareViews, GRID_PARITY_TOLERANCE, PARITY_TOLERANCE } from "../../../keeper/onchain/compare";
import type { MarketView } from "../../../keeper/onchain/chainState";

function view(margin: number, openNotional: number, free: number, size = 3.25): MarketView {
  return {
    observation: {} as MarketView["observation"],
    ledger: {} as MarketView["ledger"],
    positions: new Map([["0xa", { size, margin, openNotional }]]),
    free: new Map([["0xa", free]]),
  };
}

describe("keeper/onchain/compare", () => {
  it("accepts one grid step on margin, open notional and free collateral", () => {
    const chain = view(1.000001, 0.000002, 0.000001871340917892);
    const sim = view(1.000002, 0.000001, 0.000002919696271419525);
    expect(compareViews(chain, sim)).to.deep.equal([]);
  });

  it("reports two grid steps on each grid-stored field", () => {
    const chain = view(1.000001, 0.000002, 0.000001);
    const sim = view(1.000003, 0.000004, 0.000003 + 1e-9);
    expect(compareViews(chain, sim).map((m) => m.what)).to.deep.equal(["0xa.margin", "0xa.openNotional", "0xa.free"]);
  });

  it("holds size, which is stored exactly, to the general 1e-6 floor", () => {
    const mismatches = compareViews(view(1, 1, 1, 0.000001), view(1, 1, 1, 0.0000025));
    expect(mismatches.map((m) => m.what)).to.deep.equal(["0xa.size"]);
    expect(GRID_PARITY_TOLERANCE.abs).to.be.greaterThan(PARITY_TOLERANCE.abs);
  });

  describe("trade outcome values", () => {
    it("accepts one grid step on realised PnL and new margin (derived from grid-stored fields)", () => {
      // The demo's keeper run: a full close whose open notional sat on the other side of a grid line.
      const chain = { realisedPnl: 737.0008307914579, newMargin: 12.000001, fee: 0.5 };
      const sim = { realisedPnl: 737.0008317964384, newMargin: 12.000002, fee: 0.5 };
      expect(compareValues(chain, sim)).to.deep.equal([]);
    });
    it("reports two grid steps on them, and one step on any other value", () => {
      const chain = { realisedPnl: 737.000831, newMargin: 12.000001, fee: 0.500001 };
      const sim = { realisedPnl: 737.000833 + 1e-9, newMargin: 12.000003 + 1e-9, fee: 0.5000025 };
      expect(compareValues(chain, sim).map((m) => m.what)).to.deep.equal(["realisedPnl", "newMargin", "fee"]);
    });
    it("reports a value only one side has", () => {
      expect(compareValues({ fee: 1, badDebt: 2 }, { fee: 1 }).map((m) => m.what)).to.deep.equal(["badDebt"]);
    });
  });
});
