/**
 * The chain side of `npm run bench:keeper`: where the node runs (a child process over HTTP, or the
 * keeper's own thread), the keeper's provider wired to it with every JSON-RPC exchange timed, and
 * the oracle driver that moves the market between decisions outside the clock.
 */
import fs from "node:fs";
import hre from "hardhat";
import { FetchRequest, type JsonRpcPayload, type JsonRpcResult } from "ethers";
import { type BenchMarket, deployBench } from "./benchDeployment";
import { KeeperRpcProvider } from "../../keeper/service/rpc/rpcProvider";
import { MockAggregator__factory, VammMarket__factory } from "../../typechain-types";
import { startChainProcess } from "./chainProcess";

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;

/**
 * The keeper's main thread's run-queue wait so far (ns; Linux schedstat field 2, NaN elsewhere):
 * time it was runnable while the machine's other load had the CPUs.
 */
export function runQueueWaitNs(): number {
  try {
    return Number(fs.readFileSync(SCHEDSTAT, "latin1").split(" ")[1]);
  } catch {
    return NaN;
  }
}

/**
 * CPU time of this process so far (µs, all its threads): precise (getrusage brings the running
 * thread up to date) and, unlike wall time, it excludes time the CPUs or the VM's vCPUs (steal)
 * were taken away.
 */
export function processCpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

interface Eip1193 {
  request(args: { method: string; params?: unknown[] | Record<string, unknown> }): Promise<unknown>;
}

/**
 * Times the chain: every JSON-RPC exchange from send to response, overlapping ones counted once.
 * Over HTTP an exchange is the request on the wire (ethers' getUrl: write → body received); the
 * JSON encoding and decoding around it stay on the keeper's side of the clock.
 */
export class ChainClock {
  calls = 0;
  readonly byMethod = new Map<string, number>();
  private inFlight = 0;
  private since = 0;
  private busy = 0;
  private waitSince = 0;
  private cpuSince = 0;
  /** The main thread's run-queue wait (ns) inside chain-busy time (already excluded with it). */
  busyWaitNs = 0;
  /** The keeper process's CPU time (µs) inside chain-busy time: HTTP and JSON handling of the exchange. */
  busyCpuUs = 0;

  /** Chain-busy milliseconds so far, including an exchange still outstanding. */
  busyMs(now = performance.now()): number {
    return this.busy + (this.inFlight > 0 ? now - this.since : 0);
  }

  count(methods: readonly string[]): void {
    for (const m of methods) {
      this.calls += 1;
      this.byMethod.set(m, (this.byMethod.get(m) ?? 0) + 1);
    }
  }

  async time<T>(exchange: () => Promise<T>): Promise<T> {
    if (this.inFlight++ === 0) {
      this.since = performance.now();
      this.waitSince = runQueueWaitNs();
      this.cpuSince = processCpuUs();
    }
    try {
      return await exchange();
    } finally {
      if (--this.inFlight === 0) {
        this.busyWaitNs += runQueueWaitNs() - this.waitSince;
        this.busyCpuUs += processCpuUs() - this.cpuSince;
        this.busy += performance.now() - this.since;
      }
    }
  }
}

const methodsOf = (payload: JsonRpcPayload | JsonRpcPayload[]): string[] => (Array.isArray(payload) ? payload : [payload]).map((p) => p.method);

/**
 * The keeper's production provider (KeeperRpcProvider: batching, retries, static network) over
 * HTTP to the chain process, the wire exchange timed by the clock.
 */
function httpProvider(url: string, clock: ChainClock): KeeperRpcProvider {
  const req = new FetchRequest(url);
  const wire = FetchRequest.createGetUrlFunc();
  req.getUrlFunc = (r, signal) => clock.time(() => wire(r, signal));
  return new (class extends KeeperRpcProvider {
    protected override transport(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
      clock.count(methodsOf(payload));
      return super.transport(payload);
    }
  })(req);
}

