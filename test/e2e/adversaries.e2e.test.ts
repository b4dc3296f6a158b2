/**
 * The simulator's adversaries as on-chain agents (keeper/onchain/adversaries/) against the contracts'
 * issue-13 rules with default parameters (fee 10 bps, peg move ≤ 20 bps per hook window, margin and
 * liquidation on the oracle): a sandwich bot that reads the keeper's pending repeg from the mempool
 * and trades before and after it in the same block (Hardhat automine off, ordered by priority fee),
 * and a liquidation hunter that pushes the curve within the block's fluctuation band and liquidates
 * in the same block. Both decide with the simulator's plans (keeper/sim/adversaries/plans.ts).
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { TransactionResponse } from "ethers";
import { dammFixture, NO_DEADLINE, WAD, type DammFixture } from "../helpers/deployFixture";
import { ChainSandwichAgent, type SandwichOrder } from "../../keeper/onchain/adversaries/sandwichAgent";
import { ChainHunterAgent } from "../../keeper/onchain/adversaries/hunterAgent";
import type { DammContracts } from "../../keeper/onchain/deploy";
import type { RpcSender } from "../../keeper/onchain/lockstep";
import { fromWad, toOracleAnswer } from "../../keeper/onchain/wad";

const fixture = dammFixture({ traderCount: 6 });
const rpc = network.provider as unknown as RpcSender;
const KEEPER_FEE = 2_000_000_000n;
/** Attacker's capital: its 100,000 deposit at 10× (the issue-13 attack used 900,000 of notional). */
const CAPITAL = { capital: 95_000, leverage: 10 };

function contractsOf(fx: DammFixture): DammContracts {
  return { usdc: fx.usdc, aggregator: fx.aggregator, clearingHouse: fx.clearingHouse, market: fx.market, addresses: fx.addresses } as unknown as DammContracts;
}

async function receipt(tx: TransactionResponse) {
  const r = await ethers.provider.getTransactionReceipt(tx.hash);
  if (!r) throw new Error(`no receipt for ${tx.hash}`);
  return r;
}

/** Runs `body` with automine off (the adversary fills the pending block), then seals that block. */
async function inOneBlock<T>(body: () => Promise<T>): Promise<T> {
  await network.provider.send("evm_setAutomine", [false]);
  try {
    const out = await body();
    await network.provider.send("evm_mine", []);
    return out;
  } finally {
    await network.provider.send("evm_setAutomine", [true]);
  }
}

/** A net long of 300,000 quote on the book and the oracle 3 % above the mark: a repeg up is due and costs the budget. */
async function repegDue(): Promise<DammFixture> {
  const fx = await fixture();
  await fx.clearingHouse.connect(fx.traders[3]).openPosition(fx.addresses.market, true, 300_000n * WAD, 40_000n * WAD, 0n, NO_DEADLINE);
  const mark = fromWad(await fx.market.markPrice());
  await fx.aggregator.setAnswer(toOracleAnswer(mark * 1.03));
  return fx;
}

interface SandwichFigures {
  readonly gain: number;
  readonly hookCost: number;
  readonly order: { readonly front: number; readonly hook: number; readonly back: number; readonly sameBlock: boolean };
}

