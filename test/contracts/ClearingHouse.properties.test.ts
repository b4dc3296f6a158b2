import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import type { ContractTransactionResponse, TransactionReceipt } from "ethers";
import { dammFixture, NO_DEADLINE, USDC, COLLATERAL_SCALE } from "../helpers/deployFixture";
import type { DammFixture } from "../helpers/deployFixture";
import { WAD, bpsUp, closeLong, closeShort } from "../helpers/specMath";
import type { Curve } from "../helpers/specMath";

// Property tests (SPEC §2, §3, §5): 200 random sequences of deposits, opens (increase / reduce /
// reverse), closes, margin changes, oracle moves, funding settlements and liquidations on a shallow
// market (1e7 quote of depth, fluctuation limit relaxed so large trades can bankrupt positions).
// After every step: k ≥ k0 and the vault is solvent; at the end every position is closed and the
// reserves must be back at their start, and funding paid by users must equal what users received
// plus the AMM's side, within rounding that favours the protocol.

const TRADERS = 3;
const fixture = dammFixture({ sqrtK: 100_000n * WAD, traderCount: TRADERS, budget6: 20_000n * USDC });
const setupFixture = async function propertiesFixture(): Promise<DammFixture> {
  const fx = await fixture();
  await fx.market.connect(fx.paramAdmin).setParameter(ethers.encodeBytes32String("fluctuationLimitBps"), 5000n);
  return fx;
};

/** Refusals a random step may legitimately meet; anything else fails the property. */
const EXPECTED_REVERTS = new Set([
  "Vamm_VolatilityBreaker", // an oracle move of > oracleBreakerBps against its TWAP stops opens (SPEC §6)
  "Vamm_ReduceOnly", // a market with uncovered bad debt goes reduce-only (SPEC §3)
  "CH_LiquidationBeyondBand", // the mark already beyond maxLiquidationSlippageBps of the oracle (SPEC §3)
  "CH_BelowInitialMargin",
  "CH_InsufficientCollateral",
  "CH_NoPosition",
  "CH_NegativeMargin",
  "CH_NotLiquidatable",
  "Vamm_ZeroBaseAmount",
  "Vamm_OpenInterestCapExceeded",
  "Vamm_InsufficientLiquidity",
]);

type Step =
  | { kind: "deposit"; who: number; amount: number }
  | { kind: "open"; who: number; isLong: boolean; notional: number; leverage: number }
  | { kind: "close"; who: number; pct: number }
  | { kind: "addMargin"; who: number; amount: number }
  | { kind: "removeMargin"; who: number; amount: number }
  | { kind: "oracle"; moveBps: number }
  | { kind: "funding"; oracleMoveBps: number }
  | { kind: "liquidate"; half: boolean };

