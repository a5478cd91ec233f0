// The bucket watcher under load and under a failing Firestore: a burst of uploads is
// delivered with a bounded number of deliveries at once, every one exactly once, and a
// failure of the watcher's own bookkeeping is retried instead of escaping (an unhandled
// rejection ends the runtime) or leaving the upload undelivered until the next start.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DocumentReference } from "firebase-admin/firestore";
import { DirectoryObjectStore } from "../../src/adapters/local/directory-store";
import { BucketWatcher, LOCAL_EVENTS_COLLECTION } from "../../src/local/bucket-watcher";
import { clearFirestore } from "../helpers/firestore";

describe("local/bucket-watcher", function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(async () => {
    await clearFirestore();
    dir = await mkdtemp(join(tmpdir(), "fieldlens-watcher-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("delivers a burst with at most maxConcurrentDeliveries at once, each upload once", async () => {
    const store = new DirectoryObjectStore(dir);
    for (let i = 0; i < 12; i++)
      await store.write("b", `uploads/u/a/${i}.jpg`, Buffer.from(`x${i}`), {
        contentType: "image/jpeg",
      });
    let now = 0;
    let most = 0;
    const names: string[] = [];
    const w = new BucketWatcher({
      store,
      bucket: "b",
      rescanMs: 60_000,
      maxConcurrentDeliveries: 3,
      deliver: async (o) => {
        most = Math.max(most, ++now);
        // Hold the slot across a few turns of the event loop, as a real decode would.
        await new Promise((r) => setTimeout(r, 20));
        names.push(o.name);
        now -= 1;
      },
    });
    await w.start();
    await w.scanNow();
    while (names.length < 12) await new Promise((r) => setTimeout(r, 20));
    await w.stop();
    assert.equal(most, 3);
    assert.deepEqual(
      [...names].sort(),
      Array.from({ length: 12 }, (_, i) => `uploads/u/a/${i}.jpg`).sort(),
    );
  });

  it("retries its own bookkeeping when Firestore fails, without an unhandled rejection", async () => {
    const store = new DirectoryObjectStore(dir);
    await store.write("b", "uploads/u/a/one.jpg", Buffer.from("x"), { contentType: "image/jpeg" });
    const original = DocumentReference.prototype.set;
    let failures = 2;
    DocumentReference.prototype.set = function (this: DocumentReference, ...args: unknown[]) {
      if (this.parent.id === LOCAL_EVENTS_COLLECTION && failures > 0) {
        failures -= 1;
        return Promise.reject(Object.assign(new Error("1 CANCELLED: Call cancelled"), { code: 1 }));
      }
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    const delivered: string[] = [];
    const w = new BucketWatcher({
      store,
      bucket: "b",
      rescanMs: 60_000,
      deliver: async (o) => void delivered.push(o.name),
    });
    try {
      await w.start();
      while (delivered.length < 1) await new Promise((r) => setTimeout(r, 50));
      await w.scanNow();
      await w.stop();
    } finally {
      DocumentReference.prototype.set = original;
      process.off("unhandledRejection", onUnhandled);
    }
    assert.equal(failures, 0, "both injected failures were met");
    assert.deepEqual(unhandled, []);
    assert.deepEqual(delivered, ["uploads/u/a/one.jpg"]);
  });
});
