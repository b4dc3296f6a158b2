import { FetchRequest, JsonRpcProvider, type JsonRpcPayload, type JsonRpcResult } from "ethers";

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

/**
 * The keeper's JSON-RPC provider: ethers' JsonRpcProvider with a bounded request timeout and a
 * short transport-level retry for read-only batches, so one dropped connection does not cost a
 * whole tick. Only transport failures are retried (the request threw: no JSON-RPC answer arrived);
 * a JSON-RPC error answer, e.g. a revert, is returned as is. Broadcasts are never retried here: a
 * lost answer to eth_sendRawTransaction is settled by the journal's reconciler, not by resending.
 */
export class KeeperRpcProvider extends JsonRpcProvider {
  private readonly readRetries: number;
  private readonly retryDelayMs: number;

  constructor(url: string, opts: RpcProviderOptions = {}) {
    const req = new FetchRequest(url);
    req.timeout = opts.requestTimeoutMs ?? 15_000;
    // cacheTimeout -1: every read goes to the node; a keeper must never decide on a cached block.
    super(req, undefined, { staticNetwork: false, pollingInterval: opts.pollingIntervalMs ?? 1_000, cacheTimeout: -1 });
    this.readRetries = opts.readRetries ?? 3;
    this.retryDelayMs = opts.retryDelayMs ?? 50;
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const calls = Array.isArray(payload) ? payload : [payload];
    const retries = calls.some((c) => NO_RETRY.has(c.method)) ? 0 : this.readRetries;
    for (let attempt = 0; ; attempt++) {
      try {
        return (await super._send(payload)) as JsonRpcResult[];
      } catch (e) {
        if (attempt >= retries || this.destroyed) throw e;
        await new Promise((r) => setTimeout(r, this.retryDelayMs * (attempt + 1)));
      }
    }
  }
}
