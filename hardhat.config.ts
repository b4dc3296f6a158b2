import path from "node:path";
import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";

/** The exact compiler the npm `solc` package ships; no compiler is downloaded (offline build). */
export const SOLC_VERSION = "0.8.28";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solcPkg = require("solc/package.json") as { version: string };
  if (solcPkg.version !== SOLC_VERSION) {
    throw new Error(`npm package solc is ${solcPkg.version}, hardhat.config.ts pins ${SOLC_VERSION}: run npm ci`);
  }
  const compilerPath = path.join(path.dirname(require.resolve("solc/package.json")), "soljson.js");
  return { compilerPath, isSolcJs: true, version: SOLC_VERSION, longVersion: `${SOLC_VERSION}+solcjs` };
});

/**
 * A remote network from the environment only (README "Public testnet"): DAMM_RPC_URL and
 * DAMM_DEPLOYER_KEY, never in a file. Without them the network still loads (so local commands
 * work), and scripts/deploy.ts refuses it with a message naming the missing variable.
 */
function remoteNetwork(chainId?: number) {
  const key = process.env.DAMM_DEPLOYER_KEY;
  return { url: process.env.DAMM_RPC_URL ?? "http://127.0.0.1:1", accounts: key ? [key.startsWith("0x") ? key : `0x${key}`] : [], ...(chainId ? { chainId } : {}) };
}

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: { optimizer: { enabled: true, runs: 10_000 }, viaIR: true, evmVersion: "cancun" },
  },
  networks: {
    hardhat: { initialBaseFeePerGas: 0, accounts: { count: 40 } },
    localhost: { url: process.env.RPC_URL ?? "http://127.0.0.1:8545" },
    sepolia: remoteNetwork(11_155_111),
    /** Any other chain: its id is whatever DAMM_RPC_URL reports. */
    remote: remoteNetwork(),
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  gasReporter: { enabled: process.env.REPORT_GAS === "1", offline: true },
  mocha: { timeout: 600_000 },
};

export default config;
