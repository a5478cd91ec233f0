import assert from "node:assert/strict";
import { setDeps, resetDeps } from "../../src/deps";
import type { Messenger, PushMessage } from "../../src/ports";
import { RecordingTaskQueue } from "../../src/adapters/local/recording-queue";
import { createNotification } from "../../src/notify/create-notification";
import { sendNotification } from "../../src/notify/send-notification";
import { notifyPhotoChange } from "../../src/notify/photo-events";
import {
  reconcileStuckPhotos,
  STUCK_AFTER_MINUTES,
  MAX_RECONCILES,
} from "../../src/maintenance/reconcile";
import { generateDailyAnalytics } from "../../src/reports/daily-analytics";
import { archiveOldMessages, MESSAGE_RETENTION_DAYS } from "../../src/maintenance/archive-messages";
import { retrainModel, evaluateModels, latestThresholds } from "../../src/models/model-store";
import { generateComparisonReport, generateImageReport } from "../../src/reports/image-report";
import { enqueueScheduled } from "../../src/maintenance/scheduled";
import { clearFirestore, db } from "../helpers/firestore";

class TestMessenger implements Messenger {
  sent: PushMessage[] = [];
  failWith: Error | null = null;
  dead = new Set<string>();
  async send(msg: PushMessage) {
    if (this.failWith) throw this.failWith;
    this.sent.push(msg);
    return {
      sent: msg.tokens.filter((t) => !this.dead.has(t)).length,
      invalidTokens: msg.tokens.filter((t) => this.dead.has(t)),
    };
  }
}

const NOW = new Date("2026-03-02T12:00:00Z");

function photo(id: string, over: Record<string, unknown> = {}) {
  return {
    photoId: id,
    assetId: "asset-1",
    uploaderUid: "u1",
    teamId: "team-a",
    fileName: `${id}.jpg`,
    status: "QUEUED",
    statusHistory: [],
    createdAt: new Date(NOW.getTime() - 3600_000),
    updatedAt: new Date(NOW.getTime() - 3600_000),
    phash: null,
    ...over,
  };
}

