// DirectoryObjectStore: the ObjectStore port over a local folder (the local runtime's bucket).
import { strict as assert } from "node:assert";
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { DirectoryObjectStore } from "../../../src/adapters/local/directory-store";

const B = "bucket-1";

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)).map((p) => `${e.name}/${p}`) : [e.name],
  );
}

describe("adapters/local/directory-store", () => {
  let root: string;
  let store: DirectoryObjectStore;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "fieldlens-dirstore-"));
    store = new DirectoryObjectStore(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("round-trips bytes, content type and custom metadata for any object name", async () => {
    let runs = 0;
    const segment = fc
      .stringMatching(/^[A-Za-z0-9_ -][A-Za-z0-9_. -]{0,11}$/)
      .filter((s) => s !== "." && s !== "..");
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.uint8Array({ maxLength: 2048 }),
        fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.string()),
        async (parts, data, metadata) => {
          // A fresh prefix per run: a folder cannot be both an object and a "directory"
          // (GCS's flat namespace allows "a" and "a/b" together; a file system does not).
          runs += 1;
          const name = [`run${runs}`, ...parts].join("/");
          await store.write(B, name, Buffer.from(data), { contentType: "image/jpeg", metadata });
          assert.deepEqual(await store.read(B, name), Buffer.from(data));
          const st = await store.stat(B, name);
          assert.equal(st?.size, data.length);
          assert.equal(st?.contentType, "image/jpeg");
          assert.deepEqual(st?.metadata, { ...metadata });
          assert.equal(await store.exists(B, name), true);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("keeps sidecars out of the bucket folder, and each write gets a new, larger generation", async () => {
    await store.write(B, "uploads/u/a/x.jpg", Buffer.from("1"), {
      contentType: "image/jpeg",
      metadata: { k: "v" },
    });
    const g1 = (await store.stat(B, "uploads/u/a/x.jpg"))?.generation;
    await store.write(B, "uploads/u/a/x.jpg", Buffer.from("22"), { contentType: "image/jpeg" });
    const st = await store.stat(B, "uploads/u/a/x.jpg");
    assert.ok(BigInt(st?.generation ?? "0") > BigInt(g1 ?? "0"));
    assert.deepEqual(st?.metadata, {});
    assert.deepEqual(walk(join(root, B)), ["uploads/u/a/x.jpg"]);
  });

  it("moves with merged metadata, and a missing source is not an error", async () => {
    await store.write(B, "uploads/u/a/bad.jpg", Buffer.from("nope"), {
      contentType: "text/plain",
      metadata: { owner: "u" },
    });
    await store.move(B, "uploads/u/a/bad.jpg", "quarantine/u/a/bad.jpg", {
      reason: "not an image",
    });
    assert.equal(await store.exists(B, "uploads/u/a/bad.jpg"), false);
    const q = await store.stat(B, "quarantine/u/a/bad.jpg");
    assert.deepEqual(q?.metadata, { owner: "u", reason: "not an image" });
    assert.equal(q?.contentType, "text/plain");
    assert.equal((await store.read(B, "quarantine/u/a/bad.jpg")).toString(), "nope");
    await store.move(B, "uploads/u/a/bad.jpg", "quarantine/u/a/bad.jpg", { reason: "again" });
    assert.equal((await store.stat(B, "quarantine/u/a/bad.jpg"))?.metadata.reason, "not an image");
  });

  it("deletes (idempotently), reports absence, and describes hand-dropped files", async () => {
    await store.write(B, "a/b.jpg", Buffer.from("x"), { contentType: "image/jpeg" });
    await store.delete(B, "a/b.jpg");
    await store.delete(B, "a/b.jpg");
    assert.equal(await store.exists(B, "a/b.jpg"), false);
    assert.equal(await store.stat(B, "a/b.jpg"), null);
    await assert.rejects(store.read(B, "a/b.jpg"));
    mkdirSync(join(root, B, "uploads", "u", "a"), { recursive: true });
    writeFileSync(join(root, B, "uploads", "u", "a", "dropped.jpg"), "abc");
    const st = await store.stat(B, "uploads/u/a/dropped.jpg");
    assert.equal(st?.size, 3);
    assert.deepEqual(st?.metadata, {});
    assert.match(st?.generation ?? "", /^\d+$/);
  });

  it("refuses names that would escape the bucket", async () => {
    for (const bad of ["../x", "a/../../x", "/etc/passwd", "a//b", "", "a/./b"]) {
      await assert.rejects(
        store.write(B, bad, Buffer.from("x"), { contentType: "text/plain" }),
        /invalid object name/,
        bad,
      );
    }
    await assert.rejects(store.read(".meta", "x"), /invalid bucket/);
  });

  it("maps file paths under the bucket folder back to object names", () => {
    assert.equal(
      store.objectNameOf(B, join(store.bucketDir(B), "uploads", "u", "a", "x.jpg")),
      "uploads/u/a/x.jpg",
    );
    assert.equal(store.objectNameOf(B, join(root, ".meta", B, "uploads", "x.jpg.json")), null);
    assert.equal(store.objectNameOf(B, join(root, "other-bucket", "x.jpg")), null);
  });

  it("gives file URIs that point at the object", async () => {
    await store.write(B, "photos/p/display.jpg", Buffer.from("x"), { contentType: "image/jpeg" });
    assert.equal(
      fileURLToPath(store.uri(B, "photos/p/display.jpg")),
      join(root, B, "photos", "p", "display.jpg"),
    );
    const signed = new URL(await store.signedUrl(B, "photos/p/display.jpg", 60));
    assert.ok(Number(signed.searchParams.get("expires")) > Date.now() / 1000);
  });

  it("lists any set of objects under a prefix exactly once, in name order, whatever the page size", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.tuple(
            fc.constantFrom("uploads", "quarantine", "photos"),
            fc.constantFrom("u1", "u2"),
            fc.stringMatching(/^[a-z0-9]{1,6}\.jpg$/),
          ),
          { maxLength: 12, selector: (t) => t.join("/") },
        ),
        fc.integer({ min: 1, max: 5 }),
        async (parts, pageSize) => {
          const dir = mkdtempSync(join(tmpdir(), "fieldlens-list-"));
          try {
            const s = new DirectoryObjectStore(dir);
            const names = parts.map((p) => p.join("/"));
            for (const n of names)
              await s.write("b", n, Buffer.from(n), { contentType: "image/jpeg" });
            const seen: string[] = [];
            let token: string | null = null;
            for (let i = 0; i <= names.length; i++) {
              const page: Awaited<ReturnType<DirectoryObjectStore["list"]>> = await s.list(
                "b",
                "uploads/",
                { maxResults: pageSize, pageToken: token },
              );
              assert.ok(page.objects.length <= pageSize);
              seen.push(...page.objects.map((o) => o.name));
              token = page.nextPageToken;
              if (!token) break;
            }
            assert.equal(token, null);
            assert.deepEqual(seen, names.filter((n) => n.startsWith("uploads/")).sort());
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
