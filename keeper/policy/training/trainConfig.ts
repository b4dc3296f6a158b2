/** Training settings (zod-validated; stored in the policy file for provenance). */
import { z } from "zod";
import { LearnerConfigSchema, type LearnerConfig } from "../qLearning";

export const TrainConfigSchema = z
  .object({
    episodes: z.number().int().positive(),
    seed: z.number().int().min(0),
    learner: LearnerConfigSchema,
    /** Record one training-curve point every this many episodes (mean over the block). */
    curveEvery: z.number().int().positive(),
    /**
     * Experience replay: after each episode, `sweeps` passes of TD updates over the last
     * `capacity` transitions in random order. Simulated steps are what training pays for
     * (thousands of trader events each); a replayed update costs nanoseconds. Absent = none.
     */
    replay: z.object({ sweeps: z.number().int().min(0), capacity: z.number().int().positive() }).strict().optional(),
  })
  .strict();
export type TrainConfig = z.infer<typeof TrainConfigSchema>;

export const DEFAULT_LEARNER: LearnerConfig = {
  gamma: 0.9,
  epsilon: { kind: "exponential", start: 1, end: 0.02, decay: 0.99 },
  learningRate: { kind: "visits", omega: 0.7, min: 0.01 },
  doubleQ: false,
  initialQ: 0,
};
