import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployDammFixture, type DammFixture } from "../helpers/deployFixture";

// Issue 13, attack 7 (SPEC §6): PARAM_ADMIN_ROLE held by an OpenZeppelin TimelockController, so a
// parameter change waits `minDelay`; the guardian still pauses at once.

const DELAY = 86_400n;
const b32 = (s: string): string => ethers.encodeBytes32String(s);

async function withTimelock(): Promise<DammFixture & { timelock: Awaited<ReturnType<typeof deployTimelock>> }> {
  const fx = await deployDammFixture();
  const timelock = await deployTimelock(fx);
  const { market, admin, paramAdmin, roles } = fx;
  await market.connect(admin).grantRole(roles.PARAM_ADMIN_ROLE, await timelock.getAddress());
  await market.connect(admin).revokeRole(roles.PARAM_ADMIN_ROLE, paramAdmin.address);
  return { ...fx, timelock };
}

async function deployTimelock(fx: DammFixture) {
  const factory = await ethers.getContractFactory("TimelockController");
  // The former parameter admin proposes and executes; nobody can bypass the delay.
  return factory.connect(fx.admin).deploy(DELAY, [fx.paramAdmin.address], [fx.paramAdmin.address], ethers.ZeroAddress);
}

describe("Parameter changes through a TimelockController (issue 13)", function () {
  it("refuses a direct change, refuses execution before the delay, applies it after; the guardian pauses at once", async function () {
    const fx = await loadFixture(withTimelock);
    const { market, paramAdmin, guardian, roles, timelock } = fx;
    const name = b32("mmBps");
    await expect(market.connect(paramAdmin).setParameter(name, 5000n))
      .to.be.revertedWithCustomError(market, "AccessControlUnauthorizedAccount")
      .withArgs(paramAdmin.address, roles.PARAM_ADMIN_ROLE);
    const data = market.interface.encodeFunctionData("setParameter", [name, 900n]);
    const target = await market.getAddress();
    const salt = ethers.ZeroHash;
    await timelock.connect(paramAdmin).schedule(target, 0n, data, ethers.ZeroHash, salt, DELAY);
    const id = await timelock.hashOperation(target, 0n, data, ethers.ZeroHash, salt);
    await expect(timelock.connect(paramAdmin).execute(target, 0n, data, ethers.ZeroHash, salt)).to.be.revertedWithCustomError(
      timelock,
      "TimelockUnexpectedOperationState",
    );
    // Meanwhile the guardian pauses immediately.
    await expect(market.connect(guardian).pause()).to.emit(market, "Paused").withArgs(guardian.address);
    await time.increase(DELAY);
    await expect(timelock.connect(paramAdmin).execute(target, 0n, data, ethers.ZeroHash, salt))
      .to.emit(market, "ParameterChanged")
      .withArgs(name, 625n, 900n);
    expect(await timelock.isOperationDone(id)).to.equal(true);
    expect((await market.marketState()).params.mmBps).to.equal(900n);
  });
});
