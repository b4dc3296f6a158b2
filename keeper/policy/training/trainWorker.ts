/**
 * Worker-thread entry of parallel training: an "init" job builds this worker's TrainingSession
 * (its own learner random stream and replay buffer, kept between rounds); a "round" job loads the
 * merged table, plays the given episodes and returns the table it learned.
 */
import { serveJobs } from "../eval/workerPool";
import { makeEnvFactory } from "../simAdapter";
import { TrainingSession } from "./trainer";
import type { WorkerJob, WorkerAnswer } from "./parallelTrainer";

let session: TrainingSession | null = null;

serveJobs((job: WorkerJob): WorkerAnswer => {
  if (job.kind === "init") {
    session = new TrainingSession(job.mdp, job.config, makeEnvFactory(), job.stream);
    return { kind: "ready" };
  }
  if (!session) throw new Error("training worker got a round before its init job");
  session.learner.load(job.q, job.visits);
  let steps = 0;
  let reward = 0;
  for (const e of job.episodes) {
    const r = session.runEpisode(e.episode, e.scenario, e.seed);
    steps += r.steps;
    reward += r.reward;
  }
  const t = session.learner.table();
  return { kind: "round", q: t.q, visits: t.visits, steps, reward, episodes: job.episodes.length, epsilon: session.learner.epsilon };
});