describe("operations against the Firestore emulator", () => {
  let messenger: TestMessenger;
  let queue: RecordingTaskQueue;
  beforeEach(async () => {
    await clearFirestore();
    messenger = new TestMessenger();
    queue = new RecordingTaskQueue();
    setDeps({ messenger, queue, now: () => NOW });
  });
  after(() => resetDeps());

  it("delivers a notification once, to every device of its users, and prunes dead tokens", async () => {
    await db()
      .collection("users")
      .doc("u1")
      .set({ uid: "u1", role: "inspector", teamIds: ["team-a"], fcmTokens: ["t1", "dead"] });
    await db()
      .collection("users")
      .doc("u2")
      .set({ uid: "u2", role: "supervisor", teamIds: ["team-a"], fcmTokens: ["t2"] });
    messenger.dead.add("dead");
    assert.equal(
      await createNotification({ id: "n1", uids: ["u1", "u2", "u1"], title: "T", body: "B" }),
      true,
    );
    assert.equal(
      await createNotification({ id: "n1", uids: ["u1"], title: "T", body: "B" }),
      false,
      "same id twice is one notification",
    );
    assert.equal(await sendNotification("n1"), "SENT");
    assert.equal(
      await sendNotification("n1"),
      "SKIPPED",
      "a duplicate trigger delivery sends nothing",
    );
    assert.equal(messenger.sent.length, 1);
    assert.deepEqual(messenger.sent[0].tokens.sort(), ["dead", "t1", "t2"]);
    const n = (await db().collection("notifications").doc("n1").get()).data()!;
    assert.equal(n.status, "SENT");
    assert.equal(n.sentCount, 2);
    assert.deepEqual((await db().collection("users").doc("u1").get()).get("fcmTokens"), ["t1"]);
  });

  it("a failing send is retried by throwing, then recorded FAILED after the last attempt", async () => {
    await db()
      .collection("users")
      .doc("u1")
      .set({ uid: "u1", role: "inspector", teamIds: [], fcmTokens: ["t1"] });
    await createNotification({ id: "n2", uids: ["u1"], title: "T", body: "B" });
    messenger.failWith = new Error("fcm down");
    await assert.rejects(sendNotification("n2"), /fcm down/);
    await assert.rejects(sendNotification("n2"), /fcm down/);
    assert.equal(await sendNotification("n2"), "FAILED");
    const n = (await db().collection("notifications").doc("n2").get()).data()!;
    assert.equal(n.status, "FAILED");
    assert.equal(n.attempts, 3);
    assert.equal(n.error, "fcm down");
  });

  it("a completed photo with serious findings notifies its uploader exactly once", async () => {
    await db()
      .collection("anomalies")
      .doc("a1")
      .set({ photoId: "p1", severity: "CRITICAL", type: "CRACK" });
    await db()
      .collection("anomalies")
      .doc("a2")
      .set({ photoId: "p1", severity: "LOW", type: "CRACK" });
    const change = {
      photoId: "p1",
      before: "PROCESSING" as const,
      after: "COMPLETED" as const,
      uploaderUid: "u1",
      fileName: "p1.jpg",
      reason: null,
    };
    assert.equal(await notifyPhotoChange(change), true);
    assert.equal(await notifyPhotoChange(change), false);
    const n = await db().collection("notifications").get();
    assert.equal(n.size, 1);
    assert.match(n.docs[0].get("payload.body"), /1 high or critical/);
  });

  it("the reconciler re-enqueues stuck photos, then fails them, and leaves fresh ones alone", async () => {
    const old = new Date(NOW.getTime() - (STUCK_AFTER_MINUTES + 1) * 60_000);
    await db()
      .collection("photos")
      .doc("stuck")
      .set(photo("stuck", { status: "PROCESSING", updatedAt: old }));
    await db()
      .collection("photos")
      .doc("fresh")
      .set(photo("fresh", { updatedAt: new Date(NOW.getTime() - 60_000) }));
    await db()
      .collection("photos")
      .doc("hopeless")
      .set(photo("hopeless", { updatedAt: old, reconciles: MAX_RECONCILES }));
    const r = await reconcileStuckPhotos();
    assert.deepEqual(r, { requeued: 1, failed: 1 });
    const stuck = (await db().collection("photos").doc("stuck").get()).data()!;
    assert.equal(stuck.status, "QUEUED");
    assert.equal(stuck.reconciles, 1);
    assert.equal(queue.tasks.length, 1);
    assert.deepEqual(queue.tasks[0].payload.args, { photoId: "stuck" });
    assert.equal((await db().collection("tasks").doc(stuck.taskId).get()).get("state"), "PENDING");
    const hopeless = (await db().collection("photos").doc("hopeless").get()).data()!;
    assert.equal(hopeless.status, "FAILED");
    assert.match(hopeless.reason, /giving up/);
    assert.equal((await db().collection("photos").doc("fresh").get()).get("status"), "QUEUED");
  });

  it("daily analytics roll up one day's photos, anomalies and cost", async () => {
    const day = new Date("2026-03-01T08:00:00Z");
    await db()
      .collection("photos")
      .doc("a")
      .set(
        photo("a", {
          status: "COMPLETED",
          createdAt: day,
          updatedAt: new Date(day.getTime() + 20_000),
        }),
      );
    await db()
      .collection("photos")
      .doc("b")
      .set(
        photo("b", {
          status: "REJECTED",
          createdAt: day,
          updatedAt: new Date(day.getTime() + 2_000),
        }),
      );
    await db()
      .collection("photos")
      .doc("other-day")
      .set(photo("c", { status: "COMPLETED", createdAt: new Date("2026-03-02T01:00:00Z") }));
    await db()
      .collection("anomalies")
      .doc("x")
      .set({ type: "CORROSION", severity: "HIGH", createdAt: day });
    await db().collection("analyses").doc("a").set({ units: 5, createdAt: day });
    await db()
      .collection("budget")
      .doc("2026-03")
      .set({ units: { LABEL_DETECTION: 10 }, estimatedUsd: 4 });
    const r = await generateDailyAnalytics("2026-03-01");
    assert.equal(r.photos.total, 2);
    assert.deepEqual(r.anomalies.byType, { CORROSION: 1 });
    assert.equal(r.costUsd, 2);
    assert.equal(r.latencySeconds.max, 20);
    assert.equal(
      (await db().collection("analytics").doc("2026-03-01").get()).get("photos.total"),
      2,
    );
  });

  it("old chat messages move to the archive; recent ones stay", async () => {
    const old = new Date(NOW.getTime() - (MESSAGE_RETENTION_DAYS + 1) * 86_400_000);
    const room = db().collection("chatRooms").doc("r1");
    await room.set({ members: ["u1"] });
    await room
      .collection("messages")
      .doc("m-old")
      .set({ senderUid: "u1", text: "old", createdAt: old });
    await room
      .collection("messages")
      .doc("m-new")
      .set({ senderUid: "u1", text: "new", createdAt: NOW });
    assert.deepEqual(await archiveOldMessages(), { archived: 1 });
    assert.deepEqual(
      await archiveOldMessages(),
      { archived: 0 },
      "a second run finds nothing more",
    );
    assert.deepEqual(
      (await room.collection("messages").get()).docs.map((d) => d.id),
      ["m-new"],
    );
    assert.equal(
      (
        await db()
          .collection("chatArchive")
          .doc("r1")
          .collection("archivedMessages")
          .doc("m-old")
          .get()
      ).get("text"),
      "old",
    );
  });

  it("retraining writes a versioned threshold per type from reviews, and evaluation scores it", async () => {
    const confs = [0.2, 0.3, 0.4, 0.45, 0.8, 0.85, 0.9];
    for (const [i, c] of confs.entries()) {
      await db()
        .collection("anomalies")
        .doc(`r${i}`)
        .set({
          type: "CRACK",
          confidence: c,
          status: c > 0.5 ? "CONFIRMED" : "REJECTED",
          photoId: "p",
        });
    }
    await db()
      .collection("anomalies")
      .doc("open")
      .set({ type: "CRACK", confidence: 0.1, status: "OPEN", photoId: "p" });
    const r = await retrainModel("anomaly");
    assert.equal(r.samples, confs.length);
    const latest = await latestThresholds("anomaly");
    assert.equal(latest.version, r.version);
    assert.equal(latest.thresholds.CRACK, 0.8);
    const ev = await evaluateModels();
    assert.deepEqual(ev.anomaly.metrics.CRACK, {
      precision: 1,
      recall: 1,
      f1: 1,
      support: confs.length,
    });
  });

  it("image and comparison reports summarise findings", async () => {
    await db()
      .collection("photos")
      .doc("p1")
      .set(photo("p1", { status: "COMPLETED", phash: "00000000000000ff" }));
    await db()
      .collection("photos")
      .doc("p2")
      .set(photo("p2", { status: "COMPLETED", phash: "000000000000000f" }));
    await db()
      .collection("anomalies")
      .doc("a1")
      .set({ photoId: "p1", type: "CORROSION", severity: "MEDIUM", confidence: 0.7 });
    await db()
      .collection("anomalies")
      .doc("a2")
      .set({ photoId: "p2", type: "CRACK", severity: "HIGH", confidence: 0.9 });
    const { reportId } = await generateImageReport("p1");
    const rep = (await db().collection("reports").doc(reportId).get()).data()!;
    assert.equal(rep.worstSeverity, "MEDIUM");
    assert.equal(rep.anomalies.length, 1);
    const cmp = await generateComparisonReport("p1", "p2");
    const c = (await db().collection("reports").doc(cmp.reportId).get()).data()!;
    assert.equal(c.perceptualDistance, 4);
    assert.deepEqual(c.findings.appeared, ["CRACK"]);
    assert.deepEqual(c.findings.resolved, ["CORROSION"]);
    await assert.rejects(generateImageReport("missing"), /not found/);
  });

  it("a scheduler tick enqueues its task once, even when the tick is retried", async () => {
    const tick = "2026-03-02T00:10:00.000Z";
    await enqueueScheduled("generate_daily_analytics", tick);
    await enqueueScheduled("generate_daily_analytics", tick);
    assert.equal(queue.tasks.length, 1);
    assert.equal(queue.tasks[0].queue, "batch");
    assert.deepEqual(queue.tasks[0].payload.args, { date: "2026-03-01" });
    await enqueueScheduled("retrain", tick);
    assert.deepEqual(
      queue.tasks.slice(1).map((t) => t.queue),
      ["ml_training", "ml_training", "ml_training"],
    );
  });
});