/** The keeper's repeg by the per-call maximum, sandwiched with `order` (or alone when null). */
async function sandwichRound(fx: DammFixture, order: SandwichOrder | null, withHook = true): Promise<SandwichFigures & { planned: SandwichOrder | null }> {
  const bot = new ChainSandwichAgent(contractsOf(fx), fx.traders[0], rpc, CAPITAL);
  const s = await fx.market.marketState();
  const newPeg = (s.peg * (10_000n + s.params.maxPegChangeBps)) / 10_000n;
  const budget0 = fromWad((await fx.market.marketState()).budget);
  return inOneBlock(async () => {
    const hookTx = withHook ? await fx.market.connect(fx.keeper).repeg(newPeg, { maxPriorityFeePerGas: KEEPER_FEE, maxFeePerGas: KEEPER_FEE + 10n ** 9n, gasLimit: 2_000_000n }) : null;
    const pending = withHook ? await bot.pendingRepeg() : { call: { hash: "", from: "", to: "", name: "repeg", args: [newPeg], priorityFee: KEEPER_FEE }, newPeg: fromWad(newPeg) };
    expect(pending, "the bot sees the keeper's repeg in the mempool").to.not.equal(null);
    expect(pending!.newPeg).to.equal(fromWad(newPeg));
    const planned = await bot.plan(pending!);
    const txs = order ? await bot.sandwich(pending!, order) : null;
    return { planned, hookTx, txs };
  }).then(async ({ planned, hookTx, txs }) => {
    const hr = hookTx ? await receipt(hookTx) : null;
    const fr = txs ? await receipt(txs.front) : null;
    const br = txs ? await receipt(txs.back) : null;
    const budget1 = fromWad((await fx.market.marketState()).budget);
    return {
      planned,
      gain: txs ? await bot.gain() : 0,
      hookCost: budget0 - budget1,
      order: {
        front: fr?.index ?? -1,
        hook: hr?.index ?? -1,
        back: br?.index ?? -1,
        sameBlock: !!fr && !!br && fr.blockNumber === br.blockNumber && (!hr || hr.blockNumber === fr.blockNumber) && fr.status === 1 && br.status === 1 && (!hr || hr.status === 1),
      },
    };
  });
}

