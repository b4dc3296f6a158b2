import { expect } from "chai";
import { ethers, network } from "hardhat";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { dammFixture, NO_DEADLINE, USDC, WAD, type DammFixture } from "../helpers/deployFixture";
import { BPS, DAY, abs, answer8 } from "../helpers/specMath";
import { update as updateTwap } from "../../keeper/core/math/wad/TwapWad";

// DESIGN §6: a stolen keeper key can move the mark only toward the oracle and spend at most the
// rolling-24 h cap. An account holding only KEEPER_ROLE attacks the hooks over a simulated day of
// oracle moves and trader flow; after every call we check what it could and could not do.

const fixture = dammFixture({ traderCount: 6, budget6: 2_000n * USDC });

type Attack =
  | "pegMaxUp"
  | "pegMaxDown"
  | "pegToOracle"
  | "pegPastOracle"
  | "pegHugeUp"
  | "pegHugeDown"
  | "pegReferenceHalf"
  | "kMaxUp"
  | "kMaxDown"
  | "kHugeUp"
  | "kHugeDown"
  | "kToNet"
  | "privileged";

interface Step {
  readonly dt: number;
  readonly oracleBps: number;
  /** Put the oracle between the spot mark and the mark TWAP instead (where the reference rule applies). */
  readonly oracleBetween: boolean;
  readonly trades: ReadonlyArray<readonly [trader: number, isLong: boolean, quote: bigint, close: boolean]>;
  /** Keeper calls, one per block (the cooldown is one block: this is spam at every block). */
  readonly attacks: readonly Attack[];
  readonly privilegedIndex: number;
  readonly settleFunding: boolean;
}

const attackArb = fc.constantFrom<Attack>(
  "pegMaxUp",
  "pegMaxDown",
  "pegToOracle",
  "pegPastOracle",
  "pegHugeUp",
  "pegHugeDown",
  "pegReferenceHalf",
  "kMaxUp",
  "kMaxDown",
  "kHugeUp",
  "kHugeDown",
  "kToNet",
  "privileged",
);

const stepArb: fc.Arbitrary<Step> = fc.record({
  dt: fc.integer({ min: 60, max: 4 * 3600 }),
  oracleBps: fc.integer({ min: -300, max: 300 }),
  oracleBetween: fc.boolean(),
  trades: fc.array(
    fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean(), fc.bigInt({ min: 500n, max: 60_000n }).map((q) => q * WAD), fc.boolean()),
    { maxLength: 2 },
  ),
  attacks: fc.array(attackArb, { minLength: 1, maxLength: 4 }),
  privilegedIndex: fc.nat(),
  settleFunding: fc.boolean(),
});

/** A privileged call the keeper must not be able to make, with the error it must get. */
type Privileged = (fx: DammFixture) => { call: Promise<ContractTransactionResponse>; target: "market" | "ch"; error: string; args: unknown[] };

