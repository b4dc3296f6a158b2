/**
 * What an adversary on a real network sees before a block is sealed: the pending transactions
 * (`eth_getBlockByNumber("pending", true)`, Hardhat with automine off or any node with a public
 * mempool), and transactions ordered into that block by their priority fee (Hardhat's default
 * `priority` mempool order, as a builder would).
 */
import type { Interface } from "ethers";
import type { RpcSender } from "../lockstep";

export interface PendingCall {
  readonly hash: string;
  readonly from: string;
  readonly to: string;
  readonly name: string;
  readonly args: readonly unknown[];
  /** Priority fee per gas of the pending transaction (wei). */
  readonly priorityFee: bigint;
}

interface RpcTx {
  hash: string;
  from: string;
  to: string | null;
  input: string;
  maxPriorityFeePerGas?: string;
  gasPrice?: string;
}

/** Pending calls to `to` that `iface` decodes (e.g. the keeper's repeg to the market). */
export async function pendingCalls(rpc: RpcSender, to: string, iface: Interface): Promise<PendingCall[]> {
  const block = (await rpc.send("eth_getBlockByNumber", ["pending", true])) as { transactions: RpcTx[] } | null;
  const out: PendingCall[] = [];
  for (const tx of block?.transactions ?? []) {
    if (!tx.to || tx.to.toLowerCase() !== to.toLowerCase()) continue;
    const parsed = iface.parseTransaction({ data: tx.input });
    if (!parsed) continue;
    out.push({ hash: tx.hash, from: tx.from, to: tx.to, name: parsed.name, args: [...parsed.args], priorityFee: BigInt(tx.maxPriorityFeePerGas ?? tx.gasPrice ?? "0") });
  }
  return out;
}

/** Fee fields that place a transaction before (`+1`) or after (`−1`) one paying `priorityFee` in the same block. */
export function feeAround(priorityFee: bigint, side: "before" | "after"): { maxPriorityFeePerGas: bigint; maxFeePerGas: bigint; gasLimit: bigint } {
  const fee = side === "before" ? priorityFee + 1_000_000_000n : priorityFee > 1n ? priorityFee / 2n : 0n;
  // Gas limit given, not estimated: an estimate would run against a pending block the adversary is still filling.
  return { maxPriorityFeePerGas: fee, maxFeePerGas: fee + 10n ** 9n, gasLimit: 2_000_000n };
}
