// Contract test of the production ObjectStore: the real @google-cloud/storage client,
// pointed (apiEndpoint) at a loopback server that speaks the subset of the Cloud Storage
// JSON API the adapter uses: multipart upload, object get/media, list, rewrite, delete.
import { strict as assert } from "node:assert";
import { createHash, generateKeyPairSync } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Storage } from "@google-cloud/storage";
import { GcsObjectStore } from "../../src/adapters/gcp/storage";

function crc32c(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k += 1) c = (c >>> 1) ^ (0x82f63b78 & -(c & 1));
  }
  return ~c >>> 0;
}

interface FakeObject {
  data: Buffer;
  contentType?: string;
  metadata: Record<string, string>;
  generation: string;
}

class FakeGcs {
  readonly objects = new Map<string, FakeObject>();
  readonly requests: string[] = [];
  private gen = 1_700_000_000_000_000;

  resource(bucket: string, name: string, o: FakeObject) {
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32c(o.data));
    return {
      kind: "storage#object",
      id: `${bucket}/${name}/${o.generation}`,
      bucket,
      name,
      generation: o.generation,
      metageneration: "1",
      contentType: o.contentType,
      size: String(o.data.length),
      md5Hash: createHash("md5").update(o.data).digest("base64"),
      crc32c: crc.toString("base64"),
      metadata: o.metadata,
    };
  }

  handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://x");
    this.requests.push(`${req.method} ${url.pathname}`);
    const json = (status: number, v: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(v));
    };
    const notFound = () =>
      json(404, {
        error: {
          code: 404,
          message: "No such object",
          errors: [{ reason: "notFound", message: "No such object" }],
        },
      });
    let m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    if (req.method === "POST" && m && url.searchParams.get("uploadType") === "multipart") {
      const boundary = /boundary="?([^";]+)"?/.exec(
        req.headers["content-type"] ?? "",
      )?.[1] as string;
      const parts = body.toString("latin1").split(`--${boundary}`).slice(1, -1);
      const partBody = (p: string) =>
        Buffer.from(p.slice(p.indexOf("\r\n\r\n") + 4, p.length - 2), "latin1");
      const meta = JSON.parse(partBody(parts[0]).toString("utf8")) as {
        name?: string;
        contentType?: string;
        metadata?: Record<string, string>;
      };
      const name = meta.name ?? (url.searchParams.get("name") as string);
      const o: FakeObject = {
        data: partBody(parts[1]),
        contentType: meta.contentType,
        metadata: meta.metadata ?? {},
        generation: String((this.gen += 1)),
      };
      this.objects.set(`${m[1]}/${name}`, o);
      return json(200, this.resource(m[1], name, o));
    }
    m = /^\/storage\/v1\/b\/([^/]+)\/o\/([^/]+)\/rewriteTo\/b\/([^/]+)\/o\/([^/]+)$/.exec(
      url.pathname,
    );
    if (req.method === "POST" && m) {
      const src = this.objects.get(`${m[1]}/${decodeURIComponent(m[2])}`);
      if (!src) return notFound();
      const patch = body.length
        ? (JSON.parse(body.toString("utf8")) as {
            contentType?: string;
            metadata?: Record<string, string>;
          })
        : {};
      const dst: FakeObject = {
        data: src.data,
        contentType: patch.contentType ?? src.contentType,
        metadata: patch.metadata ?? src.metadata,
        generation: String((this.gen += 1)),
      };
      const dstName = decodeURIComponent(m[4]);
      this.objects.set(`${m[3]}/${dstName}`, dst);
      return json(200, {
        kind: "storage#rewriteResponse",
        done: true,
        totalBytesRewritten: String(dst.data.length),
        objectSize: String(dst.data.length),
        resource: this.resource(m[3], dstName, dst),
      });
    }
    m = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    if (req.method === "GET" && m) {
      // objects.list: name order, maxResults per page, the token is the last name returned.
      const bucket = m[1];
      const prefix = url.searchParams.get("prefix") ?? "";
      const after = url.searchParams.get("pageToken") ?? "";
      const max = Number(url.searchParams.get("maxResults") ?? 1000);
      const names = [...this.objects.keys()]
        .filter((k) => k.startsWith(`${bucket}/`))
        .map((k) => k.slice(bucket.length + 1))
        .filter((n) => n.startsWith(prefix) && n > after)
        .sort();
      const page = names.slice(0, max);
      return json(200, {
        kind: "storage#objects",
        items: page.map((n) => this.resource(bucket, n, this.objects.get(`${bucket}/${n}`)!)),
        ...(names.length > max ? { nextPageToken: page.at(-1) } : {}),
      });
    }
    m = /^\/(?:download\/)?storage\/v1\/b\/([^/]+)\/o\/([^/]+)$/.exec(url.pathname);
    if (m) {
      const key = `${m[1]}/${decodeURIComponent(m[2])}`;
      const o = this.objects.get(key);
      if (req.method === "DELETE") {
        if (!o) return notFound();
        this.objects.delete(key);
        res.writeHead(204);
        return void res.end();
      }
      if (!o) return notFound();
      if (url.searchParams.get("alt") === "media") {
        const r = this.resource(m[1], decodeURIComponent(m[2]), o);
        res.writeHead(200, {
          "content-type": o.contentType ?? "application/octet-stream",
          "x-goog-hash": `crc32c=${r.crc32c},md5=${r.md5Hash}`,
          "x-goog-generation": o.generation,
        });
        return void res.end(o.data);
      }
      return json(200, this.resource(m[1], decodeURIComponent(m[2]), o));
    }
    json(400, {
      error: { code: 400, message: `fake GCS does not speak ${req.method} ${url.pathname}` },
    });
  }
}

