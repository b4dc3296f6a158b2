/**
 * Issue 4 parity: a seeded sequence of ≥ 1,000 trades plus funding settlements, repegs, k updates,
 * oracle moves, liquidations and deliberately invalid calls runs through the contracts on the
 * in-process Hardhat network and through MarketCore (the float64 mirror) in lockstep. They must
 * agree on every op's outcome (success, or the same custom error), on every value the op reports
 * (PositionChanged / Liquidated / FundingSettled / PegUpdated / KUpdated vs the simulator's
 * returns: fees, PnL, funding amounts, repeg and k costs) and on the market's state — reserves,
 * peg, sqrtK, OI, budget, reserved share, TWAPs, funding indices, every position (size, margin,
 * open notional) and free collateral — within 1e-9 relative.
 *
 * Absolute floor: 1e-6 natural units (1e12 wei = one unit of the 6-decimal collateral token) for
 * values near zero. The simulator's float64 derives base moved, realised PnL and k-update costs as
 * differences of reserves of ~1e5, which leaves ~1e-11 base / ~1e-9 quote of absolute error: a
 * realised PnL of 0.9 or a k cost of 0.4 then misses 1e-9 *relative* while being exact to a
 * millionth of a token. Every value above 1e3 is held to the relative bound alone. Values the
 * contracts store on the collateral's 1e-6 grid (a position's margin and open notional, free
 * collateral) get a floor of 1.5e-6 (one step): when the exact value lies within that float error of a grid line
 * the two sides may store it one step apart (GRID_PARITY_TOLERANCE in keeper/onchain/compare.ts).
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import type { Signer } from "ethers";
import { deployDamm, fundAccounts } from "../../../keeper/onchain/deploy";
import { Lockstep } from "../../../keeper/onchain/lockstep";
import { readChainState, simState } from "../../../keeper/onchain/chainState";
import { compareValues, compareViews, PARITY_TOLERANCE, type Mismatch } from "../../../keeper/onchain/compare";
import { describeOp, type Op, type StepResult } from "../../../keeper/onchain/ops";
import { ParitySequence } from "./paritySequence";
import { closeValue } from "../../../keeper/sim/curve";
import { toOracleAnswer } from "../../../keeper/onchain/wad";

const SEED = 20240607;
const MIN_TRADES = 1_000;
/** Full state (positions, free collateral) is compared every this many ops; the ledger every op. */
const FULL_CHECK_EVERY = 40;

interface Tally {
  trades: number;
  badOracleRounds: number;
  repegTowards: number;
  funding: number;
  repegs: number;
  kUpdates: number;
  liquidations: number;
  reverts: number;
  hookCosts: number[];
  revertNames: Record<string, number>;
}

async function setup(opts: { sqrtK: number; budget: number; params?: Record<string, number> }) {
  const signers = await ethers.getSigners();
  const [admin, liq1, liq2] = signers;
  const traders = signers.slice(3, 15);
  // Start on the next day boundary: the rolling windows (day, hook window) then have the same phase
  // in every run, so the seeded sequence replays identically whatever the wall clock.
  const latest = (await ethers.provider.getBlock("latest"))!.timestamp;
  await network.provider.send("evm_setNextBlockTimestamp", [(Math.floor(latest / 86400) + 1) * 86400]);
  const deployed = await deployDamm({ admin, keeper: admin.address }, { sqrtK: opts.sqrtK, price: 100, maxOpenInterest: 1_000_000, budget: opts.budget, params: opts.params });
  await fundAccounts(deployed, admin, [...traders, liq1, liq2], 1_000_000, 0);
  const signerMap = new Map<string, Signer>([admin, liq1, liq2, ...traders].map((s) => [s.address, s]));
  const ls = await Lockstep.create({
    contracts: deployed,
    signers: signerMap,
    rpc: network.provider as unknown as { send(m: string, p: unknown[]): Promise<unknown> },
    latestBlock: async () => {
      const b = await ethers.provider.getBlock("latest");
      return { number: b!.number, timestamp: b!.timestamp };
    },
  });
  return { admin, liq1, liq2, traders, deployed, ls, accounts: [...traders, liq1, liq2].map((s) => s.address) };
}

