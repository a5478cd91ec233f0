// Abuse suite, item 6: a quarantined file (here an SVG with script) kept its content type
// and download?variant=original handed a URL to it to anyone who could see the photo.
// Now only the team's supervisors and admins get it, as a forced download of
// application/octet-stream; everyone else is refused and nothing is audited for them.
import { strict as assert } from "node:assert";
import { HttpsError } from "firebase-functions/v2/https";
import { firestore } from "../../src/firestore";
import { getImageUrlFn } from "../../src/triggers/https";
import {
  BUCKET,
  auditEntries,
  callAs,
  http,
  photoDoc,
  seedWorld,
  startApiEnv,
  type ApiEnv,
} from "../api/api-env";

const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
);
const Q_PATH = "quarantine/inspA/asset-a/evil.svg";

describe("security: quarantined files are served only to reviewers, only as downloads", function () {
  let env: ApiEnv;
  before(async function () {
    env = await startApiEnv();
    await seedWorld();
    const doc = photoDoc("pq-1", {
      teamId: "team-a",
      assetId: "asset-a",
      status: "REJECTED",
      i: 300,
      display: false,
    });
    await firestore()
      .doc("photos/pq-1")
      .set({
        ...doc,
        mime: "image/svg+xml",
        reason: "SVG (vector) images are not accepted",
        paths: { ...doc.paths, original: Q_PATH },
      });
    // As an older quarantine left it: still typed image/svg+xml.
    await env.store.write(BUCKET, Q_PATH, SVG, {
      contentType: "image/svg+xml",
      metadata: { fieldlensRejected: "true" },
    });
  });
  after(async () => env.dispose());

  it("the uploader and other inspectors of the team: 403 with the reason, nothing audited", async function () {
    const r = await http(env, "GET", "photos/pq-1/download/?variant=original", { as: "inspA" });
    assert.equal(r.status, 403);
    assert.equal(
      r.body.detail,
      "a quarantined file is served only to the team's supervisors and admins",
    );
    const display = await http(env, "GET", "photos/pq-1/download/", { as: "inspA" });
    assert.equal(display.status, 403);
    assert.deepEqual(await auditEntries("photos/pq-1"), []);
  });

  it("another team: 404, as if the photo did not exist", async function () {
    const r = await http(env, "GET", "photos/pq-1/download/?variant=original", { as: "supB" });
    assert.equal(r.status, 404);
    assert.equal(r.body.detail, "photo pq-1 not found");
  });

  it("the team's supervisor and an admin: a URL forcing application/octet-stream + attachment, audited", async function () {
    for (const who of ["supA", "admin"] as const) {
      const r = await http(env, "GET", "photos/pq-1/download/?variant=original", { as: who });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.quarantined, true);
      const url = new URL(String(r.body.url));
      assert.equal(url.searchParams.get("response-content-type"), "application/octet-stream");
      assert.equal(
        url.searchParams.get("response-content-disposition"),
        'attachment; filename="evil.svg"',
      );
    }
    const audit = await auditEntries("photos/pq-1");
    assert.equal(audit.length, 2);
    assert.ok(audit.every((a) => (a.details as { quarantined: boolean }).quarantined === true));
  });

  it("the callable applies the same rule", async function () {
    await assert.rejects(
      async () => getImageUrlFn.run(callAs("inspA", { photoId: "pq-1", variant: "original" })),
      (err: unknown) =>
        err instanceof HttpsError &&
        err.code === "permission-denied" &&
        /quarantined file/.test(err.message),
    );
    const ok = (await getImageUrlFn.run(
      callAs("supA", { photoId: "pq-1", variant: "original" }),
    )) as { url: string; quarantined: boolean };
    assert.equal(ok.quarantined, true);
    assert.equal(
      new URL(ok.url).searchParams.get("response-content-type"),
      "application/octet-stream",
    );
  });

  it("ordinary photos keep ordinary URLs", async function () {
    const r = await http(env, "GET", "photos/pa-1/download/", { as: "inspA" });
    assert.equal(r.status, 200);
    assert.equal(r.body.quarantined, false);
    assert.equal(new URL(String(r.body.url)).searchParams.get("response-content-type"), null);
  });
});
