/**
 * `--network <name>` as sugar for the RPC URL, mirroring hardhat.config.ts: `localhost` is the
 * node started by `npx hardhat node` (RPC_URL overrides, as in hardhat.config.ts). Other names
 * resolve only through the config file's own `rpcUrl` (and must match its `network`).
 */
export function rpcUrlForNetwork(network: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (network === "localhost") return env.RPC_URL ?? "http://127.0.0.1:8545";
  return undefined;
}