describe("e2e: adversary agents on-chain against the issue-13 rules (default parameters)", function () {
  this.timeout(300_000);

  describe("sandwich bot around the keeper's repeg (net long 300,000, oracle 3 % above the mark)", function () {
    it("decides with the simulator's plan to stay out: a 20 bps move does not pay two 10 bps fees", async function () {
      const fx = await loadFixture(repegDue);
      const r = await sandwichRound(fx, null);
      expect(r.planned).to.equal(null);
      expect(r.hookCost, "the keeper's repeg went through and cost the budget").to.be.greaterThan(0);
    });

    it("forced to trade anyway (900,000 long, as in issue 13 attack 1): front, hook, back in one block; the bot nets ≤ 0", async function () {
      const fx = await loadFixture(repegDue);
      const r = await sandwichRound(fx, { isLong: true, quote: 900_000 });
      expect(r.order.sameBlock, JSON.stringify(r.order)).to.equal(true);
      expect(r.order.front).to.be.lessThan(r.order.hook);
      expect(r.order.hook).to.be.lessThan(r.order.back);
      const alone = await sandwichRound(await loadFixture(repegDue), { isLong: true, quote: 900_000 }, false);
      expect(alone.order.sameBlock).to.equal(true);
      // Gain attributable to the hook: the same round trip with the hook minus without it.
      const attributable = r.gain - alone.gain;
      console.log(`      sandwich 900,000 long: net ${r.gain.toFixed(2)} (without the hook ${alone.gain.toFixed(2)}; attributable to the hook ${attributable.toFixed(2)} gross, fees ${(-alone.gain).toFixed(2)}); hook cost to the budget ${r.hookCost.toFixed(2)}`);
      expect(r.gain).to.be.at.most(0);
      expect(attributable).to.be.greaterThan(0); // the bot does take the repeg's transfer…
      expect(attributable).to.be.at.most(-alone.gain); // …but never more than its two fees
    });

    it("property: any size and side around the hook nets ≤ 0 after fees", async function () {
      const seen: string[] = [];
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1_000, max: 950_000 }), fc.boolean(), async (quote, isLong) => {
          const fx = await loadFixture(repegDue);
          const r = await sandwichRound(fx, { isLong, quote });
          if (!r.order.sameBlock) return true; // the market refused a leg (e.g. the hook would cross the oracle): nothing taken
          seen.push(`${isLong ? "long" : "short"} ${quote}: ${r.gain.toFixed(2)}`);
          return r.gain <= 0;
        }),
        { numRuns: 8, seed: 15 },
      );
      console.log(`      sandwiches tried (net gain): ${seen.join("; ")}`);
      expect(seen.length).to.be.greaterThan(0);
    });
  });

  describe("liquidation hunter (victim 10× long, healthy on the oracle, within one band of the curve's liquidation mark)", function () {
    /** Victim long 900,000 at 10.4 %; whales' shorts take the mark (and then the oracle) down ~2.7 %. */
    async function victimNearCurveLiquidation(): Promise<DammFixture> {
      const fx = await fixture();
      const { clearingHouse: ch, market, addresses } = fx;
      await ch.connect(fx.traders[2]).openPosition(addresses.market, true, 900_000n * WAD, 94_000n * WAD, 0n, NO_DEADLINE);
      await ch.connect(fx.traders[4]).openPosition(addresses.market, false, 900_000n * WAD, 95_000n * WAD, 0n, NO_DEADLINE);
      await ch.connect(fx.traders[5]).openPosition(addresses.market, false, 900_000n * WAD, 95_000n * WAD, 0n, NO_DEADLINE);
      await fx.aggregator.setAnswer(toOracleAnswer(fromWad(await market.markPrice())));
      return fx;
    }

    it("plans the push with the simulator's plan, but cannot liquidate: the liquidation reverts CH_NotLiquidatable and the hunter pays its fees", async function () {
      const fx = await loadFixture(victimNearCurveLiquidation);
      const { clearingHouse: ch, market, addresses } = fx;
      const victim = fx.traders[2].address;
      const mm = Number((await market.marketState()).params.mmBps) / 1e4;
      const ratio0 = fromWad(await ch.marginRatio(addresses.market, victim));
      expect(ratio0, "victim healthy on the oracle").to.be.greaterThan(mm);
      expect(ratio0).to.be.lessThan(0.09);
      const pos0 = await ch.positionOf(addresses.market, victim);
      const hunter = new ChainHunterAgent(contractsOf(fx), fx.traders[1], CAPITAL, fx.traders.map((t) => t.address));
      const plan = await hunter.plan();
      expect(plan, "the simulator's plan sees the victim in reach of one band on the curve").to.not.equal(null);
      expect(plan!.againstLongs).to.equal(true);
      const targets = await hunter.targets(plan!);
      expect(targets).to.include(victim);
      const sent = await inOneBlock(() => hunter.hunt(plan!, targets));
      const push = await receipt(sent.push);
      const close = await receipt(sent.close);
      expect(push.status).to.equal(1);
      expect(close.status).to.equal(1);
      expect(close.blockNumber).to.equal(push.blockNumber);
      for (const l of sent.liquidations) {
        const lr = await receipt(l.tx);
        expect(lr.blockNumber).to.equal(push.blockNumber);
        expect(lr.status, `liquidation of ${l.account} in the pushed block`).to.equal(0);
        const trace = (await rpc.send("debug_traceTransaction", [l.tx.hash])) as { returnValue: string };
        const err = ch.interface.parseError(trace.returnValue.startsWith("0x") ? trace.returnValue : `0x${trace.returnValue}`);
        expect(err?.name).to.equal("CH_NotLiquidatable");
        console.log(`      hunter pushed ${plan!.quote.toFixed(0)} short (plan's estimated profit ${plan!.profit.toFixed(2)}); liquidation of the victim refused: equity ${fromWad(err!.args[0] as bigint).toFixed(2)} ≥ maintenance ${fromWad(err!.args[1] as bigint).toFixed(2)}`);
      }
      const pos1 = await ch.positionOf(addresses.market, victim);
      expect([pos1.size, pos1.margin, pos1.openNotional]).to.deep.equal([pos0.size, pos0.margin, pos0.openNotional]);
      const take = await hunter.take();
      console.log(`      hunter's take: ${take.toFixed(2)}`);
      expect(take).to.be.lessThan(0);
    });
  });
});
