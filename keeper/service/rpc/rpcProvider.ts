import { FetchRequest, JsonRpcProvider, makeError, type JsonRpcError, type JsonRpcPayload, type JsonRpcResult } from "ethers";

export interface RpcProviderOptions {
  /** Per-HTTP-request timeout (ethers' default is 5 minutes, far longer than a tick). */
  readonly requestTimeoutMs?: number;
  /** Extra attempts for a read whose transport failed (connection refused / reset, timeout, 5xx). */
  readonly readRetries?: number;
  /** Delay before the n-th retry: retryDelayMs · n. */
  readonly retryDelayMs?: number;
  /** Block polling (receipt waits); ethers' default of 4 s is slow for fast local chains. */
  readonly pollingIntervalMs?: number;
}

/** Methods whose repetition is not harmless to reason about: never retried at the transport layer. */
const NO_RETRY = new Set(["eth_sendRawTransaction", "eth_sendTransaction"]);
/** Largest JSON-RPC batch sent in one HTTP request (ethers' default batchMaxCount). */
const MAX_BATCH = 100;

interface Queued {
  readonly payload: JsonRpcPayload;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/**
 * The keeper's JSON-RPC provider: ethers' JsonRpcProvider with a bounded request timeout and a
 * short transport-level retry for read-only batches, so one dropped connection does not cost a
 * whole tick. Only transport failures are retried (the request threw: no JSON-RPC answer arrived);
 * a JSON-RPC error answer, e.g. a revert, is returned as is. Broadcasts are never retried here: a
 * lost answer to eth_sendRawTransaction is settled by the journal's reconciler, not by resending.
 *
 * Latency: the chain id is detected once (staticNetwork) and checked against the config at
 * start-up, instead of an eth_chainId before every call; and requests issued in the same turn of
 * the event loop go out as one batch at setImmediate, instead of ethers' setTimeout batching
 * (10 ms stall by default, ≥ 1 ms even at 0) that every sequential round of a tick paid.
 */
export class KeeperRpcProvider extends JsonRpcProvider {
  private readonly readRetries: number;
  private readonly retryDelayMs: number;
  private queue: Queued[] = [];
  private nextRpcId = 1;

  /** `url` or a prepared request (a bench wraps its getUrlFunc to time the wire). */
  constructor(url: string | FetchRequest, opts: RpcProviderOptions = {}) {
    const req = typeof url === "string" ? new FetchRequest(url) : url;
    req.timeout = opts.requestTimeoutMs ?? 15_000;
    // cacheTimeout -1: every read goes to the node; a keeper must never decide on a cached block.
    super(req, undefined, { staticNetwork: true, pollingInterval: opts.pollingIntervalMs ?? 1_000, cacheTimeout: -1 });
    this.readRetries = opts.readRetries ?? 3;
    this.retryDelayMs = opts.retryDelayMs ?? 50;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override async send(method: string, params: Array<any> | Record<string, any>): Promise<any> {
    await this._start();
    if (this.destroyed) throw makeError("provider destroyed; cancelled request", "UNSUPPORTED_OPERATION", { operation: method });
    return new Promise((resolve, reject) => {
      this.queue.push({ payload: { method, params, id: this.nextRpcId++, jsonrpc: "2.0" }, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.drain());
    });
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const calls = Array.isArray(payload) ? payload : [payload];
    const retries = calls.some((c) => NO_RETRY.has(c.method)) ? 0 : this.readRetries;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.transport(payload);
      } catch (e) {
        if (attempt >= retries || this.destroyed) throw e;
        await new Promise((r) => setTimeout(r, this.retryDelayMs * (attempt + 1)));
      }
    }
  }

  /** One request (or batch) on the wire: HTTP POST. */
  protected async transport(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    return (await super._send(payload)) as JsonRpcResult[];
  }

  private drain(): void {
    const all = this.queue;
    this.queue = [];
    for (let i = 0; i < all.length; i += MAX_BATCH) void this.sendBatch(all.slice(i, i + MAX_BATCH));
  }

  private async sendBatch(batch: readonly Queued[]): Promise<void> {
    let results: JsonRpcResult[];
    try {
      results = await this._send(batch.length === 1 ? batch[0].payload : batch.map((b) => b.payload));
    } catch (e) {
      for (const b of batch) b.reject(e);
      return;
    }
    for (const b of batch) {
      if (this.destroyed) {
        b.reject(makeError("provider destroyed; cancelled request", "UNSUPPORTED_OPERATION", { operation: b.payload.method }));
        continue;
      }
      const r = results.find((x) => x.id === b.payload.id);
      if (!r) b.reject(makeError("missing response for request", "BAD_DATA", { value: results, info: { payload: b.payload } }));
      else if ("error" in r) b.reject(this.getRpcError(b.payload, r as unknown as JsonRpcError));
      else b.resolve(r.result);
    }
  }
}
