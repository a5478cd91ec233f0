// The local runtime's parts: Firestore events reach a real onDocument* function with the
// data that was written; document patterns; the bucket watcher's at-least-once delivery
// recorded across restarts; the inbox; the report's escaping and boxes.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir, open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { Timestamp } from "firebase-admin/firestore";
import { onDocumentWritten } from "firebase-functions/v2/firestore";
import { DirectoryObjectStore } from "../../src/adapters/local/directory-store";
import { OutboxMessenger } from "../../src/adapters/local/outbox-messenger";
import { BucketWatcher, eventIdFor, LOCAL_EVENTS_COLLECTION } from "../../src/local/bucket-watcher";
import { FIRESTORE_EVENT, firestoreEvent, taskRequest } from "../../src/local/events";
import { firestoreTriggers, matchPattern } from "../../src/local/firestore-triggers";
import { Inbox } from "../../src/local/inbox";
import { intervalOf, machineConcurrency } from "../../src/local/runtime";
import { QUEUES } from "../../src/tasks/queues";
import { escapeHtml, writeReport } from "../../src/local/report";
import type { PhotoSummary } from "../../src/local/summary";
import { formatTable } from "../../src/local/table";
import type { StoredObject } from "../../src/ports";
import { clearFirestore, db, uniq } from "../helpers/firestore";

// Firestore reserves names of the form __x__ for ids and field names alike.
const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/).filter((s) => !/^__.*__$/.test(s));

