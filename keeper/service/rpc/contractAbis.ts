import fs from "node:fs";
import path from "node:path";
import { Interface, type InterfaceAbi } from "ethers";

export interface ContractAbis {
  readonly market: Interface;
  /** Every compiled ABI under artifacts/contracts, for decoding any custom error a call can raise. */
  readonly all: readonly InterfaceAbi[];
}

export const REPO_ROOT = path.resolve(__dirname, "../../..");

/**
 * Loads the ABIs from Hardhat's artifacts (run `npx hardhat compile` first). Reading artifacts at
 * run time keeps the keeper free of a build step of its own and always in step with the contracts.
 */
export function loadContractAbis(artifactsDir = path.join(REPO_ROOT, "artifacts", "contracts")): ContractAbis {
  if (!fs.existsSync(artifactsDir)) throw new Error(`contract artifacts not found at ${artifactsDir}: run \`npx hardhat compile\``);
  const byName = new Map<string, InterfaceAbi>();
  for (const file of walk(artifactsDir)) {
    if (!file.endsWith(".json") || file.endsWith(".dbg.json")) continue;
    const art = JSON.parse(fs.readFileSync(file, "utf8")) as { contractName?: string; abi?: InterfaceAbi };
    if (art.contractName && Array.isArray(art.abi)) byName.set(art.contractName, art.abi);
  }
  const need = (name: string): Interface => {
    const abi = byName.get(name);
    if (!abi) throw new Error(`artifact for ${name} not found under ${artifactsDir}: run \`npx hardhat compile\``);
    return new Interface(abi);
  };
  return { market: need("IVammMarket"), all: [...byName.values()] };
}

function* walk(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}
