/**
 * The keeper CLI (keeper/service/cli.ts) as a child process, as an operator runs it: its JSON log
 * lines collected, `started` resolving at "keeper started", `exited` with the exit code (null when
 * killed by a signal).
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { KEEPER_KEY, ROOT } from "./onchain";

export interface KeeperProcess {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly exited: Promise<number | null>;
  readonly started: Promise<void>;
}

export function spawnKeeperCli(configFile: string, env: Record<string, string> = {}): KeeperProcess {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "keeper/service/cli.ts"), "--config", configFile], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", DAMM_KEEPER_KEY: KEEPER_KEY, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let buf = "";
  let onStarted!: () => void;
  const started = new Promise<void>((r) => (onStarted = r));
  child.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split("\n");
    buf = parts.pop() ?? "";
    for (const l of parts) {
      lines.push(l);
      if (l.includes('"msg":"keeper started"')) onStarted();
    }
  });
  child.stderr!.on("data", (d: Buffer) => lines.push(`stderr: ${d.toString()}`));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, lines, exited, started };
}

/** Log lines with the given "msg". */
export function logged(p: KeeperProcess, msg: string): string[] {
  return p.lines.filter((l) => l.includes(`"msg":"${msg}"`));
}
