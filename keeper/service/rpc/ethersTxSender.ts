import { type AbstractProvider, Interface, JsonRpcApiProvider, type Log, Transaction, type TransactionReceipt, type Wallet, getNumber, keccak256 } from "ethers";
import type { ChainReader, FeeQuote, ReceiptInfo, TxRequest, TxSender } from "./types";

/** Extracts the realised hook cost from a receipt's logs (PegUpdated / KUpdated `cost`). */
export type HookCostParser = (logs: readonly Log[]) => bigint | undefined;

export function hookCostParser(marketAbi: Interface): HookCostParser {
  return (logs) => {
    for (const log of logs) {
      let parsed;
      try {
        parsed = marketAbi.parseLog(log);
      } catch {
        continue;
      }
      if (parsed && (parsed.name === "PegUpdated" || parsed.name === "KUpdated")) return parsed.args.getValue("cost") as bigint;
    }
    return undefined;
  };
}

/** Receipts, nonces and fees over an ethers provider (used alone in a key-less dry run). */
export class EthersChainReader implements ChainReader {
  constructor(readonly provider: AbstractProvider, private readonly parseCost: HookCostParser = () => undefined) {}

  async getReceipt(txHash: string): Promise<ReceiptInfo | null> {
    const r = await this.provider.getTransactionReceipt(txHash);
    return r ? this.toInfo(r) : null;
  }

  async isKnown(txHash: string): Promise<boolean> {
    return (await this.provider.getTransaction(txHash)) !== null;
  }

  getMinedNonce(address: string): Promise<number> {
    return this.provider.getTransactionCount(address, "latest");
  }

  /**
   * ethers' getFeeData heuristic (maxFee = 2·baseFee + priority; priority from
   * eth_maxPriorityFeePerGas, 1 gwei when the node has none; gasPrice when the block has no base
   * fee). Given the snapshot's block the quote skips the block read, and the node's fee answer is
   * cached per block: one request per block, shared by every market.
   */
  async feeQuote(at?: { readonly blockNumber: number; readonly baseFeePerGas?: bigint }): Promise<FeeQuote> {
    let blockNumber = at?.blockNumber;
    let baseFeePerGas = at?.baseFeePerGas;
    if (blockNumber === undefined || baseFeePerGas === undefined) {
      const block = await this.provider.getBlock("latest");
      if (!block) throw new Error("latest block unavailable");
      blockNumber = block.number;
      baseFeePerGas = block.baseFeePerGas ?? 0n;
    }
    if (baseFeePerGas > 0n) {
      const maxPriorityFeePerGas = (await this.perBlock("eth_maxPriorityFeePerGas", blockNumber)) ?? 1_000_000_000n;
      return { baseFeePerGas, maxFeePerGas: baseFeePerGas * 2n + maxPriorityFeePerGas, maxPriorityFeePerGas };
    }
    return { baseFeePerGas, maxFeePerGas: (await this.perBlock("eth_gasPrice", blockNumber)) ?? 0n, maxPriorityFeePerGas: 0n };
  }

  private readonly feeCache = new Map<string, { readonly block: number; readonly value: Promise<bigint | null> }>();

  /** A fee answer of the node, cached per block (the promise, so concurrent markets share one request). */
  private perBlock(method: string, blockNumber: number): Promise<bigint | null> {
    const hit = this.feeCache.get(method);
    if (hit?.block === blockNumber) return hit.value;
    const value = this.optionalQuantity(method);
    this.feeCache.set(method, { block: blockNumber, value });
    return value;
  }

  /** A quantity the node may not support (null then, as ethers' getFeeData treats it). */
  private async optionalQuantity(method: string): Promise<bigint | null> {
    const send = (this.provider as unknown as { send?: (m: string, p: unknown[]) => Promise<unknown> }).send;
    if (typeof send !== "function") return method === "eth_gasPrice" ? (await this.provider.getFeeData()).gasPrice : (await this.provider.getFeeData()).maxPriorityFeePerGas;
    try {
      return BigInt((await send.call(this.provider, method, [])) as string);
    } catch {
      return null;
    }
  }

