import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ClearingHouse } from "../../typechain-types";
import { WAD } from "./deployFixture";
import { storedMargin } from "./specMath";

/**
 * Asserts that an addMargin of 1 WAD settles exactly `owed` of funding (FundingPaid, then the margin
 * on the storage grid), moves the position to `epochAfter` and leaves nothing pending.
 */
export async function expectAddMarginSettlesFunding(
  ch: ClearingHouse,
  market: string,
  trader: HardhatEthersSigner,
  owed: bigint,
  epochAfter: bigint,
): Promise<void> {
  const before = await ch.positionOf(market, trader.address);
  expect(await ch.pendingFunding(market, trader.address)).to.equal(owed);
  await expect(ch.connect(trader).addMargin(market, WAD))
    .to.emit(ch, "FundingPaid")
    .withArgs(trader.address, market, owed)
    .and.to.emit(ch, "MarginChanged")
    .withArgs(trader.address, market, WAD, storedMargin(before.margin - owed + WAD));
  const after = await ch.positionOf(market, trader.address);
  expect(after.fundingEpoch).to.equal(epochAfter);
  expect(await ch.pendingFunding(market, trader.address)).to.equal(0n);
}