/**
 * The same provider with its wire swapped for the in-process node (BENCH_CHAIN=inprocess): each
 * request of a batch goes to EIP-1193 `request`, timed there, errors shaped as a node's JSON-RPC
 * error answers (as ethers' BrowserProvider does).
 */
function inProcessProvider(node: Eip1193, clock: ChainClock): KeeperRpcProvider {
  return new (class extends KeeperRpcProvider {
    protected override transport(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
      clock.count(methodsOf(payload));
      const one = async (p: JsonRpcPayload): Promise<JsonRpcResult> => {
        try {
          return { id: p.id, result: await clock.time(() => node.request({ method: p.method, params: p.params as unknown[] })) };
        } catch (e) {
          const err = e as { code?: number; data?: unknown; message?: string };
          return { id: p.id, error: { code: err.code ?? -32603, data: err.data, message: err.message ?? String(e) } } as unknown as JsonRpcResult;
        }
      };
      return Promise.all((Array.isArray(payload) ? payload : [payload]).map(one));
    }
  })("http://in-process.invalid");
}

/** The chain under the bench: its keeper-side provider, the oracle / mark driver, and where it runs. */
export interface BenchChain {
  readonly provider: KeeperRpcProvider;
  readonly clearingHouse: string;
  readonly markets: readonly BenchMarket[];
  readonly driver: OracleDriver;
  readonly description: string;
  close(): Promise<void>;
}

const vammIface = VammMarket__factory.createInterface();
const oracleIface = MockAggregator__factory.createInterface();

/**
 * Moves the oracle between decisions with raw JSON-RPC on its own connection (not the keeper's
 * clock): eth_sendTransaction from the node's unlocked account #0 returns once automine has mined
 * it; ethers' signer would poll for the transaction and the receipt instead.
 */
export class OracleDriver {
  constructor(private readonly request: (method: string, params: unknown[]) => Promise<unknown>, private readonly admin: string) {}
  async markPrice(vamm: string): Promise<bigint> {
    const raw = (await this.request("eth_call", [{ to: vamm, data: vammIface.encodeFunctionData("markPrice") }, "latest"])) as string;
    return vammIface.decodeFunctionResult("markPrice", raw)[0] as bigint;
  }
  async setAnswer(oracle: string, answer: bigint): Promise<void> {
    await this.request("eth_sendTransaction", [{ from: this.admin, to: oracle, data: oracleIface.encodeFunctionData("setAnswer", [answer]) }]);
  }
}

export async function childChain(markets: readonly string[], clock: ChainClock): Promise<BenchChain> {
  const niceness = Number(process.env.BENCH_CHAIN_NICE ?? 10);
  if (!Number.isInteger(niceness) || niceness < 0 || niceness > 19) throw new Error(`BENCH_CHAIN_NICE=${process.env.BENCH_CHAIN_NICE}: expected an integer 0–19`);
  const node = await startChainProcess(markets, { niceness });
  const driverProvider = new KeeperRpcProvider(node.url);
  const [admin] = (await driverProvider.send("eth_accounts", [])) as string[];
  return {
    provider: httpProvider(node.url, clock),
    clearingHouse: node.clearingHouse,
    markets: node.markets,
    driver: new OracleDriver((method, params) => driverProvider.send(method, params), admin),
    description: `Hardhat network in a child process (pid ${node.pid}, nice ${node.niceness}, node flags [${node.execArgv.join(" ")}]) over HTTP JSON-RPC at ${node.url}, the wire exchange timed`,
    close: async () => {
      driverProvider.destroy();
      await node.close();
    },
  };
}

export async function inProcessChain(names: readonly string[], clock: ChainClock): Promise<BenchChain> {
  const { clearingHouse, markets } = await deployBench(names);
  const node = hre.network.provider as Eip1193;
  const [admin] = (await node.request({ method: "eth_accounts" })) as string[];
  return {
    provider: inProcessProvider(node, clock),
    clearingHouse,
    markets,
    driver: new OracleDriver((method, params) => node.request({ method, params }), admin),
    description: "in-process Hardhat network in the keeper's thread (EIP-1193), every request timed",
    close: async () => undefined,
  };
}

