/**
 * `npm run roles -- <command> [--network localhost] [--market NAME]`: the deployment's roles
 * (README "Roles"), against the addresses `npm run deploy` recorded in out/deploy/<network>.json.
 *
 *   show                          who holds which role on the ClearingHouse and each market
 *   pause | pause-market          the guardian pauses at once (everything | --market)
 *   renounce-keeper               the keeper's own key gives up KEEPER_ROLE at once (a leaked key)
 *   grant-keeper ADDR             } queued through the TimelockController (proposer's key), run by
 *   revoke-keeper ADDR            } `execute` once the delay has passed
 *   unpause | unpause-market      }
 *   set-param NAME VALUE          } (a market parameter, SPEC §6 names)
 *   pending                       queued operations and when each is ready
 *   execute OP_ID                 executes a ready operation (`--wait` on a local node: moves time past the delay first)
 *
 * Keys: on hardhat / localhost the Hardhat test accounts the deployment named (deployer = proposer
 * and executor, account #1 = guardian); elsewhere DAMM_DEPLOYER_KEY (proposer / executor, via
 * hardhat.config.ts), DAMM_GUARDIAN_KEY, DAMM_KEEPER_KEY, from the environment only. Every
 * refusal (no record, wrong chain, no contract, a key without the role, an operation not ready)
 * happens before anything is sent.
 */
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { Contract, Wallet, ZeroHash, encodeBytes32String, getAddress, id as keccakText, isAddress, type Signer } from "ethers";
import TimelockArtifact from "@openzeppelin/contracts/build/contracts/TimelockController.json";
import { deploymentFilePath, isLocalNetwork, writeJson, type DeploymentRecord } from "../keeper/service/config/deployment";

const ROOT = path.resolve(__dirname, "..");

/** One queued timelock batch, as stored in out/timelock/<network>.json (the calldata is needed to execute). */
interface QueuedOp {
  readonly id: string;
  readonly description: string;
  readonly targets: string[];
  readonly values: string[];
  readonly payloads: string[];
  readonly predecessor: string;
  readonly salt: string;
  readonly queuedAt: string;
  readonly readyAt: number;
}

export class RolesError extends Error {}

export interface RolesContext {
  readonly hre: HardhatRuntimeEnvironment;
  readonly record: DeploymentRecord;
  readonly log: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Where queued operations are kept (default out/timelock/<network>.json). */
  readonly queueFile: string;
}

/** Loads and checks the deployment record against the connected chain (chain id, code at every address). */
export async function loadRolesContext(hre: HardhatRuntimeEnvironment, env: NodeJS.ProcessEnv, log: (l: string) => void, recordFile = deploymentFilePath(hre.network.name, ROOT)): Promise<RolesContext> {
  const network = hre.network.name;
  if (!isLocalNetwork(network)) {
    const missing = ["DAMM_RPC_URL", "DAMM_DEPLOYER_KEY"].filter((k) => !env[k]);
    if (missing.length > 0) throw new RolesError(`--network ${network}: set ${missing.join(" and ")} in the environment (README "Public testnet")`);
  }
  if (!fs.existsSync(recordFile)) throw new RolesError(`no deployment record ${path.relative(ROOT, recordFile)}: run npm run deploy -- --network ${network} first`);
  let record: DeploymentRecord;
  try {
    record = JSON.parse(fs.readFileSync(recordFile, "utf8")) as DeploymentRecord;
  } catch (e) {
    throw new RolesError(`${recordFile}: not valid JSON (${(e as Error).message})`);
  }
  if (!record.contracts?.timelock || !Array.isArray(record.markets)) throw new RolesError(`${recordFile}: no contracts.timelock / markets (written by an older npm run deploy? redeploy)`);
  const chainId = Number((await hre.ethers.provider.getNetwork()).chainId);
  if (chainId !== record.chainId) throw new RolesError(`${recordFile} is for chain ${record.chainId} but --network ${network} is chain ${chainId}`);
  for (const a of [record.contracts.clearingHouse, record.contracts.timelock, ...record.markets.map((m) => m.vamm)]) {
    if ((await hre.ethers.provider.getCode(a)) === "0x") throw new RolesError(`${recordFile}: no contract at ${a} on ${network} (a restarted node? run npm run deploy again)`);
  }
  return { hre, record, log, env, queueFile: path.join(ROOT, "out", "timelock", `${network}.json`) };
}

