// The production Vision adapter (the real @google-cloud/vision client, REST transport)
// against a loopback endpoint speaking the Vision REST protocol and replaying the
// recorded responses in test/fixtures/vision.
import { strict as assert } from "node:assert";
import { GcpVisionProvider } from "../../src/adapters/gcp/vision";
import { PermanentError, TransientError } from "../../src/errors";
import { ALL_FEATURES, VisionFeatureSchema } from "../../src/schema/vision";
import { normalizeResponse } from "../../src/analysis/normalize";
import { FAKE_TOKEN, fakeAuthClient } from "../helpers/fake-google-auth";
import { LoopbackServer } from "../helpers/loopback-server";
import { loadVisionFixture } from "../helpers/replay-vision";

const IMAGE = "gs://fieldlens-test/photos/p1/display.jpg";

describe("contract: GcpVisionProvider over REST", () => {
  let server: LoopbackServer;
  let vision: GcpVisionProvider;

  beforeEach(async () => {
    server = await new LoopbackServer().start();
    vision = new GcpVisionProvider({
      fallback: true,
      apiEndpoint: "127.0.0.1",
      port: server.port,
      protocol: "http",
      authClient: fakeAuthClient(),
    } as ConstructorParameters<typeof GcpVisionProvider>[0]);
  });
  afterEach(() => server.stop());

  const replay = (name: string) => server.reply(loadVisionFixture(name));

  it("sends one images:annotate request with every feature (as integers) on the gs:// URI", async () => {
    replay("corroded-pipe");
    const res = await vision.annotate({
      imageUri: IMAGE,
      features: ALL_FEATURES,
      model: "builtin/stable",
    });
    assert.equal(server.requests.length, 1);
    const req = server.requests[0];
    assert.equal(req.method, "POST");
    const url = new URL(req.url, "http://x");
    assert.equal(url.pathname, "/v1/images:annotate");
    // REST transport asks for integer enums; feature types are sent as Feature.Type numbers.
    assert.equal(url.searchParams.get("$alt"), "json;enum-encoding=int");
    assert.equal(req.headers.authorization, `Bearer ${FAKE_TOKEN}`);
    assert.equal(req.headers["content-type"], "application/json");
    const body = JSON.parse(req.body);
    assert.equal(body.requests.length, 1);
    assert.deepEqual(body.requests[0].image, { source: { imageUri: IMAGE } });
    // google.cloud.vision.v1.Feature.Type: LABEL 4, TEXT 5, IMAGE_PROPERTIES 7, SAFE_SEARCH 6, OBJECT_LOCALIZATION 19.
    const expected: Record<string, number> = {
      LABEL_DETECTION: 4,
      TEXT_DETECTION: 5,
      SAFE_SEARCH_DETECTION: 6,
      IMAGE_PROPERTIES: 7,
      OBJECT_LOCALIZATION: 19,
    };
    assert.deepEqual(
      body.requests[0].features,
      VisionFeatureSchema.options.map((f) => ({
        type: expected[f],
        maxResults: 50,
        model: "builtin/stable",
      })),
    );

    // The response keeps Vision's shape: what the analysis reads is all there.
    const n = normalizeResponse(res);
    assert.deepEqual(
      n.labels.map((l) => l.description),
      ["Pipe", "Rust", "Metal", "Plumbing"],
    );
    assert.equal(n.text, "LINE 7\n");
    assert.deepEqual(n.objects[0], {
      name: "Rust",
      score: 0.8834,
      box: { x0: 0.12, y0: 0.31, x1: 0.58, y1: 0.77 },
    });
    // Omitted zero coordinates come back as 0.
    assert.deepEqual(n.objects[1].box, { x0: 0, y0: 0.22, x1: 1, y1: 0.86 });
    assert.equal(n.colors[0].hex, "#8e4e29");
    assert.equal(n.safeSearch?.adult, "VERY_UNLIKELY");
    assert.equal(res.error, undefined);
  });

  it("turns a per-image INVALID_ARGUMENT error into a PermanentError", async () => {
    replay("per-image-error");
    await assert.rejects(
      vision.annotate({ imageUri: IMAGE, features: ALL_FEATURES, model: "builtin/stable" }),
      (err: unknown) => {
        assert.ok(err instanceof PermanentError, String(err));
        assert.match((err as Error).message, /Bad image data/);
        return true;
      },
    );
  });

  it("turns HTTP 429 RESOURCE_EXHAUSTED into a TransientError (the task retries)", async () => {
    replay("quota-exceeded");
    await assert.rejects(
      vision.annotate({ imageUri: IMAGE, features: ALL_FEATURES, model: "builtin/stable" }),
      (err: unknown) => {
        assert.ok(err instanceof TransientError, String(err));
        assert.match((err as Error).message, /Quota exceeded/);
        return true;
      },
    );
    // RESOURCE_EXHAUSTED is not one of the client's own retry codes: one request only.
    assert.equal(server.requests.length, 1);
  });

  it("turns HTTP 400 INVALID_ARGUMENT into a PermanentError", async () => {
    replay("invalid-argument");
    await assert.rejects(
      vision.annotate({ imageUri: IMAGE, features: ["LABEL_DETECTION"], model: "builtin/latest" }),
      (err: unknown) => {
        assert.ok(err instanceof PermanentError, String(err));
        assert.match((err as Error).message, /Request must specify image and features/);
        return true;
      },
    );
    assert.deepEqual(JSON.parse(server.requests[0].body).requests[0].features, [
      { type: 4, maxResults: 50, model: "builtin/latest" },
    ]);
  });
});