  protected toInfo(r: TransactionReceipt): ReceiptInfo {
    return {
      status: r.status === 1 ? 1 : 0,
      gasUsed: r.gasUsed,
      effectiveGasPrice: r.gasPrice,
      blockNumber: r.blockNumber,
      hookCost: r.status === 1 ? this.parseCost(r.logs) : undefined,
    };
  }
}

/**
 * Signs locally and broadcasts raw transactions, so the hash is known (and journaled) before the
 * node sees the transaction. One instance per key; `send` is serialised so jobs of different
 * markets never pick the same nonce.
 */
export class EthersTxSender extends EthersChainReader implements TxSender {
  readonly address: string;
  private queue: Promise<unknown> = Promise.resolve();
  private chainId?: bigint;

  constructor(provider: AbstractProvider, private readonly wallet: Wallet, parseCost?: HookCostParser) {
    super(provider, parseCost);
    this.address = wallet.address;
  }

  send(req: TxRequest, onSigned: (txHash: string, nonce: number) => void | Promise<void>): Promise<{ hash: string; nonce: number }> {
    const run = this.queue.then(() => this.signAndBroadcast(req, onSigned));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Polls for the receipt (50 ms doubling to 1 s) until `timeoutMs`. A failed poll is not fatal:
   * the node may answer the next one. ethers' waitForTransaction is not used because it logs
   * polling errors to stdout (breaking the JSON log) and waits a whole block interval after one.
   */
  async waitForReceipt(txHash: string, timeoutMs: number): Promise<ReceiptInfo | null> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
      try {
        const r = await this.provider.getTransactionReceipt(txHash);
        if (r) return this.toInfo(r);
      } catch {
        // transient: poll again; after the deadline the reconciler settles the row
      }
      const wait = Math.min(delay, deadline - Date.now());
      if (wait <= 0) return null;
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  private async signAndBroadcast(req: TxRequest, onSigned: (txHash: string, nonce: number) => void | Promise<void>): Promise<{ hash: string; nonce: number }> {
    this.chainId ??= (await this.provider.getNetwork()).chainId;
    const nonce = await this.nextNonce();
    // What Wallet.signTransaction does for a request with no `from` and a hex `to` (the same
    // bytes), without its request copying and async address resolution (≈ 0.2 ms a send).
    const tx = Transaction.from({
      type: 2,
      chainId: this.chainId,
      nonce,
      to: req.to,
      data: req.data,
      gasLimit: req.gasLimit,
      maxFeePerGas: req.maxFeePerGas,
      maxPriorityFeePerGas: req.maxPriorityFeePerGas,
      value: 0n,
    });
    tx.signature = this.wallet.signingKey.sign(tx.unsignedHash);
    const signed = tx.serialized;
    const hash = keccak256(signed); // a signed transaction's hash is the hash of its serialisation
    // The journal write (and, with a shared journal, the lease fence) completes before the broadcast.
    await onSigned(hash, nonce);
    await this.broadcast(signed);
    return { hash, nonce };
  }

  /**
   * "pending" counts our own mempool transactions; a dropped one's nonce is reused, so the
   * dropped transaction and this one can never both land.
   */
  protected async nextNonce(): Promise<number> {
    // Over JSON-RPC, the request ethers would send, without its address resolution and formatting.
    if (!(this.provider instanceof JsonRpcApiProvider)) return this.provider.getTransactionCount(this.address, "pending");
    return getNumber((await this.provider.send("eth_getTransactionCount", [this.address.toLowerCase(), "pending"])) as string, "%response");
  }

  /** Hands the signed transaction to the node (overridden by the latency bench to stop its clock). */
  protected async broadcast(signed: string): Promise<void> {
    await this.provider.broadcastTransaction(signed);
  }
}