const ACCESS_ABI = [
  "function hasRole(bytes32 role, address account) view returns (bool)",
  "function grantRole(bytes32 role, address account)",
  "function revokeRole(bytes32 role, address account)",
  "function renounceRole(bytes32 role, address callerConfirmation)",
  "function pause()",
  "function unpause()",
  "function setParameter(bytes32 name, uint256 value)",
  "function paused() view returns (bool)",
];
const ROLES = { DEFAULT_ADMIN_ROLE: ZeroHash, PARAM_ADMIN_ROLE: keccakText("PARAM_ADMIN_ROLE"), GUARDIAN_ROLE: keccakText("GUARDIAN_ROLE"), KEEPER_ROLE: keccakText("KEEPER_ROLE") } as const;

function access(address: string, runner: Signer | HardhatRuntimeEnvironment["ethers"]["provider"]): Contract {
  return new Contract(address, ACCESS_ABI, runner);
}

/** The markets a command acts on: --market NAME, or all. */
function pickMarkets(ctx: RolesContext, name?: string): DeploymentRecord["markets"] {
  if (name === undefined) return ctx.record.markets;
  const m = ctx.record.markets.filter((x) => x.name === name);
  if (m.length === 0) throw new RolesError(`--market ${name}: not in the deployment (markets: ${ctx.record.markets.map((x) => x.name).join(", ")})`);
  return m;
}

/** A signer for `role`'s holder: a local test account, or the key in `keyEnv`; refuses when it does not hold the role. */
async function signerFor(ctx: RolesContext, who: "proposer" | "guardian" | "keeper", keyEnv: string, check: (address: string) => Promise<string | undefined>): Promise<Signer> {
  const { hre } = ctx;
  let signer: Signer;
  const key = ctx.env[keyEnv];
  if (key) {
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key)) throw new RolesError(`${keyEnv}: must be a 32-byte hex private key`);
    signer = new Wallet(key.startsWith("0x") ? key : `0x${key}`, hre.ethers.provider);
  } else {
    const wanted = who === "proposer" ? ctx.record.deployer : who === "guardian" ? ctx.record.guardian : ctx.record.keeper;
    const local = (await hre.ethers.getSigners()).find((s) => s.address.toLowerCase() === wanted.toLowerCase());
    if (!local) throw new RolesError(`no key for the ${who} ${wanted}: set ${keyEnv} in the environment`);
    signer = local;
  }
  const problem = await check(await signer.getAddress());
  if (problem) throw new RolesError(`${who} ${await signer.getAddress()}: ${problem}`);
  return signer;
}

async function proposer(ctx: RolesContext): Promise<{ signer: Signer; timelock: Contract }> {
  // The deployer's account (DAMM_DEPLOYER_KEY through hardhat.config.ts on a remote network), or DAMM_PROPOSER_KEY.
  const reader = new Contract(ctx.record.contracts.timelock, TimelockArtifact.abi, ctx.hre.ethers.provider);
  const role = (await reader.getFunction("PROPOSER_ROLE")()) as string;
  const signer = await signerFor(ctx, "proposer", "DAMM_PROPOSER_KEY", async (a) =>
    (await reader.getFunction("hasRole")(role, a)) ? undefined : `lacks PROPOSER_ROLE on the timelock ${ctx.record.contracts.timelock}`,
  );
  return { signer, timelock: new Contract(ctx.record.contracts.timelock, TimelockArtifact.abi, signer) };
}

function readQueue(ctx: RolesContext): QueuedOp[] {
  if (!fs.existsSync(ctx.queueFile)) return [];
  return JSON.parse(fs.readFileSync(ctx.queueFile, "utf8")) as QueuedOp[];
}

/** Queues one batch (scheduleBatch) and records it for `execute`. */
async function queue(ctx: RolesContext, description: string, calls: { target: string; data: string }[]): Promise<QueuedOp> {
  const { timelock } = await proposer(ctx);
  const delay = (await timelock.getFunction("getMinDelay")()) as bigint;
  const targets = calls.map((c) => c.target);
  const values = calls.map(() => 0n);
  const payloads = calls.map((c) => c.data);
  const salt = keccakText(`${description} ${Date.now()}`);
  const opId = (await timelock.getFunction("hashOperationBatch")(targets, values, payloads, ZeroHash, salt)) as string;
  const receipt = await (await timelock.getFunction("scheduleBatch")(targets, values, payloads, ZeroHash, salt, delay)).wait();
  const block = await ctx.hre.ethers.provider.getBlock(receipt!.blockNumber);
  const op: QueuedOp = { id: opId, description, targets, values: values.map(String), payloads, predecessor: ZeroHash, salt, queuedAt: new Date().toISOString(), readyAt: block!.timestamp + Number(delay) };
  writeJson(ctx.queueFile, [...readQueue(ctx), op]);
  ctx.log(`queued ${opId}: ${description}; ready at ${new Date(op.readyAt * 1000).toISOString()} (delay ${delay} s); then: npm run roles -- execute ${opId} --network ${ctx.hre.network.name}`);
  return op;
}