const PRIVILEGED: readonly Privileged[] = [
  (fx) => ({
    call: fx.market.connect(fx.keeper).setParameter(ethers.encodeBytes32String("dailyCostCapBps"), BPS),
    target: "market",
    error: "AccessControlUnauthorizedAccount",
    args: [fx.keeper.address, fx.roles.PARAM_ADMIN_ROLE],
  }),
  (fx) => ({
    call: fx.market.connect(fx.keeper).setParameter(ethers.encodeBytes32String("maxPegChangeBps"), 2000n),
    target: "market",
    error: "AccessControlUnauthorizedAccount",
    args: [fx.keeper.address, fx.roles.PARAM_ADMIN_ROLE],
  }),
  (fx) => ({
    call: fx.market.connect(fx.keeper).setReduceOnly(true),
    target: "market",
    error: "AccessControlUnauthorizedAccount",
    args: [fx.keeper.address, fx.roles.PARAM_ADMIN_ROLE],
  }),
  (fx) => ({
    call: fx.market.connect(fx.keeper).pause(),
    target: "market",
    error: "AccessControlUnauthorizedAccount",
    args: [fx.keeper.address, fx.roles.GUARDIAN_ROLE],
  }),
  (fx) => ({
    call: fx.market.connect(fx.keeper).unpause(),
    target: "market",
    error: "AccessControlUnauthorizedAccount",
    args: [fx.keeper.address, fx.roles.DEFAULT_ADMIN_ROLE],
  }),
  (fx) => ({
    call: fx.market.connect(fx.keeper).grantRole(fx.roles.KEEPER_ROLE, fx.traders[0].address),
    target: "market",
    error: "AccessControlUnauthorizedAccount",
    args: [fx.keeper.address, fx.roles.DEFAULT_ADMIN_ROLE],
  }),
  (fx) => ({
    call: fx.market.connect(fx.keeper).grantRole(fx.roles.PARAM_ADMIN_ROLE, fx.keeper.address),
    target: "market",
    error: "AccessControlUnauthorizedAccount",
    args: [fx.keeper.address, fx.roles.DEFAULT_ADMIN_ROLE],
  }),
  (fx) => ({
    call: fx.market.connect(fx.keeper).revokeRole(fx.roles.GUARDIAN_ROLE, fx.guardian.address),
    target: "market",
    error: "AccessControlUnauthorizedAccount",
    args: [fx.keeper.address, fx.roles.DEFAULT_ADMIN_ROLE],
  }),
  (fx) => ({
    call: fx.market.connect(fx.keeper).trade(0n, true, 1_000n * WAD, 0),
    target: "market",
    error: "Vamm_OnlyClearingHouse",
    args: [fx.keeper.address],
  }),
  (fx) => ({
    call: fx.market.connect(fx.keeper).creditBudget(WAD),
    target: "market",
    error: "Vamm_OnlyClearingHouse",
    args: [fx.keeper.address],
  }),
  (fx) => ({
    call: fx.market.connect(fx.keeper).creditReserve(WAD),
    target: "market",
    error: "Vamm_OnlyClearingHouse",
    args: [fx.keeper.address],
  }),
  (fx) => ({
    call: fx.market.connect(fx.keeper).debitReserve(1n),
    target: "market",
    error: "Vamm_OnlyClearingHouse",
    args: [fx.keeper.address],
  }),
  (fx) => ({
    call: fx.market.connect(fx.keeper).absorbBadDebt(WAD),
    target: "market",
    error: "Vamm_OnlyClearingHouse",
    args: [fx.keeper.address],
  }),
  (fx) => ({
    call: fx.market.connect(fx.keeper).setGlobalPause(true),
    target: "market",
    error: "Vamm_OnlyClearingHouse",
    args: [fx.keeper.address],
  }),
  (fx) => ({
    call: fx.clearingHouse.connect(fx.keeper).withdrawReserve(fx.addresses.market, 1n, fx.keeper.address),
    target: "ch",
    error: "AccessControlUnauthorizedAccount",
    args: [fx.keeper.address, fx.roles.DEFAULT_ADMIN_ROLE],
  }),
  (fx) => ({
    call: fx.clearingHouse.connect(fx.keeper).pause(),
    target: "ch",
    error: "AccessControlUnauthorizedAccount",
    args: [fx.keeper.address, fx.roles.GUARDIAN_ROLE],
  }),
  (fx) => ({
    call: fx.clearingHouse.connect(fx.keeper).unpause(),
    target: "ch",
    error: "AccessControlUnauthorizedAccount",
    args: [fx.keeper.address, fx.roles.DEFAULT_ADMIN_ROLE],
  }),
  (fx) => ({
    call: fx.clearingHouse.connect(fx.keeper).addMarket(fx.keeper.address),
    target: "ch",
    error: "AccessControlUnauthorizedAccount",
    args: [fx.keeper.address, fx.roles.DEFAULT_ADMIN_ROLE],
  }),
  (fx) => ({
    call: fx.clearingHouse.connect(fx.keeper).grantRole(fx.roles.GUARDIAN_ROLE, fx.keeper.address),
    target: "ch",
    error: "AccessControlUnauthorizedAccount",
    args: [fx.keeper.address, fx.roles.DEFAULT_ADMIN_ROLE],
  }),
  (fx) => ({
    call: fx.clearingHouse.connect(fx.keeper).recordFunding(10n ** 30n, -(10n ** 30n)),
    target: "ch",
    error: "CH_UnknownMarket",
    args: [fx.keeper.address],
  }),
];

