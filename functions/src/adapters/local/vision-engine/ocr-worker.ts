// Entry of an OCR worker thread. onnxruntime-node runs a model synchronously on the
// calling thread, so OCR on the main thread stalled every other photo's work (Firestore
// round trips, detectors, ingest) for the length of each inference; here it has a thread
// of its own. One engine per worker; requests are answered by id.
import { parentPort, workerData } from "node:worker_threads";
import type { RawImage } from "./ocr-crop";
import { createEngine, readLines } from "./ocr-engine";
import type { Quad, TextBox } from "./ocr-lines";

export interface OcrRequest {
  id: number;
  image: RawImage;
}

export type OcrReply =
  { id: number; lines: TextBox[]; regions: Quad[] } | { id: number; error: string };

export interface OcrWorkerData {
  /** onnxruntime intra-op threads for this worker's sessions. */
  threads: number;
}

if (parentPort) {
  const port = parentPort;
  const engine = createEngine((workerData as OcrWorkerData).threads);
  // A worker whose models cannot load answers with the reason and ends; the pool starts a
  // fresh one for the next photo.
  engine.catch(() => setImmediate(() => process.exit(1)));
  port.on("message", (req: OcrRequest) => {
    void (async () => {
      let reply: OcrReply;
      try {
        reply = { id: req.id, ...(await readLines(await engine, req.image)) };
      } catch (err) {
        reply = { id: req.id, error: err instanceof Error ? err.message : String(err) };
      }
      port.postMessage(reply);
    })();
  });
}