describe("GcsObjectStore against a local Cloud Storage JSON API endpoint", () => {
  let server: http.Server;
  let fake: FakeGcs;
  let store: GcsObjectStore;
  const B = "demo-fieldlens.appspot.com";

  before(async () => {
    fake = new FakeGcs();
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => fake.handle(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    // A throwaway service-account key: signing a URL is local, nothing is sent anywhere.
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    store = new GcsObjectStore(
      () =>
        new Storage({
          apiEndpoint: `http://127.0.0.1:${port}`,
          projectId: "demo-fieldlens",
          credentials: {
            client_email: "ingest@demo-fieldlens.iam.gserviceaccount.com",
            private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
          },
          retryOptions: { autoRetry: false },
        }),
    );
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it("writes with content type and custom metadata, reads the same bytes back", async () => {
    const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) & 0xff));
    await store.write(B, "photos/p1/display.jpg", data, {
      contentType: "image/jpeg",
      metadata: { fieldlensDerived: "true", photoId: "p1" },
    });
    const stored = fake.objects.get(`${B}/photos/p1/display.jpg`);
    assert.equal(stored?.contentType, "image/jpeg");
    assert.deepEqual(stored?.metadata, { fieldlensDerived: "true", photoId: "p1" });
    assert.deepEqual(await store.read(B, "photos/p1/display.jpg"), data);
    assert.equal(await store.exists(B, "photos/p1/display.jpg"), true);
    assert.equal(await store.exists(B, "photos/p1/nothing.jpg"), false);
  });

  it("moves to quarantine with merged metadata (rewrite + delete); a missing source is not an error", async () => {
    await store.write(B, "uploads/u/a/bad.jpg", Buffer.from("nope"), {
      contentType: "image/jpeg",
      metadata: { firebaseStorageDownloadTokens: "t" },
    });
    await store.move(B, "uploads/u/a/bad.jpg", "quarantine/u/a/bad.jpg", {
      reason: "not an image",
    });
    assert.equal(fake.objects.has(`${B}/uploads/u/a/bad.jpg`), false);
    const q = fake.objects.get(`${B}/quarantine/u/a/bad.jpg`);
    assert.deepEqual(q?.metadata, { firebaseStorageDownloadTokens: "t", reason: "not an image" });
    assert.equal(q?.contentType, "image/jpeg");
    assert.equal(q?.data.toString(), "nope");
    await store.move(B, "uploads/u/a/bad.jpg", "quarantine/u/a/bad.jpg", { reason: "again" });
    assert.equal(fake.objects.get(`${B}/quarantine/u/a/bad.jpg`)?.metadata.reason, "not an image");
  });

  it("lists a prefix page by page, with generation, size and custom metadata", async () => {
    for (const n of ["c", "a", "b"])
      await store.write(B, `listed/u/${n}.jpg`, Buffer.from(n.repeat(3)), {
        contentType: "image/jpeg",
        metadata: { photoId: n },
      });
    await store.write(B, "elsewhere/z.jpg", Buffer.from("z"), { contentType: "image/jpeg" });
    const first = await store.list(B, "listed/", { maxResults: 2 });
    assert.deepEqual(
      first.objects.map((o) => o.name),
      ["listed/u/a.jpg", "listed/u/b.jpg"],
    );
    assert.equal(first.objects[0].size, 3);
    assert.deepEqual(first.objects[0].metadata, { photoId: "a" });
    assert.equal(first.objects[0].generation, fake.objects.get(`${B}/listed/u/a.jpg`)?.generation);
    assert.ok(first.nextPageToken);
    const second = await store.list(B, "listed/", {
      maxResults: 2,
      pageToken: first.nextPageToken,
    });
    assert.deepEqual(
      second.objects.map((o) => o.name),
      ["listed/u/c.jpg"],
    );
    assert.equal(second.nextPageToken, null);
  });

  it("deletes idempotently", async () => {
    await store.write(B, "tmp/x", Buffer.from("x"), { contentType: "text/plain" });
    await store.delete(B, "tmp/x");
    await store.delete(B, "tmp/x");
    assert.equal(await store.exists(B, "tmp/x"), false);
  });

  it("signs v4 read URLs and names objects by gs:// URI", async () => {
    const url = new URL(await store.signedUrl(B, "photos/p1/display.jpg", 600));
    assert.equal(url.searchParams.get("X-Goog-Algorithm"), "GOOG4-RSA-SHA256");
    assert.equal(url.searchParams.get("X-Goog-Expires"), "600");
    assert.match(url.searchParams.get("X-Goog-Credential") ?? "", /^ingest@demo-fieldlens/);
    assert.match(url.pathname, /photos\/p1\/display\.jpg$/);
    assert.equal(store.uri(B, "photos/p1/display.jpg"), `gs://${B}/photos/p1/display.jpg`);
  });

  it("signs download URLs for quarantined objects with the octet-stream and attachment overrides in the signature", async () => {
    const url = new URL(
      await store.signedUrl(B, "quarantine/u/a/evil.svg", 600, {
        download: { fileName: "evil.svg" },
      }),
    );
    assert.equal(url.searchParams.get("response-content-type"), "application/octet-stream");
    assert.equal(
      url.searchParams.get("response-content-disposition"),
      'attachment; filename="evil.svg"',
    );
    assert.equal(
      new URL(await store.signedUrl(B, "photos/p1/display.jpg", 600)).searchParams.get(
        "response-content-type",
      ),
      null,
    );
  });
});
