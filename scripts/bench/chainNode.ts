/**
 * The chain of `npm run bench:keeper`, run in its own process (forked by chainProcess.ts): the
 * Hardhat network (automine, no interval mining) with the bench's deployment, served over HTTP
 * JSON-RPC on 127.0.0.1 like a remote node. Reports the URL and addresses to the parent over IPC,
 * then serves until the parent disconnects (it exits with it, even after a SIGKILL of the parent).
 * Nothing is printed per request, so no pipe can fill up and stall the node.
 */
import hre from "hardhat";
import { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";
import { deployBench } from "./benchDeployment";
import type { ChainNodeReady } from "./chainProcess";

async function main(): Promise<void> {
  if (!process.send) throw new Error("chainNode.ts runs as a forked child of the keeper bench (IPC channel required)");
  process.on("disconnect", () => process.exit(0));
  const names = JSON.parse(process.env.BENCH_MARKETS ?? "[]") as string[];
  const deployment = await deployBench(names);
  const server = new JsonRpcServer({ hostname: "127.0.0.1", port: 0, provider: hre.network.provider });
  const { port } = await server.listen();
  const ready: ChainNodeReady = {
    kind: "ready",
    url: `http://127.0.0.1:${port}`,
    ...deployment,
    execArgv: process.execArgv,
  };
  process.send(ready);
}

main().catch((e: unknown) => {
  process.stderr.write(`chain node failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