async function expectRefused(fx: DammFixture, p: Privileged): Promise<void> {
  const r = p(fx);
  const target = r.target === "market" ? fx.market : fx.clearingHouse;
  await expect(r.call)
    .to.be.revertedWithCustomError(target, r.error)
    .withArgs(...r.args);
}

/** Named guard errors a refused hook may revert with (anything else — e.g. a panic — fails the test). */
const GUARD_ERRORS = new Set([
  "Vamm_NotTowardOracle",
  "Vamm_PastOracle",
  "Vamm_PegChangeTooLarge",
  "Vamm_KChangeOutOfBounds",
  "Vamm_SqrtKBelowNetPosition",
  "Vamm_CostExceedsBudget",
  "Vamm_HookCooldown",
  "Vamm_DailyCostCapExceeded",
  "Vamm_KDecreaseCapExceeded",
  "Vamm_HookMoveCapExceeded",
  "Vamm_OracleTwapDivergence",
  "Oracle_StaleAnswer",
]);

interface Spend {
  readonly ts: bigint;
  readonly cost: bigint;
}

/** The attacker's ledger, kept independently of the contract. */
interface Ledger {
  readonly spends: Spend[];
  /** Successful k decreases (bps of sqrtK, ceil) with their timestamps: the rolling 24 h k-decrease cap. */
  readonly kDecreases: Spend[];
  lastWindow: bigint;
  budgetAtWindowStart: bigint;
  calls: number;
  successes: number;
  /** Successful repegs the spot rule refused and the reference mark allowed. */
  referenceRepegs: number;
  readonly refusals: Map<string, number>;
}

function targetOf(a: Attack, st: Awaited<ReturnType<DammFixture["market"]["marketState"]>>, oracle: bigint, now: bigint): bigint {
  const maxPeg = st.params.maxPegChangeBps;
  const d = abs(st.longOI - st.shortOI);
  switch (a) {
    case "pegMaxUp":
      return (st.peg * (BPS + maxPeg)) / BPS;
    case "pegMaxDown":
      return (st.peg * (BPS - maxPeg)) / BPS;
    case "pegToOracle":
      return (st.peg * oracle) / st.mark;
    case "pegPastOracle":
      return (((st.peg * oracle) / st.mark) * 10_050n) / BPS;
    case "pegReferenceHalf": {
      // Half the way to the oracle as the reference mark (the mark TWAP folded to the hook's block)
      // sees it: a thief's try at moving the spot mark away from the oracle.
      const reference = updateTwap(st.markTwap, st.markTwapTimestamp, st.mark, now, st.params.twapWindow);
      return (st.peg * (reference + (oracle - reference) / 2n)) / reference;
    }
    case "pegHugeUp":
      return st.peg * 3n;
    case "pegHugeDown":
      return st.peg / 3n;
    case "kMaxUp":
      return (st.sqrtK * (BPS + st.params.maxKIncreaseBps)) / BPS;
    case "kMaxDown":
      return (st.sqrtK * (BPS - st.params.maxKDecreaseBps)) / BPS;
    case "kHugeUp":
      return st.sqrtK * 2n;
    case "kHugeDown":
      return st.sqrtK / 2n;
    case "kToNet":
      return d > 0n ? d : 1n;
    case "privileged":
      return 0n;
  }
}