/** Executes a queued operation once ready (`wait`: on a local node, move time past the delay first). */
export async function execute(ctx: RolesContext, opId: string, wait: boolean): Promise<void> {
  const op = readQueue(ctx).find((o) => o.id === opId);
  if (!op) throw new RolesError(`operation ${opId}: not in ${path.relative(ROOT, ctx.queueFile)} (npm run roles -- pending)`);
  const { timelock } = await proposer(ctx);
  if (await timelock.getFunction("isOperationDone")(opId)) throw new RolesError(`operation ${opId} (${op.description}) was executed already`);
  if (!(await timelock.getFunction("isOperationPending")(opId))) throw new RolesError(`operation ${opId} (${op.description}) is not queued on-chain (cancelled?)`);
  const now = (await ctx.hre.ethers.provider.getBlock("latest"))!.timestamp;
  if (now < op.readyAt) {
    if (!wait || !isLocalNetwork(ctx.hre.network.name)) throw new RolesError(`operation ${opId} (${op.description}) is ready at ${new Date(op.readyAt * 1000).toISOString()}, in ${op.readyAt - now} s${isLocalNetwork(ctx.hre.network.name) ? " (--wait moves a local node's clock)" : ""}`);
    await ctx.hre.network.provider.send("evm_increaseTime", [op.readyAt - now]);
    await ctx.hre.network.provider.send("evm_mine", []);
  }
  await (await timelock.getFunction("executeBatch")(op.targets, op.values, op.payloads, op.predecessor, op.salt)).wait();
  ctx.log(`executed ${opId}: ${op.description}`);
}