describe("chain ↔ simulator parity (issue 4)", function () {
  this.timeout(240_000);

  it("a full close with negative margin goes to bad debt on both sides (SPEC §8)", async () => {
    const { admin, traders, deployed, ls, accounts } = await setup({ sqrtK: 10_000, budget: 5_000 });
    const [victim, ...others] = traders.map((t) => t.address);
    const steps: StepResult[] = [];
    const run = async (op: Op) => {
      const r = await ls.apply(op);
      steps.push(r);
      return r;
    };
    for (const a of accounts) await run({ kind: "deposit", account: a, amount6: 200_000n * 10n ** 6n });
    await run({ kind: "open", account: victim, isLong: true, quote: 9_000n * 10n ** 18n, margin: 910n * 10n ** 18n, baseLimit: 0n });
    // 16 shorts of 4,500 (≈ 0.9 % each, inside the 2 % per-block limit) push the mark ≈ 13 % down.
    for (let i = 0; i < 16; i++) await run({ kind: "open", account: others[i % others.length], isLong: false, quote: 4_500n * 10n ** 18n, margin: 2_000n * 10n ** 18n, baseLimit: 0n });
    for (const r of steps) expect(r.chain.ok && r.sim.ok, `${describeOp(r.op)}: ${JSON.stringify([r.chain, r.sim])}`).to.equal(true);
    // Under water on the curve (its own close): equity below zero. By the oracle (unchanged) it is not.
    const s = ls.core.state();
    const p = ls.core.getPosition(victim)!;
    expect(p.margin + closeValue(s.x, s.y, s.sqrtK, s.peg, p.size) - p.openNotional).to.be.below(0);
    const close = await run({ kind: "close", account: victim, base: 0n, quoteLimit: 0n });
    expect(close.chain.ok, `chain: ${JSON.stringify(close.chain)}`).to.equal(true);
    expect(close.sim.ok, `simulator: ${JSON.stringify(close.sim)}`).to.equal(true);
    if (close.chain.ok && close.sim.ok) expect(compareValues(close.chain.values, close.sim.values)).to.deep.equal([]);
    // The bad debt came out of the reserved share, then the budget, identically.
    expect(ls.core.getPosition(victim)).to.equal(undefined);
    const chainNow = await readChainState(deployed, accounts);
    expect(compareViews(chainNow, simState(ls.core, accounts))).to.deep.equal([]);
    void admin;
  });

  it("uncovered bad debt: socialised onto the other side, the market reduce-only, on both sides (SPEC §3)", async () => {
    const { deployed, ls, accounts, traders, liq1 } = await setup({ sqrtK: 10_000, budget: 0 });
    const [victim, bob, ...others] = traders.map((t) => t.address);
    const steps: StepResult[] = [];
    const run = async (op: Op) => {
      const r = await ls.apply(op);
      steps.push(r);
      expect(r.chain.ok === r.sim.ok && (r.chain.ok || r.chain.error === (r.sim.ok ? "" : r.sim.error)), `${describeOp(op)}: ${JSON.stringify([r.chain, r.sim])}`).to.equal(true);
      if (r.chain.ok && r.sim.ok) expect(compareValues(r.chain.values, r.sim.values), describeOp(op)).to.deep.equal([]);
      return r;
    };
    for (const a of accounts) await run({ kind: "deposit", account: a, amount6: 200_000n * 10n ** 6n });
    await run({ kind: "open", account: victim, isLong: true, quote: 9_000n * 10n ** 18n, margin: 910n * 10n ** 18n, baseLimit: 0n });
    await run({ kind: "open", account: bob, isLong: false, quote: 4_000n * 10n ** 18n, margin: 2_000n * 10n ** 18n, baseLimit: 0n });
    // The oracle −15 % (no observation: the breaker stays clear); shorts follow it down on the curve.
    await run({ kind: "setOracle", account: liq1.address, answer: toOracleAnswer(85) });
    for (let i = 0; i < 16; i++) await run({ kind: "open", account: others[i % others.length], isLong: false, quote: 4_500n * 10n ** 18n, margin: 2_000n * 10n ** 18n, baseLimit: 0n });
    const liq = await run({ kind: "liquidate", account: liq1.address, trader: victim, base: 0n });
    expect(liq.sim.ok && (liq.sim.values.uncovered ?? 0) > 0, "uncovered bad debt").to.equal(true);
    expect(ls.core.state().reduceOnly).to.equal(true);
    expect(compareViews(await readChainState(deployed, accounts), simState(ls.core, accounts))).to.deep.equal([]);
    // Reduce-only on both sides; bob's close pays his share of the charge.
    const refused = await ls.apply({ kind: "open", account: bob, isLong: false, quote: 1_000n * 10n ** 18n, margin: 500n * 10n ** 18n, baseLimit: 0n });
    expect([refused.chain.ok ? "ok" : refused.chain.error, refused.sim.ok ? "ok" : refused.sim.error]).to.deep.equal(["Vamm_ReduceOnly", "Vamm_ReduceOnly"]);
    expect(ls.core.pendingFunding(bob)).to.be.greaterThan(0);
    await run({ kind: "close", account: bob, base: 0n, quoteLimit: 0n });
    expect(compareViews(await readChainState(deployed, accounts), simState(ls.core, accounts))).to.deep.equal([]);
  });

  it("liquidation execution band: a large close is cut at the band's edge, then CH_LiquidationBeyondBand, on both sides (SPEC §3)", async () => {
    const { deployed, ls, accounts, traders, liq1 } = await setup({ sqrtK: 10_000, budget: 5_000, params: { fluctuationLimitBps: 5000 } });
    const [big, ...others] = traders.map((t) => t.address);
    const outcome = (r: StepResult) => [r.chain.ok ? "ok" : r.chain.error, r.sim.ok ? "ok" : r.sim.error];
    const run = async (op: Op) => {
      const r = await ls.apply(op);
      const [c, s] = outcome(r);
      expect(c, `${describeOp(op)}: ${JSON.stringify([r.chain, r.sim])}`).to.equal(s);
      if (r.chain.ok && r.sim.ok) expect(compareValues(r.chain.values, r.sim.values), describeOp(op)).to.deep.equal([]);
      return r;
    };
    for (const a of accounts) await run({ kind: "deposit", account: a, amount6: 200_000n * 10n ** 6n });
    await run({ kind: "open", account: big, isLong: true, quote: 100_000n * 10n ** 18n, margin: 10_500n * 10n ** 18n, baseLimit: 0n });
    await run({ kind: "setOracle", account: liq1.address, answer: toOracleAnswer(95) });
    for (let i = 0; i < 12; i++) await run({ kind: "open", account: others[i % others.length], isLong: false, quote: 10_000n * 10n ** 18n, margin: 3_000n * 10n ** 18n, baseLimit: 0n });
    const sizeBefore = ls.core.getPosition(big)!.size;
    const first = await run({ kind: "liquidate", account: liq1.address, trader: big, base: 0n });
    expect(first.chain.ok, JSON.stringify(first.chain)).to.equal(true);
    expect(ls.core.getPosition(big)!.size, "cut to the band").to.be.within(1e-9, sizeBefore * 0.999);
    const second = await run({ kind: "liquidate", account: liq1.address, trader: big, base: 0n });
    expect(outcome(second)).to.deep.equal(["CH_LiquidationBeyondBand", "CH_LiquidationBeyondBand"]);
    expect(compareViews(await readChainState(deployed, accounts), simState(ls.core, accounts))).to.deep.equal([]);
  });

  it(`agrees on ≥ ${MIN_TRADES} trades, funding, repegs, k updates and liquidations within ${PARITY_TOLERANCE.rel} relative`, async () => {
    // 10-minute hook windows: the rolling move cap (20 bps over two windows) leaves room for ≥ 20 hooks
    // in the sequence's ~19 simulated hours, while runs of hooks still overrun it.
    const { admin, liq1, liq2, traders, deployed, ls, accounts } = await setup({ sqrtK: 100_000, budget: 50_000, params: { hookWindowSeconds: 600 } });
    const problems: string[] = [];
    const tally: Tally = { trades: 0, badOracleRounds: 0, repegTowards: 0, funding: 0, repegs: 0, kUpdates: 0, liquidations: 0, reverts: 0, hookCosts: [], revertNames: {} };
    const note = (r: StepResult, what: string, ms: Mismatch[]): void => {
      for (const m of ms.slice(0, 4)) problems.push(`#${r.index} ${describeOp(r.op)} ${what} ${m.what}: chain ${m.chain} sim ${m.sim}`);
    };
    const run = async (op: Op): Promise<StepResult> => {
      const r = await ls.apply(op);
      if (r.chain.ok !== r.sim.ok || (!r.chain.ok && !r.sim.ok && r.chain.error !== r.sim.error)) {
        const c = r.chain.ok ? "ok" : `${r.chain.error}(${r.chain.detail})`;
        const s = r.sim.ok ? "ok" : `${r.sim.error}(${r.sim.detail})`;
        problems.push(`#${r.index} ${describeOp(op)} outcome: chain ${c} sim ${s}`);
      } else if (r.chain.ok && r.sim.ok) {
        note(r, "value", compareValues(r.chain.values, r.sim.values));
      }
      if (!r.chain.ok) {
        tally.reverts++;
        const key = `${op.kind}:${r.chain.error}`;
        tally.revertNames[key] = (tally.revertNames[key] ?? 0) + 1;
      }
      else if (op.kind === "open" || op.kind === "close") tally.trades++;
      else if (op.kind === "settleFunding") tally.funding++;
      else if (op.kind === "setRound") tally.badOracleRounds++;
      else if (op.kind === "liquidate") tally.liquidations++;
      else if (op.kind === "repeg" || op.kind === "repegToward" || op.kind === "updateK") {
        if (op.kind !== "updateK") tally.repegs++;
        if (op.kind === "repegToward") tally.repegTowards++;
        else tally.kUpdates++;
        tally.hookCosts.push(r.chain.values.cost);
      }
      return r;
    };

    // Deposits are ops too, so the simulator's ledger starts equal.
    for (const a of accounts) await run({ kind: "deposit", account: a, amount6: 200_000n * 10n ** 6n });
    const seq = new ParitySequence(SEED, ls.core, { traders: traders.map((t) => t.address), liquidators: [liq1.address, liq2.address], keeper: admin.address });
    let ops = 0;
    while (tally.trades < MIN_TRADES && problems.length < 20) {
      for (const op of seq.next()) await run(op);
      ops++;
      const chainNow = await readChainState(deployed, ops % FULL_CHECK_EVERY === 0 ? accounts : []);
      const simNow = simState(ls.core, ops % FULL_CHECK_EVERY === 0 ? accounts : []);
      for (const m of compareViews(chainNow, simNow).slice(0, 4)) problems.push(`after #${ops} state ${m.what}: chain ${m.chain} sim ${m.sim}`);
    }
    // Wind down: everyone closes and withdraws what is free; the books must still agree.
    for (const a of accounts) if (ls.core.getPosition(a)) await run({ kind: "close", account: a, base: 0n, quoteLimit: 0n });
    for (const m of compareViews(await readChainState(deployed, accounts), simState(ls.core, accounts))) problems.push(`final state ${m.what}: chain ${m.chain} sim ${m.sim}`);

    console.log(`      parity: ${ops} steps, ${JSON.stringify({ ...tally, hookCosts: tally.hookCosts.length })}`);
    expect(problems, problems.slice(0, 20).join("\n")).to.deep.equal([]);
    expect(tally.trades).to.be.at.least(MIN_TRADES);
    expect(tally.funding, "funding settlements").to.be.at.least(5);
    expect(tally.repegs, "repegs").to.be.at.least(20);
    expect(tally.kUpdates, "k updates").to.be.at.least(20);
    expect(tally.liquidations, "liquidations").to.be.at.least(3);
    expect(tally.reverts, "reverts compared").to.be.at.least(30);
    // Issue 13: each new rule is exercised and its refusal compared.
    expect(tally.badOracleRounds, "bad oracle rounds").to.be.at.least(5);
    expect(tally.repegTowards, "repegToward calls that went through").to.be.at.least(3);
    const count = (re: RegExp) => Object.entries(tally.revertNames).reduce((a, [k, n]) => (re.test(k) ? a + n : a), 0);
    for (const [what, re] of [
      ["opens refused by a bad oracle round, each kind", /^open:Oracle_StaleAnswer$/],
      ["", /^open:Oracle_NonPositiveAnswer$/],
      ["", /^open:Oracle_IncompleteRound$/],
      ["margin removals refused by a bad oracle round", /^removeMargin:Oracle_/],
      ["opens refused by the volatility breaker", /^open:Vamm_VolatilityBreaker$/],
      ["k decreases refused by the rolling cap", /^updateK:Vamm_KDecreaseCapExceeded$/],
      ["hooks refused by the rolling move cap", /Vamm_HookMoveCapExceeded$/],
      ["repegToward short of its minimum", /^repegToward:Vamm_RepegBelowMinimum$/],
    ] as const) {
      expect(count(re), what || String(re)).to.be.at.least(1);
    }
    expect(tally.hookCosts.some((c) => c > 0) && tally.hookCosts.some((c) => c < 0), "hook costs of both signs").to.equal(true);
  });
});
