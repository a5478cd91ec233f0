// Entry of a model worker thread: PaddleOCR's models (./ocr-engine) and the crack model
// (./crack-engine), each loaded on first use. onnxruntime-node runs a model synchronously
// on the calling thread, so inference on the main thread stalled every other photo's work
// (Firestore round trips, detectors, ingest) for its length; here it has a thread of its
// own. Requests are answered by id.
import { parentPort, workerData } from "node:worker_threads";
import type { RawImage } from "./ocr-crop";
import { createEngine, readLines, type Engine } from "./ocr-engine";
import type { Quad, TextBox } from "./ocr-lines";
import { createCrackModel, type CrackModel } from "./crack-engine";
import type { ProbabilityMap } from "./crack-map";
import type { RgbImage } from "./raster";

export type ModelJob = { job: "ocr"; image: RawImage } | { job: "cracks"; image: RgbImage };
export type ModelRequest = ModelJob & { id: number };

export type ModelReply =
  | { id: number; lines: TextBox[]; regions: Quad[] }
  | { id: number; map: ProbabilityMap }
  | { id: number; error: string };

export interface ModelWorkerData {
  /** onnxruntime intra-op threads for this worker's sessions. */
  threads: number;
}

if (parentPort) {
  const port = parentPort;
  const { threads } = workerData as ModelWorkerData;
  // A worker whose models cannot load answers with the reason and ends; the pool starts a
  // fresh one for the next photo.
  const loading = <T>(models: Promise<T>): Promise<T> => {
    models.catch(() => setImmediate(() => process.exit(1)));
    return models;
  };
  let ocr: Promise<Engine> | undefined;
  let cracks: Promise<CrackModel> | undefined;
  const answer = async (req: ModelRequest): Promise<ModelReply> => {
    if (req.job === "cracks") {
      const model = await (cracks ??= loading(createCrackModel(threads)));
      return { id: req.id, map: await model.run(req.image) };
    }
    return {
      id: req.id,
      ...(await readLines(await (ocr ??= loading(createEngine(threads))), req.image)),
    };
  };
  port.on("message", (req: ModelRequest) => {
    void (async () => {
      let reply: ModelReply;
      try {
        reply = await answer(req);
      } catch (err) {
        reply = { id: req.id, error: err instanceof Error ? err.message : String(err) };
      }
      port.postMessage(reply);
    })();
  });
}