export async function runRolesCommand(ctx: RolesContext, cmd: string, args: string[], o: { market?: string; wait?: boolean }): Promise<void> {
  const { record, hre } = ctx;
  const provider = hre.ethers.provider;
  const iface = access(record.contracts.clearingHouse, provider).interface;
  const address = (v: string | undefined, what: string): string => {
    if (!v || !isAddress(v)) throw new RolesError(`${cmd}: ${what} must be a 20-byte hex address, got "${v ?? ""}"`);
    return getAddress(v);
  };
  switch (cmd) {
    case "show": {
      const holders: Record<string, string> = { timelock: record.contracts.timelock, guardian: record.guardian, keeper: record.keeper, deployer: record.deployer };
      for (const [label, target] of [["ClearingHouse", record.contracts.clearingHouse], ...record.markets.map((m) => [m.name, m.vamm])]) {
        const c = access(target, provider);
        const lines: string[] = [];
        for (const [role, hash] of Object.entries(ROLES)) {
          const who = [];
          for (const [name, a] of Object.entries(holders)) if (await c.getFunction("hasRole")(hash, a)) who.push(`${name} ${a}`);
          lines.push(`  ${role.padEnd(18)} ${who.join(", ") || "-"}`);
        }
        // ClearingHouse answers paused(); a market's pause shows in `npm run keeper -- status`.
        const paused = label === "ClearingHouse" && ((await c.getFunction("paused")()) as boolean);
        ctx.log(`${label} ${target}${paused ? " (paused)" : ""}\n${lines.join("\n")}`);
      }
      return;
    }
    case "grant-keeper":
    case "revoke-keeper": {
      const who = address(args[0], "the keeper");
      const fn = cmd === "grant-keeper" ? "grantRole" : "revokeRole";
      const markets = pickMarkets(ctx, o.market);
      await queue(ctx, `${fn}(KEEPER_ROLE, ${who}) on ${markets.map((m) => m.name).join(", ")}`, markets.map((m) => ({ target: m.vamm, data: iface.encodeFunctionData(fn, [ROLES.KEEPER_ROLE, who]) })));
      return;
    }
    case "set-param": {
      const [name, value] = args;
      if (!name || value === undefined || !/^\d+$/.test(value)) throw new RolesError(`set-param: usage set-param NAME VALUE (a SPEC §6 parameter name and a non-negative integer), got "${args.join(" ")}"`);
      const markets = pickMarkets(ctx, o.market);
      await queue(ctx, `setParameter(${name}, ${value}) on ${markets.map((m) => m.name).join(", ")}`, markets.map((m) => ({ target: m.vamm, data: iface.encodeFunctionData("setParameter", [encodeBytes32String(name), BigInt(value)]) })));
      return;
    }
    case "unpause":
    case "unpause-market": {
      const targets = cmd === "unpause" ? [{ name: "ClearingHouse", vamm: record.contracts.clearingHouse }] : pickMarkets(ctx, o.market);
      await queue(ctx, `unpause() on ${targets.map((t) => t.name).join(", ")}`, targets.map((t) => ({ target: t.vamm, data: iface.encodeFunctionData("unpause") })));
      return;
    }
    case "pause":
    case "pause-market": {
      const targets = cmd === "pause" ? [{ name: "ClearingHouse", vamm: record.contracts.clearingHouse }] : pickMarkets(ctx, o.market);
      const guardian = await signerFor(ctx, "guardian", "DAMM_GUARDIAN_KEY", async (a) => {
        for (const t of targets) if (!(await access(t.vamm, provider).getFunction("hasRole")(ROLES.GUARDIAN_ROLE, a))) return `lacks GUARDIAN_ROLE on ${t.name}`;
        return undefined;
      });
      for (const t of targets) {
        await (await access(t.vamm, guardian).getFunction("pause")()).wait();
        ctx.log(`paused ${t.name} ${t.vamm}`);
      }
      return;
    }
    case "renounce-keeper": {
      const markets = pickMarkets(ctx, o.market);
      const keeper = await signerFor(ctx, "keeper", "DAMM_KEEPER_KEY", async (a) => {
        for (const m of markets) if (!(await access(m.vamm, provider).getFunction("hasRole")(ROLES.KEEPER_ROLE, a))) return `does not hold KEEPER_ROLE on ${m.name}`;
        return undefined;
      });
      for (const m of markets) {
        await (await access(m.vamm, keeper).getFunction("renounceRole")(ROLES.KEEPER_ROLE, await keeper.getAddress())).wait();
        ctx.log(`renounced KEEPER_ROLE of ${await keeper.getAddress()} on ${m.name}`);
      }
      return;
    }
    case "pending": {
      const { timelock } = await proposer(ctx);
      const now = (await provider.getBlock("latest"))!.timestamp;
      for (const op of readQueue(ctx)) {
        const state = (await timelock.getFunction("isOperationDone")(op.id)) ? "done" : (await timelock.getFunction("isOperationPending")(op.id)) ? (now >= op.readyAt ? "ready" : `waiting ${op.readyAt - now} s`) : "cancelled";
        ctx.log(`${op.id}  ${state.padEnd(16)} ${op.description}`);
      }
      return;
    }
    case "execute":
      if (!args[0] || !/^0x[0-9a-fA-F]{64}$/.test(args[0])) throw new RolesError(`execute: usage execute OP_ID (the 32-byte id queue printed), got "${args[0] ?? ""}"`);
      return execute(ctx, args[0], o.wait === true);
    default:
      throw new RolesError(`unknown command "${cmd}" (show, pause, pause-market, renounce-keeper, grant-keeper, revoke-keeper, unpause, unpause-market, set-param, pending, execute)`);
  }
}

async function main(): Promise<void> {
  const program = new Command()
    .name("roles")
    .argument("<command>")
    .argument("[args...]")
    .option("--network <name>", "Hardhat network", "localhost")
    .option("--market <name>", "one market (default: all)")
    .option("--wait", "execute: on a local node, move time past the timelock delay first", false)
    .parse(process.argv);
  const opts = program.opts<{ network: string; market?: string; wait: boolean }>();
  const [cmd, args] = [program.args[0], program.args.slice(1)];
  process.env.HARDHAT_NETWORK = opts.network;
  const hre = (await import("hardhat")).default;
  const ctx = await loadRolesContext(hre, process.env, (l) => console.log(l));
  await runRolesCommand(ctx, cmd, args, opts);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(`roles: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(e instanceof RolesError ? 2 : 1);
    },
  );
}
