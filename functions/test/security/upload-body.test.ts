// Abuse suite, item 1: multipart bodies that end early or are malformed must answer 400
// with a message, write nothing and leave the process serving (an unhandled stream
// 'error' used to kill it).
import { strict as assert } from "node:assert";
import { connect } from "node:net";
import fc from "fast-check";
import { BUCKET, seedWorld, startApiEnv, tokenFor, type ApiEnv } from "../api/api-env";
import { BOUNDARY, multipart, rawRequest, storedObjects } from "./security-env";

const JPEG_START = Buffer.from([0xff, 0xd8, 0xff]);
const TYPE = { "content-type": `multipart/form-data; boundary=${BOUNDARY}` };

describe("security: hostile multipart bodies on POST photos/", function () {
  let env: ApiEnv;
  before(async function () {
    env = await startApiEnv();
    await seedWorld();
  });
  after(async () => env.dispose());

  async function stillServing(): Promise<void> {
    const r = await rawRequest(env, { method: "GET", path: "photos/statistics/", as: "inspA" });
    assert.equal(r.status, 200, "the API still answers after the hostile request");
  }

  it("400 for a body that ends inside the file part (boundary, part headers, 3 bytes, EOF); nothing written", async function () {
    const r = await rawRequest(env, {
      path: "photos/",
      as: "inspA",
      headers: TYPE,
      body: multipart({ assetId: "asset-a", file: JPEG_START, closed: false }),
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.detail, "malformed multipart body: Unexpected end of form");
    assert.deepEqual(storedObjects(env), []);
    await stillServing();
  });

  it("400 for a body that ends inside the part headers, or right after a boundary", async function () {
    for (const body of [
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filen`),
      Buffer.from(`--${BOUNDARY}\r\n`),
      Buffer.from(`--${BOUNDARY}`),
    ]) {
      const r = await rawRequest(env, { path: "photos/", as: "inspA", headers: TYPE, body });
      assert.equal(r.status, 400, body.toString());
      assert.equal(r.body.detail, "malformed multipart body: Unexpected end of form");
    }
    assert.deepEqual(storedObjects(env), []);
    await stillServing();
  });

  it("400 when the content type has no boundary; 415 when it is not multipart", async function () {
    const noBoundary = await rawRequest(env, {
      path: "photos/",
      as: "inspA",
      headers: { "content-type": "multipart/form-data" },
      body: JPEG_START,
    });
    assert.equal(noBoundary.status, 400);
    assert.equal(noBoundary.body.detail, "expected multipart/form-data with a boundary");
    const text = await rawRequest(env, {
      path: "photos/",
      as: "inspA",
      headers: { "content-type": "text/plain" },
      body: JPEG_START,
    });
    assert.equal(text.status, 415);
    assert.equal(
      text.body.detail,
      "upload photos as multipart/form-data with fields asset_id and image",
    );
    assert.deepEqual(storedObjects(env), []);
  });

  it("413 for a file over the upload limit; nothing written", async function () {
    process.env.MAX_UPLOAD_BYTES = "1024";
    try {
      const body = multipart({ assetId: "asset-a", file: Buffer.alloc(4096, 0xff), closed: true });
      const r = await rawRequest(env, { path: "photos/", as: "inspA", headers: TYPE, body });
      assert.equal(r.status, 413);
      assert.equal(r.body.detail, "file larger than 1024 bytes");
    } finally {
      delete process.env.MAX_UPLOAD_BYTES;
    }
    assert.deepEqual(storedObjects(env), []);
  });

  it("a client that hangs up mid-body leaves the server serving and nothing stored", async function () {
    const body = multipart({
      assetId: "asset-a",
      file: Buffer.alloc(64 * 1024, 0xd8),
      closed: false,
    });
    const url = new URL(env.api.baseUrl);
    await new Promise<void>((resolve) => {
      const s = connect(Number(url.port), url.hostname, () => {
        s.write(
          `POST ${url.pathname}photos/ HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${tokenFor("inspA")}\r\n` +
            `Content-Type: ${TYPE["content-type"]}\r\nContent-Length: ${body.length * 2}\r\n\r\n`,
        );
        s.write(body, () => s.destroy());
      });
      s.on("close", () => resolve());
      s.on("error", () => resolve());
    });
    await stillServing();
    assert.deepEqual(storedObjects(env), []);
  });

  it("property: every prefix of a valid upload is a 202 (complete) or a 400 that stores nothing, never a 500 or a crash", async function () {
    this.timeout(120_000);
    const full = multipart({
      assetId: "asset-a",
      file: Buffer.concat([JPEG_START, Buffer.alloc(200, 7)]),
      closed: true,
    });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: full.length }), async (n) => {
        const before = storedObjects(env);
        const r = await rawRequest(env, {
          path: "photos/",
          as: "inspA",
          headers: TYPE,
          body: full.subarray(0, n),
        });
        assert.ok(
          r.status === 202 || r.status === 400,
          `prefix ${n}: ${r.status} ${JSON.stringify(r.body)}`,
        );
        if (r.status === 400)
          assert.deepEqual(storedObjects(env), before, `prefix ${n} stored something`);
      }),
      { numRuns: 60 },
    );
    await stillServing();
    // Tidy the accepted ones so later cases start from an empty bucket.
    for (const name of storedObjects(env))
      if (name.startsWith(`${BUCKET}/`))
        await env.store.delete(BUCKET, name.slice(BUCKET.length + 1));
  });
});
