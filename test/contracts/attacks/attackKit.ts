/**
 * Tools shared by the attack regressions (issue 13): several transactions in one block in a chosen
 * order (the way a searcher's bundle lands), the figures an attacker cares about, read from the
 * contracts' state and events, and an optional print of those figures (`ATTACKS_VERBOSE=1`).
 */
import { network, ethers } from "hardhat";
import type { ContractTransactionResponse, TransactionReceipt } from "ethers";
import type { DammFixture } from "../../helpers/deployFixture";
import { WAD, deployVammMarket } from "../../helpers/deployFixture";
import { MockAggregator__factory, type MockAggregator, type VammMarket } from "../../../typechain-types";

/** One transaction of a bundle; `label` names it in failure messages. */
export interface BundleTx {
  readonly label: string;
  readonly send: (overrides: { gasLimit: bigint; gasPrice: bigint }) => Promise<ContractTransactionResponse>;
}

export interface BundleResult {
  readonly label: string;
  readonly receipt: TransactionReceipt;
  readonly ok: boolean;
}

const BUNDLE_GAS = 3_000_000n;

/**
 * Sends `txs` with automine off, in strictly decreasing gas price (the node orders its mempool by
 * price, so this is the order they land in), mines one block and returns every receipt, reverted ones
 * included (`ok = false`). Asserts all landed in that block, in that order.
 */
export async function inOneBlock(txs: readonly BundleTx[]): Promise<BundleResult[]> {
  await network.provider.send("evm_setAutomine", [false]);
  const sent: { label: string; hash: string }[] = [];
  try {
    for (let i = 0; i < txs.length; i++) {
      const tx = await txs[i].send({ gasLimit: BUNDLE_GAS, gasPrice: BigInt(1_000 - i) * 10n ** 9n });
      sent.push({ label: txs[i].label, hash: tx.hash });
    }
    await network.provider.send("evm_mine", []);
  } finally {
    await network.provider.send("evm_setAutomine", [true]);
  }
  const out: BundleResult[] = [];
  let block: number | null = null;
  let index = -1;
  for (const s of sent) {
    const receipt = await ethers.provider.getTransactionReceipt(s.hash);
    if (receipt === null) throw new Error(`inOneBlock: ${s.label} was not mined`);
    if (block !== null && receipt.blockNumber !== block) throw new Error(`inOneBlock: ${s.label} landed in block ${receipt.blockNumber}, not ${block}`);
    if (receipt.index <= index) throw new Error(`inOneBlock: ${s.label} landed out of order`);
    block = receipt.blockNumber;
    index = receipt.index;
    out.push({ label: s.label, receipt, ok: receipt.status === 1 });
  }
  return out;
}

/** The custom error a failed bundle transaction reverted with, from the node's trace of it. */
export async function revertReason(fx: DammFixture, r: BundleResult): Promise<string> {
  if (r.ok) return "ok";
  const trace = (await network.provider.send("debug_traceTransaction", [
    r.receipt.hash,
    { disableStorage: true, disableMemory: true, disableStack: true },
  ])) as { returnValue?: string };
  const data = trace.returnValue ? `0x${trace.returnValue.replace(/^0x/, "")}` : "0x";
  return errorName(fx, { data });
}

/** The custom error's name (and args) from a thrown call, parsed against both contracts. */
export function errorName(fx: DammFixture, e: unknown): string {
  const err = e as { data?: string; error?: { data?: string }; message?: string };
  const data = err.data ?? err.error?.data;
  if (typeof data === "string" && data.length >= 10) {
    const parsed = fx.clearingHouse.interface.parseError(data) ?? fx.market.interface.parseError(data);
    if (parsed) return `${parsed.name}(${parsed.args.join(", ")})`;
  }
  return `unparsed: ${err.message ?? String(e)}`;
}

/** Fees a trader paid in `receipts` (PositionChanged.fee, WAD). */
export function feesPaidBy(fx: DammFixture, receipts: readonly TransactionReceipt[], trader: string): bigint {
  let fees = 0n;
  for (const rc of receipts) {
    for (const log of rc.logs) {
      if (log.address !== fx.addresses.clearingHouse) continue;
      const ev = fx.clearingHouse.interface.parseLog(log);
      if (ev?.name === "PositionChanged" && ev.args.trader === trader) fees += ev.args.fee as bigint;
    }
  }
  return fees;
}

/** The first event `name` emitted by `contract` in `receipts`, or null. */
export function findEvent(
  contract: DammFixture["market"] | DammFixture["clearingHouse"],
  receipts: readonly TransactionReceipt[],
  name: string,
): ReturnType<typeof contract.interface.parseLog> {
  const address = (contract as unknown as { target: string }).target;
  for (const rc of receipts) {
    for (const log of rc.logs) {
      if (log.address !== address) continue;
      const ev = contract.interface.parseLog(log);
      if (ev?.name === name) return ev;
    }
  }
  return null;
}

/** WAD → a quote figure with two decimals, for the verbose print. */
export const fmt = (wad: bigint): string => (Number(wad / 10n ** 14n) / 1e4).toFixed(2);
/** Margin ratio (WAD, 1e18 = 100 %) → percent with two decimals. */
export const pct = (ratioWad: bigint): string => `${(Number((ratioWad * 10_000n) / WAD) / 100).toFixed(2)} %`;

/** Prints an attack's figures when ATTACKS_VERBOSE is set (the assertions never depend on it). */
export function show(label: string, figures: Record<string, string | number | bigint>): void {
  if (!process.env.ATTACKS_VERBOSE) return;
  const parts = Object.entries(figures).map(([k, v]) => `${k} ${typeof v === "bigint" ? fmt(v) : v}`);
  console.log(`      [${label}] ${parts.join(", ")}`);
}

/** Oracle answer (8 decimals) for a WAD price. */
export const answerOf = (priceWad: bigint): bigint => priceWad / 10n ** 10n;

/** A second, thin market on the fixture's clearing house (peg 100, no budget) with its own mock oracle at 100. */
export interface ThinMarket {
  readonly thin: VammMarket;
  readonly thinOracle: MockAggregator;
  readonly thinAddr: string;
}

export async function addThinMarket(fx: DammFixture, o: { sqrtK: bigint; maxOpenInterest: bigint }): Promise<ThinMarket> {
  const { admin, clearingHouse: ch } = fx;
  const thinOracle = await new MockAggregator__factory(admin).deploy(8, 100n * 10n ** 8n);
  const thin = await deployVammMarket(admin, fx.addresses.marketLib, {
    clearingHouse: fx.addresses.clearingHouse,
    oracle: await thinOracle.getAddress(),
    admin: admin.address,
    sqrtK: o.sqrtK,
    peg: 100n * WAD,
    maxOpenInterest: o.maxOpenInterest,
  });
  const thinAddr = await thin.getAddress();
  await (await ch.connect(admin).addMarket(thinAddr)).wait();
  return { thin, thinOracle, thinAddr };
}
