// The crack model's session, inside a model worker (./model-worker): a small
// encoder-decoder trained on public crack datasets and no-crack photos (tools/crack-model),
// run on onnxruntime-node's CPU build. It reads RGB and gives each pixel a crack
// probability. Local engine only: onnxruntime-node is a devDependency, loaded on first use.
import { join } from "node:path";
import type { RgbImage } from "./raster";
import type { ProbabilityMap } from "./crack-map";

interface Session {
  inputNames: readonly string[];
  outputNames: readonly string[];
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>>;
}
interface Ort {
  InferenceSession: { create(path: string, o: object): Promise<Session> };
  Tensor: new (type: string, data: Float32Array, dims: number[]) => unknown;
}

export const CRACK_MODEL_PATH = join(__dirname, "models", "crack-seg.onnx");

// A variable specifier keeps TypeScript (CommonJS output) from resolving this local-only
// package at build time.
const load = (m: string): Promise<unknown> => import(m);

export interface CrackModel {
  run(img: RgbImage): Promise<ProbabilityMap>;
}

export async function createCrackModel(threads: number): Promise<CrackModel> {
  const ort = (await load("onnxruntime-node")) as Ort;
  const session = await ort.InferenceSession.create(CRACK_MODEL_PATH, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  return {
    async run(img) {
      const planes = toPlanes(img);
      const out = await session.run({
        [session.inputNames[0]]: new ort.Tensor("float32", planes, [1, 3, img.height, img.width]),
      });
      const logits = out[session.outputNames[0]].data as Float32Array;
      const data = new Float32Array(logits.length);
      for (let i = 0; i < logits.length; i++) data[i] = 1 / (1 + Math.exp(-logits[i]));
      return { width: img.width, height: img.height, data };
    },
  };
}

/** Interleaved RGB bytes as three planes of 0..255 floats (the model scales them itself). */
export function toPlanes(img: RgbImage): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    out[i] = img.data[3 * i];
    out[n + i] = img.data[3 * i + 1];
    out[2 * n + i] = img.data[3 * i + 2];
  }
  return out;
}
