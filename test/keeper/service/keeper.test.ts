import { expect } from "chai";
import { spawn } from "node:child_process";
import path from "node:path";
import { Keeper } from "../../../keeper/service/keeper";
import { silentLogger } from "../../../keeper/service/logger";
import { SlowJob } from "./helpers/testJobs";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Keeper runner", () => {
  describe("scheduling", () => {
    it("never overlaps the ticks of a job, even when a tick is slower than the interval", async () => {
      const job = new SlowJob("slow", 60, 0);
      const keeper = new Keeper([job], silentLogger());
      await keeper.start();
      await sleep(400);
      await keeper.stop();
      expect(job.ticks).to.be.at.least(3);
      expect(job.maxInFlight).to.equal(1);
      for (let i = 1; i < job.starts.length; i++) expect(job.starts[i]).to.be.at.least(job.ends[i - 1]);
    });

    it("waits the job's nextDelayMs after the end of a tick, not from its start", async () => {
      const job = new SlowJob("paced", 30, 80);
      const keeper = new Keeper([job], silentLogger());
      await keeper.start();
      await sleep(400);
      await keeper.stop();
      for (let i = 1; i < job.starts.length; i++) expect(job.starts[i] - job.ends[i - 1]).to.be.at.least(75);
    });

    it("runs jobs of different markets independently", async () => {
      const fast = new SlowJob("fast", 5, 5);
      const slow = new SlowJob("slow", 200, 0);
      const keeper = new Keeper([fast, slow], silentLogger());
      await keeper.start();
      await sleep(300);
      await keeper.stop();
      expect(fast.ticks).to.be.greaterThan(slow.ticks * 5);
    });

    it("stops scheduling a halted job, keeps the others and reports it unhealthy", async () => {
      const halting = new SlowJob("halting", 5, 0, 2);
      const other = new SlowJob("other", 5, 10);
      const keeper = new Keeper([halting, other], silentLogger());
      await keeper.start();
      await sleep(200);
      expect(halting.ticks).to.equal(2);
      expect(other.ticks).to.be.greaterThan(3);
      expect(keeper.health()).to.deep.equal({ healthy: false, jobs: [{ name: "halting", healthy: false, reason: "halted: test" }, { name: "other", healthy: true }] });
      await keeper.stop();
    });

    it("runs the between-ticks hook (idle-time GC) only when no tick of any job is in flight", async () => {
      const fast = new SlowJob("fast", 5, 5);
      const slow = new SlowJob("slow", 60, 40); // idle gaps of 40 ms, in which fast ticks end with nothing in flight
      const inFlightAtHook: number[] = [];
      const keeper = new Keeper([fast, slow], silentLogger(), undefined, () => inFlightAtHook.push(fast.inFlight + slow.inFlight));
      await keeper.start();
      await sleep(300);
      await keeper.stop();
      expect(fast.finished).to.be.greaterThan(inFlightAtHook.length); // fast ticks that ended while slow was in flight: no hook
      expect(inFlightAtHook.length).to.be.greaterThan(0);
      expect(inFlightAtHook.every((n) => n === 0)).to.equal(true);
    });

    it("keeps ticking when the between-ticks hook throws", async () => {
      const job = new SlowJob("j", 5, 5);
      let hooks = 0;
      const keeper = new Keeper([job], silentLogger(), undefined, () => {
        hooks += 1;
        throw new Error("checkpoint failed");
      });
      await keeper.start();
      await sleep(150);
      await keeper.stop();
      expect(hooks).to.be.greaterThan(3);
      expect(job.finished).to.be.at.least(hooks);
    });

    it("resolves idle() once every job has halted", async () => {
      const keeper = new Keeper([new SlowJob("a", 5, 0, 1), new SlowJob("b", 5, 0, 3)], silentLogger());
      await keeper.start();
      await keeper.idle();
      expect(keeper.stopRequested).to.equal(false);
    });

    it("refuses two jobs with the same name", () => {
      expect(() => new Keeper([new SlowJob("x", 1), new SlowJob("x", 1)], silentLogger())).to.throw('duplicate job name "x"');
    });
  });

  describe("stopping", () => {
    it("lets the in-flight tick finish, then stops every job and schedules nothing more", async () => {
      const job = new SlowJob("slow", 150, 0);
      const keeper = new Keeper([job], silentLogger());
      let started!: () => void;
      const firstStart = new Promise<void>((r) => (started = r));
      job.onTickStart = () => started();
      await keeper.start();
      await firstStart;
      await keeper.stop();
      expect([job.ticks, job.finished, job.stopped]).to.deep.equal([1, 1, true]);
      await sleep(100);
      expect(job.ticks).to.equal(1);
      expect(keeper.health().healthy).to.equal(false);
    });

    it("on SIGTERM finishes the current tick and exits 0 (child process)", async function () {
      this.timeout(60_000);
      const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "fixtures", "slowTickKeeper.ts")], {
        cwd: path.resolve(__dirname, "../../.."),
        env: { ...process.env, TICK_MS: "1000" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("tick-start 1")) resolve();
        });
        child.on("exit", () => reject(new Error(`child exited early: ${out} ${err}`)));
      });
      child.kill("SIGTERM");
      const code = await exited;
      expect(code, err).to.equal(0);
      expect(out.trim().split("\n")).to.deep.equal(["tick-start 1", "tick-end 1", "stopped"]);
    });
  });
});