describe("local runtime parts", function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    await clearFirestore();
    dir = await mkdtemp(join(tmpdir(), "fieldlens-parts-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("delivers Firestore changes through a function's entry point with the written data", async () => {
    let received: {
      before: unknown;
      after: Record<string, unknown> | undefined;
      params: Record<string, string>;
    } | null = null;
    const fn = onDocumentWritten("propDocs/{docId}", (event) => {
      received = {
        before: event.data?.before.data(),
        after: event.data?.after.data(),
        params: event.params,
      };
    });
    assert.deepEqual(
      firestoreTriggers({ fn }).map((t) => [t.pattern, t.eventType]),
      [["propDocs/{docId}", FIRESTORE_EVENT.written]],
    );
    const scalar = fc.oneof(
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
      fc
        .date({
          min: new Date("1970-01-01T00:00:00Z"),
          max: new Date("2100-01-01T00:00:00Z"),
          noInvalidDate: true,
        })
        .map((d) => Timestamp.fromDate(d)),
    );
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: "small" },
        scalar,
        fc.array(scalar, { maxLength: 4 }),
        fc.dictionary(segment, tie("v"), { maxKeys: 3 }),
      ),
    })).v;
    await fc.assert(
      fc.asyncProperty(fc.dictionary(segment, value, { maxKeys: 6 }), async (data) => {
        const ref = db().collection("propDocs").doc(uniq("d"));
        await ref.set(data);
        const snap = await ref.get();
        await (fn as unknown as (raw: unknown) => Promise<void>)(
          firestoreEvent(FIRESTORE_EVENT.written, ref.path, null, snap),
        );
        assert.ok(received);
        assert.equal(received.before, undefined);
        assert.deepEqual(received.params, { docId: ref.id });
        assert.equal(JSON.stringify(received.after), JSON.stringify(snap.data()));
      }),
      { numRuns: 25 },
    );
  });

  it("matches document patterns segment by segment", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(segment, segment), { minLength: 1, maxLength: 3 }), (pairs) => {
        const pattern = pairs.map(([c], i) => `${c}/{p${i}}`).join("/");
        const path = pairs.map(([c, id]) => `${c}/${id}`).join("/");
        const params = matchPattern(pattern, path);
        assert.deepEqual(params, Object.fromEntries(pairs.map(([, id], i) => [`p${i}`, id])));
        assert.equal(matchPattern(pattern, `${path}/extra/doc`), null);
        assert.equal(matchPattern(pattern, `x${path}`), null);
      }),
    );
  });

  it("sends tasks as Cloud Tasks does: POST, JSON {data}, retry headers", () => {
    const req = taskRequest("high_priority", "queueHighPriority", {
      taskId: "t-1",
      payload: { a: [1, "b"] },
      retryCount: 2,
      executionCount: 1,
      scheduledTime: new Date(0),
    });
    assert.equal(req.method, "POST");
    assert.deepEqual(req.body, { data: { a: [1, "b"] } });
    assert.equal(req.header("x-cloudtasks-taskretrycount"), "2");
    assert.equal(req.header("Content-Type"), "application/json");
    assert.match(req.header("authorization") ?? "", /^Bearer [\w-]+\.[\w-]+\.$/);
  });

  it("delivers each settled upload once, retries a failing delivery, and remembers across restarts", async () => {
    const store = new DirectoryObjectStore(join(dir, "bucket"));
    const delivered: StoredObject[] = [];
    let failuresLeft = 1;
    const make = () =>
      new BucketWatcher({
        store,
        bucket: "b",
        // No rescan during the test: file-system events alone must deliver.
        rescanMs: 60_000,
        deliver: async (o) => {
          if (failuresLeft-- > 0) throw new Error("transient");
          delivered.push(o);
        },
      });
    await store.write("b", "uploads/u/a/one.jpg", Buffer.from("x"), {
      contentType: "image/jpeg",
      metadata: { k: "v" },
    });
    await store.write("b", "photos/p/display.jpg", Buffer.from("y"), { contentType: "image/jpeg" });
    const w1 = make();
    await w1.start();
    while (delivered.length < 1) await new Promise((r) => setTimeout(r, 50));
    await w1.stop();
    assert.equal(delivered.length, 1);
    assert.equal(delivered[0].name, "uploads/u/a/one.jpg");
    assert.deepEqual(delivered[0].metadata, { k: "v" });
    const ev = await db()
      .collection(LOCAL_EVENTS_COLLECTION)
      .doc(eventIdFor("b", delivered[0].name, delivered[0].generation))
      .get();
    assert.equal(ev.get("state"), "DELIVERED");
    assert.equal(ev.get("attempts"), 2);
    // A restarted watcher finds it delivered; a new generation of the same name is new.
    const w2 = make();
    await w2.start();
    await store.write("b", "uploads/u/a/one.jpg", Buffer.from("xx"), { contentType: "image/jpeg" });
    while (delivered.length < 2) await new Promise((r) => setTimeout(r, 50));
    // A full scan looks at the file again; stop() waits for anything it started to deliver.
    await w2.scanNow();
    await w2.stop();
    assert.equal(delivered.length, 2);
    assert.notEqual(delivered[1].generation, delivered[0].generation);
  });

  it("delivers a file copied in by hand only once it has stopped growing, in full", async () => {
    const store = new DirectoryObjectStore(join(dir, "hand"));
    const delivered: StoredObject[] = [];
    const w = new BucketWatcher({
      store,
      bucket: "b",
      settleMs: 300,
      rescanMs: 60_000,
      deliver: async (o) => void delivered.push(o),
    });
    await w.start();
    const target = join(dir, "hand", "b", "uploads", "u", "a", "slow.jpg");
    await mkdir(join(target, ".."), { recursive: true });
    // A slow copy: half the bytes, a pause shorter than the settle time, the rest.
    const fh = await open(target, "w");
    await fh.write(Buffer.alloc(5000, 1));
    await new Promise((r) => setTimeout(r, 100));
    await fh.write(Buffer.alloc(5000, 2));
    await fh.close();
    while (delivered.length < 1) await new Promise((r) => setTimeout(r, 50));
    await w.scanNow();
    await w.stop();
    assert.equal(delivered.length, 1);
    assert.equal(delivered[0].size, 10_000);
  });

  it("fits each queue's local concurrency to the cores, never above the deployed table", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 256 }), fc.integer({ min: 0, max: 256 }), (a, b) => {
        const [few, many] = a <= b ? [a, b] : [b, a];
        const small = machineConcurrency(QUEUES, few);
        const big = machineConcurrency(QUEUES, many);
        for (const q of Object.keys(QUEUES) as (keyof typeof QUEUES)[]) {
          const n = small[q].rateLimits.maxConcurrentDispatches;
          assert.ok(n >= 1 && n <= QUEUES[q].rateLimits.maxConcurrentDispatches);
          assert.ok(n <= big[q].rateLimits.maxConcurrentDispatches);
          // Everything but concurrency is the deployed table's.
          assert.deepEqual(
            { ...small[q], rateLimits: { ...small[q].rateLimits, maxConcurrentDispatches: 0 } },
            { ...QUEUES[q], rateLimits: { ...QUEUES[q].rateLimits, maxConcurrentDispatches: 0 } },
          );
        }
      }),
    );
    assert.equal(machineConcurrency(QUEUES, 2).high_priority.rateLimits.maxConcurrentDispatches, 8);
    assert.equal(machineConcurrency(QUEUES, 2).normal.rateLimits.maxConcurrentDispatches, 4);
  });

  it("uploads inbox files once, per asset folder, and moves them aside", async () => {
    const inboxDir = join(dir, "inbox");
    await mkdir(join(inboxDir, "asset-9"), { recursive: true });
    await writeFile(join(inboxDir, "a.jpg"), "a");
    await writeFile(join(inboxDir, "asset-9", "b.JPG"), "b");
    await writeFile(join(inboxDir, "notes.txt"), "n");
    const seen: string[] = [];
    const inbox = new Inbox({
      dir: inboxDir,
      defaultAssetId: "dflt",
      upload: async (i) => void seen.push(`${i.assetId}/${i.name}`),
    });
    for (let i = 0; i < 3; i++) await inbox.scan();
    assert.deepEqual(seen.sort(), ["asset-9/b.JPG", "dflt/a.jpg"]);
    assert.deepEqual((await readdir(inboxDir)).sort(), [".uploaded", "asset-9", "notes.txt"]);
  });

  it("prints what the outbox would have sent, and records it", async () => {
    const lines: string[] = [];
    const outbox = new OutboxMessenger((l) => lines.push(l));
    const res = await outbox.send({
      tokens: ["t1", "t2"],
      title: "Hi",
      body: "there",
      data: { photoId: "p" },
    });
    assert.deepEqual(res, { sent: 2, invalidTokens: [] });
    assert.equal(outbox.sent.length, 1);
    assert.match(lines[0], /^\[outbox\] to 2 device\(s\): Hi — there \(photoId=p\)$/);
  });

  it("reads 'every N minutes/hours' schedules and leaves cron ones alone", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        (n) =>
          intervalOf(`every ${n} minutes`) === n * 60_000 &&
          intervalOf(`every ${n} hours`) === n * 3_600_000,
      ),
    );
    assert.equal(intervalOf("10 0 * * *"), null);
    assert.equal(intervalOf("every day 00:00"), null);
  });

  it("escapes everything it puts into the report", () => {
    fc.assert(fc.property(fc.string(), (s) => !/[<>"']/.test(escapeHtml(s))));
  });

  it("draws each anomaly's box over its photo in the report, and lists every photo in the table", async () => {
    const store = new DirectoryObjectStore(join(dir, "rbucket"));
    await store.write("b", "photos/p1/display.jpg", Buffer.from("jpeg"), {
      contentType: "image/jpeg",
    });
    const summary: PhotoSummary = {
      file: "<x>.jpg",
      photoId: "p1",
      status: "COMPLETED",
      reason: null,
      takenAt: "2026-01-01T10:00:00+01:00",
      takenAtSource: "DateTimeOriginal",
      gps: { lat: 1, lng: 2 },
      qualityFlags: ["BLURRY"],
      width: 10,
      height: 10,
      anomalies: [
        {
          id: "a",
          type: "CORROSION",
          severity: "HIGH",
          confidence: 0.9,
          box: { x0: 0.1, y0: 0.2, x1: 0.5, y1: 0.6 },
          localized: true,
        },
      ],
      bySeverity: { LOW: 0, MEDIUM: 0, HIGH: 1, CRITICAL: 0 },
      meter: null,
      damage: { category: "corrosion", severity: "HIGH" },
      seconds: 1.5,
      paths: { bucket: "b", display: "photos/p1/display.jpg", thumbnail: null },
    };
    const index = await writeReport(join(dir, "report"), [summary], store, {
      title: "t",
      generatedAt: new Date(0),
      elapsedSeconds: 2,
      unfinished: [],
    });
    const html = await readFile(index, "utf8");
    assert.ok(html.includes("left:10.00%;top:20.00%;width:40.00%;height:40.00%"));
    assert.ok(html.includes("&lt;x&gt;.jpg") && !html.includes("<x>.jpg"));
    assert.equal(await readFile(join(dir, "report", "images", "p1-display.jpg"), "utf8"), "jpeg");
    const table = formatTable([summary]).split("\n");
    assert.equal(table.length, 3);
    assert.match(table[2], /COMPLETED \[BLURRY\].*1H \(CORROSION 90%\).*corrosion\/HIGH.*1\.5s/);
    assert.ok(html.includes("CORROSION HIGH 90%"), "the report shows the engine's confidence");
    const meter = {
      value: 1234,
      unit: "kWh",
      rawText: "01234",
      confidence: 0.42,
      flags: ["LOW_CONFIDENCE"],
      needsReview: true,
    };
    assert.match(
      formatTable([{ ...summary, meter }]).split("\n")[2],
      /1234 kWh 42% \(review LOW_CONFIDENCE\)/,
    );
  });
});
