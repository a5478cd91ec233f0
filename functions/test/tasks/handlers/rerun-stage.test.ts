// analyze_anomalies, extract_text_ocr and classify_damage re-run one stage from the
// stored analysis: re-runs replace findings (stale ones go), reviews survive.
import { strict as assert } from "node:assert";
import { DirectoryObjectStore } from "../../../src/adapters/local/directory-store";
import { handleTask } from "../../../src/tasks/run-task";
import { AnomalyDocSchema } from "../../../src/schema/analysis";
import { db, uniq } from "../../helpers/firestore";
import { ReplayVisionProvider } from "../../helpers/replay-vision";
import { useAnalysisEnv } from "../../helpers/analysis-env";
import { processEnvelope, queuedPhoto } from "../../helpers/photos";
import { printedJpeg } from "../../helpers/images";

const anomalies = async (photoId: string) =>
  (await db().collection("anomalies").where("photoId", "==", photoId).get()).docs
    .map((d) => AnomalyDocSchema.parse(d.data()))
    .sort((a, b) => a.id.localeCompare(b.id));

describe("re-running one analysis stage", () => {
  const env = useAnalysisEnv("rerun");
  let store: DirectoryObjectStore;
  let vision: ReplayVisionProvider;
  beforeEach(() => ({ store, vision } = env));

  async function processed(fixture: string, opts: { assetId?: string; image?: Buffer } = {}) {
    const id = uniq("rr");
    await queuedPhoto(store, id, opts);
    vision.script(id, fixture);
    await handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority" });
    return id;
  }

  it("analyze_anomalies replaces: stale OPEN anomalies go, reviewed ones and reviews stay, no Vision call", async () => {
    const id = await processed("corroded-pipe");
    const [real] = await anomalies(id);
    const base = {
      photoId: id,
      assetId: "asset-1",
      teamId: "team-1",
      severity: "LOW",
      confidence: 0.6,
      box: { x0: 0, y0: 0, x1: 1, y1: 1 },
      localized: false,
      source: "old rule",
      createdAt: new Date(),
    };
    await db()
      .collection("anomalies")
      .doc(`${id}_crack_frame`)
      .set({ ...base, id: `${id}_crack_frame`, type: "CRACK", status: "OPEN", review: null });
    await db()
      .collection("anomalies")
      .doc(`${id}_debris_frame`)
      .set({
        ...base,
        id: `${id}_debris_frame`,
        type: "DEBRIS",
        status: "REJECTED",
        review: { uid: "sup", at: new Date(), note: "not debris" },
      });
    await db()
      .collection("anomalies")
      .doc(real.id)
      .update({ status: "CONFIRMED", review: { uid: "sup", at: new Date(), note: "yes" } });
    const calls = vision.calls.length;

    const out = await handleTask(
      { taskId: uniq("aa"), type: "analyze_anomalies", args: { photoId: id } },
      { queue: "normal" },
    );
    assert.equal(out.state, "SUCCESS");
    const after = await anomalies(id);
    assert.deepEqual(
      after.map((a) => a.id),
      [`${id}_debris_frame`, real.id].sort(),
    );
    const kept = after.find((a) => a.id === real.id)!;
    assert.equal(kept.status, "CONFIRMED");
    assert.equal(kept.review?.note, "yes");
    assert.equal(vision.calls.length, calls);
  });

  it("extract_text_ocr re-reads the meter from the stored text", async () => {
    // A photo that shows its reading, so the pipeline buys text for it.
    const id = await processed("meter-kwh", {
      image: await printedJpeg("04521 kWh", { width: 800, height: 600, dpi: 200 }),
    });
    await db().collection("meterReadings").doc(id).delete();
    const out = await handleTask(
      { taskId: uniq("ocr"), type: "extract_text_ocr", args: { photoId: id } },
      { queue: "normal" },
    );
    assert.equal(out.state, "SUCCESS");
    const r = await db().collection("meterReadings").doc(id).get();
    assert.equal(r.get("value"), 4521);
    assert.equal(r.get("meterId"), "asset-1-meter");
  });

  it("classify_damage follows the current anomalies, and removes the report when none are left", async () => {
    const id = await processed("corroded-pipe");
    const [a] = await anomalies(id);
    await db().collection("anomalies").doc(a.id).update({ status: "REJECTED" });
    await handleTask(
      { taskId: uniq("cd"), type: "classify_damage", args: { photoId: id } },
      { queue: "normal" },
    );
    assert.equal((await db().collection("damageReports").doc(id).get()).exists, false);
  });

  it("fails permanently for a photo that was never analysed", async () => {
    const id = uniq("never");
    await queuedPhoto(store, id);
    const out = await handleTask(
      { taskId: uniq("aa"), type: "analyze_anomalies", args: { photoId: id } },
      { queue: "normal" },
    );
    assert.equal(out.state, "FAILURE");
    assert.match(out.error ?? "", /no analysis/);
  });
});
