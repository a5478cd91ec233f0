// Shared mocha hooks for the analysis, batch and budget suites: a cleared emulator and,
// per test, a fresh directory bucket, recording task queue and replaying Vision.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirectoryObjectStore } from "../../src/adapters/local/directory-store";
import { RecordingTaskQueue } from "../../src/adapters/local/recording-queue";
import { resetDeps, setDeps } from "../../src/deps";
import { clearFirestore } from "./firestore";
import { ReplayVisionProvider } from "./replay-vision";

export const noMessenger = { send: async () => ({ sent: 0, invalidTokens: [] as string[] }) };

export interface AnalysisEnv {
  dir: string;
  store: DirectoryObjectStore;
  queue: RecordingTaskQueue;
  vision: ReplayVisionProvider;
}

/** Call inside a describe(); the returned object is filled before each test. */
export function useAnalysisEnv(prefix: string): AnalysisEnv {
  const env = {} as AnalysisEnv;
  before(() => {
    env.dir = mkdtempSync(join(tmpdir(), `fl-${prefix}-`));
  });
  after(() => {
    resetDeps();
    rmSync(env.dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await clearFirestore();
    env.store = new DirectoryObjectStore(env.dir);
    env.queue = new RecordingTaskQueue();
    env.vision = new ReplayVisionProvider();
    setDeps({
      store: env.store,
      queue: env.queue,
      vision: env.vision,
      messenger: noMessenger,
      now: () => new Date(),
    });
  });
  return env;
}
