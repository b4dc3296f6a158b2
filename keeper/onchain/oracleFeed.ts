/**
 * Keeps a local chain alive for a keeper after the traders stop: once per real second the chain
 * moves `stepSec` simulated seconds (evm_increaseTime) and the mock oracle publishes the next
 * price of a driftless GBM (one `setAnswer`, which also mines the block). Without it a plain
 * `npx hardhat node` mines only when a transaction arrives: the keeper's cooldown (in blocks)
 * never passes and the oracle goes stale a minute later.
 */
import { SimRng } from "../sim/rng";
import type { RpcSender } from "./lockstep";
import { toOracleAnswer } from "./wad";

export interface OracleFeedOptions {
  readonly rpc: RpcSender;
  readonly aggregator: { setAnswer(answer: bigint): Promise<{ wait(): Promise<unknown> }> };
  readonly startPrice: number;
  readonly volPerSqrtDay: number;
  /** Simulated seconds per update. */
  readonly stepSec: number;
  /** Real seconds to run (Infinity = until aborted). */
  readonly seconds: number;
  readonly seed: number;
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
  readonly onUpdate?: (n: number, price: number) => void;
  /** Awaited after each update, before the next (e.g. an arbitrageur's trade in the new block). */
  readonly afterUpdate?: (n: number, price: number) => Promise<void>;
}

/** Runs the feed; resolves with the number of updates published when time is up or the signal aborts. */
export async function feedOracle(o: OracleFeedOptions): Promise<number> {
  const rng = new SimRng(o.seed * 104_729 + 7);
  const h = o.stepSec / 86_400;
  const intervalMs = o.intervalMs ?? 1_000;
  const end = Date.now() + o.seconds * 1_000;
  let price = o.startPrice;
  let n = 0;
  while (!o.signal?.aborted && Date.now() < end) {
    const next = Date.now() + intervalMs;
    price *= Math.exp(-0.5 * o.volPerSqrtDay * o.volPerSqrtDay * h + o.volPerSqrtDay * Math.sqrt(h) * rng.normal());
    await o.rpc.send("evm_increaseTime", [Math.max(0, Math.round(o.stepSec) - 1)]);
    await (await o.aggregator.setAnswer(toOracleAnswer(price))).wait();
    o.onUpdate?.(++n, price);
    await o.afterUpdate?.(n, price);
    await sleep(Math.max(0, next - Date.now()), o.signal);
  }
  return n;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    // The abort listener is removed when the timer fires: one listener per update would pile up.
    const onAbort = (): void => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