async function attack(fx: DammFixture, a: Attack, privilegedIndex: number, ledger: Ledger): Promise<void> {
  const { market, keeper } = fx;
  if (a === "privileged") {
    await expectRefused(fx, PRIVILEGED[privilegedIndex % PRIVILEGED.length]);
    return;
  }
  const before = await market.marketState();
  const [oracle] = await market.oracleLatest();
  const hookTs = (await time.latest()) + 1;
  await time.setNextBlockTimestamp(hookTs);
  const target = targetOf(a, before, oracle, BigInt(hookTs));
  const isRepeg = a.startsWith("peg");
  ledger.calls++;
  let rc;
  try {
    rc = await (await (isRepeg ? market.connect(keeper).repeg(target) : market.connect(keeper).updateK(target))).wait();
  } catch (e) {
    const data = (e as { data?: string }).data;
    const parsed = data ? market.interface.parseError(data) : null;
    const name = parsed?.name ?? String(e);
    expect(GUARD_ERRORS.has(name), `unexpected revert ${name}`).to.equal(true);
    ledger.refusals.set(name, (ledger.refusals.get(name) ?? 0) + 1);
    const after = await market.marketState();
    expect([after.peg, after.sqrtK, after.budget, after.curSpent]).to.deep.equal([before.peg, before.sqrtK, before.budget, before.curSpent]);
    return;
  }
  ledger.successes++;
  const after = await market.marketState();
  const ts = BigInt((await ethers.provider.getBlock(rc!.blockNumber))!.timestamp);
  let cost = 0n;
  for (const log of rc!.logs) {
    const ev = market.interface.parseLog(log);
    if (ev?.name === "PegUpdated" || ev?.name === "KUpdated") cost = ev.args.cost as bigint;
  }
  expect(after.budget).to.equal(before.budget - cost);

  // Never touches the reserved share.
  expect(after.reservedShare).to.equal(before.reservedShare);

  // A repeg moves the spot mark toward the oracle without crossing it; or, only while the reference
  // mark (the mark TWAP folded to the hook's time) sits across the oracle from the spot mark, moves
  // the reference so, ref' = ref·P'/P rounded away from the reference (SPEC §6). k keeps the mark.
  if (isRepeg) {
    const towardOracle = (from: bigint, to: bigint): boolean => abs(to - oracle) <= abs(from - oracle) && (to - oracle) * (from - oracle) >= 0n;
    if (!towardOracle(before.mark, after.mark)) {
      const reference = updateTwap(before.markTwap, before.markTwapTimestamp, before.mark, ts, before.params.twapWindow);
      const across = before.mark === oracle || before.mark > oracle !== reference > oracle;
      expect(across, "the spot mark moved away from the oracle while the reference sat on its side").to.equal(true);
      const up = after.peg > before.peg;
      const moved = (reference * after.peg + (up ? before.peg - 1n : 0n)) / before.peg;
      expect(reference !== oracle && towardOracle(reference, moved), "the reference did not move toward the oracle without crossing it").to.equal(true);
      ledger.referenceRepegs++;
    }
  } else {
    expect(abs(after.mark - before.mark) <= before.mark / 10n ** 12n, "updateK moved the mark").to.equal(true);
    // k decreases: at most maxDailyKDecreaseBps (sum of per-call ceil bps) in any rolling 24 h (SPEC §6).
    if (after.sqrtK < before.sqrtK) {
      const bps = ((before.sqrtK - after.sqrtK) * BPS + before.sqrtK - 1n) / before.sqrtK;
      ledger.kDecreases.push({ ts: BigInt((await ethers.provider.getBlock(rc!.blockNumber))!.timestamp), cost: bps });
      const last = ledger.kDecreases[ledger.kDecreases.length - 1].ts;
      const trailingK = ledger.kDecreases.filter((k) => k.ts > last - DAY).reduce((acc, k) => acc + k.cost, 0n);
      expect(trailingK <= before.params.maxDailyKDecreaseBps, `trailing 24 h k decrease ${trailingK} bps > cap`).to.equal(true);
    }
  }

  // Rolling 24 h cap, at every spending call: positive costs in (ts − 1 day, ts] ≤ cap × budget at the window's start.
  const window = ts / DAY;
  if (window !== ledger.lastWindow) {
    ledger.lastWindow = window;
    ledger.budgetAtWindowStart = before.budget;
  }
  expect(after.budgetAtWindowStart).to.equal(ledger.budgetAtWindowStart);
  if (cost > 0n) ledger.spends.push({ ts, cost });
  if (cost <= 0n) {
    // A revenue spends nothing and does not refill the cap. (The trailing sum may now exceed a new
    // window's cap — the budget fell — but it was within the cap when it was spent, and the next
    // spend must fit under the new cap together with it.)
    expect(after.curSpent).to.equal(after.windowIndex === before.windowIndex ? before.curSpent : 0n);
    return;
  }
  const trailing = ledger.spends.filter((s) => s.ts > ts - DAY).reduce((acc, s) => acc + s.cost, 0n);
  const cap = (ledger.budgetAtWindowStart * before.params.dailyCostCapBps) / BPS;
  expect(trailing <= cap, `trailing 24 h spend ${trailing} > cap ${cap}`).to.equal(true);
}

