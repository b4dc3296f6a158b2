/** Worker-thread entry: runs evaluation jobs posted by the pool. */
import { serveJobs } from "./workerPool";
import { runEvalJob, type EvalJob } from "./evalJob";

serveJobs((job: EvalJob) => runEvalJob(job));
