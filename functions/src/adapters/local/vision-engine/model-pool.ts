// A pool of model worker threads (./model-worker) for the local engine's onnxruntime
// models: PaddleOCR's and the crack model. Sized to the cores, it serves concurrent
// photos; each request goes to the least busy worker and its answer to its own caller.
// onnxruntime-node and the models are devDependencies: only the local engine loads them,
// on first use, and the deployed functions never do.
import { availableParallelism } from "node:os";
import { extname, join } from "node:path";
import { Worker } from "node:worker_threads";
import type { ModelJob, ModelReply, ModelRequest, ModelWorkerData } from "./model-worker";

interface Slot {
  worker: Worker;
  busy: number;
  pending: Map<number, { resolve(r: ModelReply): void; reject(e: Error): void }>;
}

let pool: Slot[] | undefined;
let nextId = 0;

/**
 * Workers: one per two cores (at least one), each running its models on one thread. The
 * other cores serve the main thread (detectors, Firestore, ingest) and sharp; one
 * onnxruntime thread wastes no CPU waiting on a second (see docs/benchmarks.md).
 */
export function poolSize(cores = availableParallelism()): { workers: number; threads: number } {
  return { workers: Math.max(1, Math.floor(cores / 2)), threads: 1 };
}

/** Under tsx (tests, scripts) the worker is TypeScript: load it through tsx's require hook. */
function startWorker(data: ModelWorkerData): Worker {
  const ext = extname(__filename);
  const file = join(__dirname, `model-worker${ext}`);
  if (ext !== ".ts") return new Worker(file, { workerData: data });
  const hook = require.resolve("tsx/cjs");
  const code = `require(${JSON.stringify(hook)}); require(${JSON.stringify(file)});`;
  return new Worker(code, { eval: true, workerData: data });
}

function spawn(threads: number): Slot {
  const slot: Slot = { worker: startWorker({ threads }), busy: 0, pending: new Map() };
  const fail = (err: Error) => {
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
    // A dead worker leaves the pool; the next call starts a fresh one.
    if (pool?.includes(slot)) pool = pool.filter((s) => s !== slot);
    if (pool?.length === 0) pool = undefined;
  };
  slot.worker.on("message", (reply: ModelReply) => {
    slot.pending.get(reply.id)?.resolve(reply);
    slot.pending.delete(reply.id);
  });
  slot.worker.on("error", fail);
  slot.worker.on("exit", (code) => fail(new Error(`model worker stopped (exit code ${code})`)));
  // An idle worker must not keep the process alive; a busy one must.
  slot.worker.unref();
  return slot;
}

function slots(): Slot[] {
  if (!pool) {
    const { workers, threads } = poolSize();
    pool = Array.from({ length: workers }, () => spawn(threads));
  }
  return pool;
}

/** Runs one job on the least busy worker. */
export async function ask(job: ModelJob): Promise<ModelReply> {
  const slot = slots().reduce((a, b) => (b.busy < a.busy ? b : a));
  const id = nextId++;
  if (slot.busy++ === 0) slot.worker.ref();
  try {
    return await new Promise<ModelReply>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, ...job } satisfies ModelRequest);
    });
  } finally {
    if (--slot.busy === 0) slot.worker.unref();
  }
}

/** Stops the model workers. */
export async function terminateModels(): Promise<void> {
  const stopping = pool ?? [];
  pool = undefined;
  await Promise.all(stopping.map((s) => s.worker.terminate()));
}