/**
 * Settles funding when due. The AMM's funding payment shares the hooks' rolling 24 h cap (SPEC §5):
 * it is recorded as a spend, and a settlement that opens a new day window fixes that window's budget.
 */
async function settleFundingInto(fx: DammFixture, ledger: Ledger): Promise<void> {
  const before = await fx.market.marketState();
  let rc;
  try {
    rc = await (await fx.market.settleFunding()).wait();
  } catch {
    return; // not due, or a stale oracle: nothing changed
  }
  const after = await fx.market.marketState();
  const ts = BigInt((await ethers.provider.getBlock(rc!.blockNumber))!.timestamp);
  if (after.windowIndex !== before.windowIndex) {
    ledger.lastWindow = after.windowIndex;
    ledger.budgetAtWindowStart = before.budget;
    expect(after.budgetAtWindowStart).to.equal(before.budget);
  }
  for (const log of rc!.logs) {
    const ev = log.address === fx.addresses.market ? fx.market.interface.parseLog(log) : null;
    if (ev?.name !== "FundingSettled") continue;
    const paid = ev.args.ammPaid as bigint;
    if (paid === 0n) continue;
    ledger.spends.push({ ts, cost: paid });
    const trailing = ledger.spends.filter((x) => x.ts > ts - DAY).reduce((acc, x) => acc + x.cost, 0n);
    const cap = (ledger.budgetAtWindowStart * before.params.dailyCostCapBps) / BPS;
    expect(trailing <= cap, `trailing 24 h spend with funding ${trailing} > cap ${cap}`).to.equal(true);
  }
}

async function tradeQuietly(fx: DammFixture, i: number, isLong: boolean, q: bigint, close: boolean): Promise<void> {
  const { clearingHouse: ch, addresses, traders } = fx;
  try {
    const pos = await ch.positionOf(addresses.market, traders[i].address);
    if (close && pos.size !== 0n) await (await ch.connect(traders[i]).closePosition(addresses.market, 0n, 0n, NO_DEADLINE)).wait();
    else await (await ch.connect(traders[i]).openPosition(addresses.market, isLong, q, q / 5n, 0n, NO_DEADLINE)).wait();
  } catch {
    // Trader flow may be refused (margin, fluctuation limit); the attack goes on regardless.
  }
}

