/**
 * Starts the keeper bench's chain (chainNode.ts) in a child process, so the keeper under test has
 * its thread to itself as in production, where the node is remote. Robust by construction:
 *  - readiness is an IPC message, not a parsed stdout line; the child's output is inherited, never
 *    piped, so an undrained pipe cannot block it;
 *  - the wait is bounded (timeoutMs) and fails with the child's exit code / signal if it dies first;
 *  - the child is killed on close(), on the parent's exit and on SIGINT / SIGTERM, and exits by
 *    itself when the IPC channel closes (the parent was SIGKILLed).
 */
import { type ChildProcess, fork } from "node:child_process";
import os from "node:os";
import path from "node:path";
import type { BenchDeployment } from "./benchDeployment";

export interface ChainNodeReady extends BenchDeployment {
  readonly kind: "ready";
  readonly url: string;
  readonly execArgv: readonly string[];
}

export interface ChainProcess extends ChainNodeReady {
  readonly pid: number;
  /** The child's scheduling niceness (0 = as the parent). */
  readonly niceness: number;
  close(): Promise<void>;
}

/**
 * `niceness` lowers the child's CPU priority: the node stands in for a remote machine, and on a
 * 2-core box the blocks it mines while the keeper already works on the next market's tick would
 * otherwise take the keeper's core (run-queue wait inside the keeper's window, not keeper work).
 */
export async function startChainProcess(
  markets: readonly string[],
  opts: { timeoutMs?: number; nodeFlags?: readonly string[]; niceness?: number } = {},
): Promise<ChainProcess> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const niceness = opts.niceness ?? 0;
  const child = fork(path.join(__dirname, "chainNode.ts"), [], {
    cwd: path.resolve(__dirname, "../.."),
    execArgv: ["-r", "ts-node/register/transpile-only", ...(opts.nodeFlags ?? [])],
    env: { ...process.env, HARDHAT_NETWORK: "hardhat", BENCH_MARKETS: JSON.stringify(markets), NODE_OPTIONS: "" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  if (niceness !== 0 && child.pid !== undefined) os.setPriority(child.pid, niceness);
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    kill();
    process.exit(128 + (sig === "SIGINT" ? 2 : 15));
  };
  process.on("exit", kill);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const detach = (): void => {
    process.off("exit", kill);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };

  let ready: ChainNodeReady;
  try {
    ready = await waitReady(child, timeoutMs);
  } catch (e) {
    kill();
    detach();
    throw e;
  }
  return {
    ...ready,
    pid: child.pid ?? -1,
    niceness,
    close: async () => {
      detach();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function waitReady(child: ChildProcess, timeoutMs: number): Promise<ChainNodeReady> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`chain node (pid ${child.pid}) not ready within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: unknown): void => {
      if ((m as ChainNodeReady | undefined)?.kind === "ready") finish(undefined, m as ChainNodeReady);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      finish(new Error(`chain node (pid ${child.pid}) exited before it was ready (code ${code}, signal ${signal}); its stderr is above`));
    const onError = (e: Error): void => finish(new Error(`chain node could not be started: ${e.message}`));
    function finish(err?: Error, value?: ChainNodeReady): void {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      child.off("error", onError);
      if (err) reject(err);
      else resolve(value as ChainNodeReady);
    }
    child.on("message", onMessage);
    child.once("exit", onExit);
    child.once("error", onError);
  });
}