const who = fc.integer({ min: 0, max: TRADERS - 1 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("deposit" as const), who, amount: fc.integer({ min: 1, max: 50_000 }) }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("open" as const),
      who,
      isLong: fc.boolean(),
      notional: fc.integer({ min: 100, max: 900_000 }),
      leverage: fc.integer({ min: 1, max: 10 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("close" as const), who, pct: fc.integer({ min: 0, max: 99 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("addMargin" as const), who, amount: fc.integer({ min: 1, max: 20_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("removeMargin" as const), who, amount: fc.integer({ min: 1, max: 20_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("oracle" as const), moveBps: fc.integer({ min: -1500, max: 1500 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("funding" as const), oracleMoveBps: fc.integer({ min: -500, max: 500 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("liquidate" as const), half: fc.boolean() }) },
);

interface RunLedger {
  /** Σ FundingPaid amounts (> 0 paid by users). */
  userNetPaid: bigint;
  /** Σ (ammReceived − ammPaid) over FundingSettled. */
  ammNetReceived: bigint;
  /** Σ BadDebtSocialized.socialized: charged to users through the funding indices, not to the AMM. */
  socialized: bigint;
  /** Number of funding periods (and socialisations) and of per-account settlements (for the rounding bound). */
  periods: number;
  settlements: number;
}

/** What the 200 runs exercised, asserted at the end so the generator cannot silently go dull. */
const coverage = { trades: 0, liquidations: 0, badDebts: 0, fundingPeriods: 0, refusals: 0 };

function errorName(fx: DammFixture, e: unknown): string {
  const err = e as { data?: string; error?: { data?: string }; message?: string };
  const data = err.data ?? err.error?.data;
  if (typeof data === "string" && data.length >= 10) {
    const parsed = fx.clearingHouse.interface.parseError(data) ?? fx.market.interface.parseError(data);
    if (parsed) return parsed.name;
  }
  return `unparsed: ${err.message ?? String(e)}`;
}

/** Sends a transaction; an expected refusal returns null, anything else throws. */
async function attempt(fx: DammFixture, send: () => Promise<ContractTransactionResponse>): Promise<TransactionReceipt | null> {
  try {
    return await (await send()).wait();
  } catch (e) {
    const n = errorName(fx, e);
    if (!EXPECTED_REVERTS.has(n)) throw new Error(`unexpected revert ${n}`);
    coverage.refusals += 1;
    return null;
  }
}

function record(fx: DammFixture, rc: TransactionReceipt | null, ledger: RunLedger): void {
  if (rc === null) return;
  for (const log of rc.logs) {
    const chEv = fx.clearingHouse.interface.parseLog(log);
    if (chEv?.name === "PositionChanged") coverage.trades += 1;
    if (chEv?.name === "Liquidated") coverage.liquidations += 1;
    if (chEv?.name === "BadDebtRecorded") coverage.badDebts += 1;
    if (chEv?.name === "BadDebtSocialized") {
      // Uncovered bad debt charged to the profitable side through the funding indices (SPEC §3):
      // users pay it through FundingPaid, the AMM receives none of it.
      ledger.socialized += chEv.args.socialized as bigint;
      ledger.periods += 1;
      continue;
    }
    if (chEv?.name === "FundingPaid") {
      ledger.userNetPaid += chEv.args.amount as bigint;
      ledger.settlements += 1;
      continue;
    }
    const mEv = log.address === fx.addresses.market ? fx.market.interface.parseLog(log) : null;
    if (mEv?.name === "FundingSettled") {
      ledger.ammNetReceived += (mEv.args.ammReceived as bigint) - (mEv.args.ammPaid as bigint);
      ledger.periods += 1;
      coverage.fundingPeriods += 1;
    }
  }
}

/** Oracle answer (8 decimals) moved by `bps`, floored at 1. */
async function moveOracle(fx: DammFixture, bps: number): Promise<void> {
  const [, answer] = await fx.aggregator.latestRoundData();
  let next = (answer * BigInt(10_000 + bps)) / 10_000n;
  if (next < 1n) next = 1n;
  await fx.aggregator.setAnswer(next);
}

async function runStep(fx: DammFixture, s: Step, ledger: RunLedger): Promise<void> {
  const { clearingHouse: ch, market, traders, liquidator } = fx;
  const m = fx.addresses.market;
  switch (s.kind) {
    case "deposit":
      await ch.connect(traders[s.who]).deposit(BigInt(s.amount) * USDC);
      return;
    case "open": {
      const q = BigInt(s.notional) * WAD;
      const margin = q / BigInt(s.leverage) + bpsUp(q, 10n);
      const free = await ch.freeCollateral(traders[s.who].address);
      const marginToAdd = margin < free ? margin : free;
      record(fx, await attempt(fx, () => ch.connect(traders[s.who]).openPosition(m, s.isLong, q, marginToAdd, 0n, NO_DEADLINE)), ledger);
      return;
    }
    case "close": {
      const p = await ch.positionOf(m, traders[s.who].address);
      const size = p.size < 0n ? -p.size : p.size;
      const b = (size * BigInt(s.pct)) / 100n;
      record(fx, await attempt(fx, () => ch.connect(traders[s.who]).closePosition(m, b, 0n, NO_DEADLINE)), ledger);
      return;
    }
    case "addMargin":
      record(fx, await attempt(fx, () => ch.connect(traders[s.who]).addMargin(m, BigInt(s.amount) * WAD)), ledger);
      return;
    case "removeMargin":
      record(fx, await attempt(fx, () => ch.connect(traders[s.who]).removeMargin(m, BigInt(s.amount) * WAD)), ledger);
      return;
    case "oracle":
      await moveOracle(fx, s.moveBps);
      return;
    case "funding":
      await time.increase(3600);
      await moveOracle(fx, s.oracleMoveBps);
      record(fx, await (await market.settleFunding()).wait(), ledger);
      return;
    case "liquidate":
      // A keeper sweep: every position under maintenance, half or all of it.
      for (const trader of traders) {
        const t = trader.address;
        if (!(await ch.isLiquidatable(m, t))) continue;
        const size = (await ch.positionOf(m, t)).size;
        const b = s.half ? (size < 0n ? -size : size) / 2n : 0n;
        record(fx, await attempt(fx, () => ch.connect(liquidator).liquidate(t, m, b)), ledger);
      }
      return;
  }
}

/**
 * Solvency: the vault's tokens (WAD) plus the bad debt already recorded as uncovered cover every
 * account's free collateral, what each position could withdraw if everything were closed now
 * (max(0, margin + PnL − pending funding − close fee), PnL from closing the positions one after the
 * other on the curve: their sum is path-independent), the reserved share and the budget net of the
 * open positions' bad debt (which would come out of them).
 */
async function checkInvariants(fx: DammFixture, sqrtK0: bigint): Promise<void> {
  const { clearingHouse: ch, market, usdc, traders, liquidator } = fx;
  const m = fx.addresses.market;
  const st = await market.marketState();
  expect(st.sqrtK).to.equal(sqrtK0);
  expect(st.baseReserve * st.quoteReserve >= sqrtK0 * sqrtK0, "x·y ≥ sqrtK0²").to.equal(true);

  let c: Curve = { x: st.baseReserve, y: st.quoteReserve, sqrtK: st.sqrtK, peg: st.peg };
  let claims = await ch.freeCollateral(liquidator.address);
  let openDebt = 0n;
  for (const t of traders) {
    claims += await ch.freeCollateral(t.address);
    const p = await ch.positionOf(m, t.address);
    if (p.size === 0n) continue;
    const pending = await ch.pendingFunding(m, t.address);
    let pnl: bigint;
    let quote: bigint;
    if (p.size > 0n) {
      const r = closeLong(c, p.size);
      quote = r.quote;
      pnl = r.quote - p.openNotional;
      c = { ...c, x: r.x1, y: r.y1 };
    } else {
      const r = closeShort(c, -p.size);
      quote = r.quote;
      pnl = p.openNotional - r.quote;
      c = { ...c, x: r.x1, y: r.y1 };
    }
    const equity = p.margin + pnl - pending - bpsUp(quote, st.params.feeBps);
    if (equity > 0n) claims += equity;
    else openDebt -= equity;
  }
  claims += st.reservedShare + st.budget - openDebt;
  const vault = (await usdc.balanceOf(fx.addresses.clearingHouse)) * COLLATERAL_SCALE;
  const uncovered = await ch.uncoveredBadDebt();
  expect(vault + uncovered >= claims, `solvency: vault ${vault} + uncovered ${uncovered} < claims ${claims}`).to.equal(true);
  // Per-market collateral (SPEC §3): the vault holds every free balance plus what backs the market.
  let free = await ch.freeCollateral(liquidator.address);
  for (const t of traders) free += await ch.freeCollateral(t.address);
  const backing = await ch.marketCollateral(m);
  expect(vault >= free + backing, `vault ${vault} < Σ free ${free} + market collateral ${backing}`).to.equal(true);
}

describe("ClearingHouse properties (fast-check, 200 random sequences)", function () {
  it("k never falls, the vault stays solvent, reserves return on closing everything, funding balances", async function () {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 6, maxLength: 12 }), async (steps) => {
        runs += 1;
        const fx = await loadFixture(setupFixture);
        const { clearingHouse: ch, market, traders } = fx;
        const m = fx.addresses.market;
        const st0 = await market.marketState();
        const ledger: RunLedger = { userNetPaid: 0n, ammNetReceived: 0n, socialized: 0n, periods: 0, settlements: 0 };

        for (const s of steps) {
          await runStep(fx, s, ledger);
          await checkInvariants(fx, st0.sqrtK);
        }

        // Close everything (a bankrupt position's own full close goes to bad debt).
        for (const t of traders) {
          if ((await ch.positionOf(m, t.address)).size === 0n) continue;
          record(fx, await (await ch.connect(t).closePosition(m, 0n, 0n, NO_DEADLINE)).wait(), ledger);
        }
        await checkInvariants(fx, st0.sqrtK);
        const st = await market.marketState();
        expect([st.longOI, st.shortOI]).to.deep.equal([0n, 0n]);
        // x returns exactly (every base moved is moved back); y = ceil(k/x0) = y0.
        expect(st.baseReserve).to.equal(st0.baseReserve);
        expect(st.quoteReserve).to.equal(st0.quoteReserve);

        // Funding: users' net payments = the AMM's net receipts + rounding kept by the protocol
        // (payers settle at the ceiling, receivers at the floor: ≤ a few wei per settlement and
        // ≤ receivers' OI in base units per period).
        const slack = ledger.userNetPaid - ledger.ammNetReceived - ledger.socialized;
        expect(slack >= 0n, `funding: users paid ${ledger.userNetPaid} < AMM received ${ledger.ammNetReceived}`).to.equal(true);
        expect(slack <= BigInt(ledger.settlements + 2) + BigInt(ledger.periods) * 10n ** 7n, `funding slack ${slack}`).to.equal(true);
      }),
      { numRuns: 200 },
    );
    expect(runs).to.equal(200);
    console.log(`      coverage: ${JSON.stringify(coverage)}`);
    expect(coverage.trades).to.be.greaterThan(500);
    expect(coverage.liquidations).to.be.greaterThan(0);
    expect(coverage.badDebts).to.be.greaterThan(0);
    expect(coverage.fundingPeriods).to.be.greaterThan(50);
  });
});