describe("VammMarket stolen keeper key (DESIGN §6)", function () {
  it("the keeper cannot call any other privileged function", async function () {
    const fx = await loadFixture(fixture);
    for (const p of PRIVILEGED) await expectRefused(fx, p);
    expect(await fx.market.hasRole(fx.roles.KEEPER_ROLE, fx.traders[0].address)).to.equal(false);
  });

  it("adversarial hook sequences move the mark or its reference only toward the oracle, never overspend the 24 h cap or touch the reserve", async function () {
    const fx = await loadFixture(fixture);
    const { market, aggregator, traders, clearingHouse: ch, addresses, paramAdmin } = fx;
    // A two-block cooldown, so that calling at every block is refused every other block.
    await (await market.connect(paramAdmin).setParameter(ethers.encodeBytes32String("hookCooldownBlocks"), 2n)).wait();
    // A tight daily cost cap (1 % of the budget), so that the sequences spend up to it: at the default
    // 20 % it refused 1–4 of ~2,000 calls per 100 runs, and in some runs none (the cap then went untested).
    await (await market.connect(paramAdmin).setParameter(ethers.encodeBytes32String("dailyCostCapBps"), 100n)).wait();
    // A net position so hooks have costs: longs and shorts, net long.
    await (await ch.connect(traders[0]).openPosition(addresses.market, true, 40_000n * WAD, 10_000n * WAD, 0n, NO_DEADLINE)).wait();
    await (await ch.connect(traders[1]).openPosition(addresses.market, false, 15_000n * WAD, 5_000n * WAD, 0n, NO_DEADLINE)).wait();
    let snap: string = await network.provider.send("evm_snapshot", []);
    const totals = { calls: 0, successes: 0, referenceRepegs: 0, paid: 0n, refusals: new Map<string, number>() };

    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 86_399 }), fc.array(stepArb, { minLength: 6, maxLength: 12 }), async (offset, steps) => {
        await network.provider.send("evm_revert", [snap]);
        snap = await network.provider.send("evm_snapshot", []);
        const ledger: Ledger = { spends: [], kDecreases: [], lastWindow: -1n, budgetAtWindowStart: 0n, calls: 0, successes: 0, referenceRepegs: 0, refusals: totals.refusals };
        // Start at a random time of day so the sequence crosses window boundaries at random points.
        const now = BigInt(await time.latest());
        await time.increaseTo((now / DAY + 1n) * DAY + BigInt(offset));
        let price = (await market.oracleLatest())[0];
        for (const s of steps) {
          await time.increase(s.dt);
          price = (price * BigInt(10_000 + s.oracleBps)) / BPS;

          await (await aggregator.setAnswer(answer8(price))).wait();
          for (const [i, isLong, q, close] of s.trades) await tradeQuietly(fx, i, isLong, q, close);
          if (s.settleFunding) await settleFundingInto(fx, ledger);
          if (s.oracleBetween) {
            const st = await market.marketState();
            const reference = updateTwap(st.markTwap, st.markTwapTimestamp, st.mark, BigInt(await time.latest()) + 2n, st.params.twapWindow);
            price = (st.mark + reference) / 2n;
          }
          await (await aggregator.setAnswer(answer8(price))).wait();
          for (const a of s.attacks) await attack(fx, a, s.privilegedIndex, ledger);
        }
        totals.calls += ledger.calls;
        totals.successes += ledger.successes;
        totals.referenceRepegs += ledger.referenceRepegs;
        totals.paid += ledger.spends.reduce((acc, x) => acc + x.cost, 0n);
      }),
      // No shrinking: a counterexample is reported at once (each run replays a chain day).
      {
        numRuns: 100,
        endOnFailure: true,
        ...(process.env.STOLEN_KEY_SEED ? { seed: Number(process.env.STOLEN_KEY_SEED), path: process.env.STOLEN_KEY_PATH } : {}),
      },
    );
    await network.provider.send("evm_revert", [snap]);
    // The sequences must actually exercise both outcomes.
    expect(totals.successes > 50, `successes ${totals.successes}`).to.equal(true);
    expect(totals.calls - totals.successes > 50).to.equal(true);
    expect(totals.referenceRepegs, "repegs allowed on the reference mark").to.be.greaterThan(0);
    for (const e of ["Vamm_HookCooldown", "Vamm_DailyCostCapExceeded", "Vamm_PastOracle", "Vamm_PegChangeTooLarge", "Vamm_KChangeOutOfBounds", "Vamm_NotTowardOracle"]) {
      expect(totals.refusals.get(e) ?? 0, e).to.be.greaterThan(0);
    }
    if (process.env.STOLEN_KEY_VERBOSE) {
      console.log(`      calls ${totals.calls}, successes ${totals.successes} (${totals.referenceRepegs} on the reference), paid ${totals.paid}`, Object.fromEntries(totals.refusals));
    }
  });
});
