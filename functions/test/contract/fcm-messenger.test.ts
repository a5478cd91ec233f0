// Contract test of the production Messenger: the real firebase-admin messaging client
// talks to a loopback HTTPS endpoint that speaks FCM's HTTP v1 protocol
// (projects/{p}/messages:send), answering like FCM does for good and dead tokens.
import assert from "node:assert/strict";
import https from "node:https";
import tls from "node:tls";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { initializeApp, deleteApp, type App } from "firebase-admin/app";
import { getMessaging } from "firebase-admin/messaging";
import { FcmMessenger } from "../../src/adapters/gcp/messenger";

const TLS_DIR = join(__dirname, "..", "fixtures", "tls");

interface Seen {
  path: string;
  auth: string | undefined;
  body: {
    message: {
      token: string;
      notification: { title: string; body: string };
      data: Record<string, string>;
    };
  };
}

describe("FcmMessenger against a local FCM v1 endpoint", () => {
  let server: https.Server;
  let app: App;
  const seen: Seen[] = [];

  before(async () => {
    server = https.createServer(
      {
        key: readFileSync(join(TLS_DIR, "key.pem")),
        cert: readFileSync(join(TLS_DIR, "cert.pem")),
      },
      (req, res) => {
        let raw = "";
        req.on("data", (c) => (raw += c));
        req.on("end", () => {
          const body = JSON.parse(raw) as Seen["body"];
          seen.push({ path: req.url ?? "", auth: req.headers.authorization, body });
          res.setHeader("content-type", "application/json");
          const payload = Buffer.byteLength(
            JSON.stringify({ notification: body.message.notification, data: body.message.data }),
          );
          if (body.message.token === "refuse" || payload > 4096) {
            // What FCM answers for a message it will not take (too large, a reserved key).
            res.statusCode = 400;
            res.end(
              JSON.stringify({
                error: {
                  code: 400,
                  message: "Request contains an invalid argument.",
                  status: "INVALID_ARGUMENT",
                  details: [
                    {
                      "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                      errorCode: "INVALID_ARGUMENT",
                    },
                  ],
                },
              }),
            );
          } else if (body.message.token === "dead") {
            res.statusCode = 404;
            res.end(
              JSON.stringify({
                error: {
                  code: 404,
                  message: "Requested entity was not found.",
                  status: "NOT_FOUND",
                  details: [
                    {
                      "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                      errorCode: "UNREGISTERED",
                    },
                  ],
                },
              }),
            );
          } else if (body.message.token === "busy") {
            res.statusCode = 503;
            res.end(
              JSON.stringify({
                error: {
                  code: 503,
                  message: "The service is currently unavailable.",
                  status: "UNAVAILABLE",
                  details: [
                    {
                      "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                      errorCode: "UNAVAILABLE",
                    },
                  ],
                },
              }),
            );
          } else {
            res.end(JSON.stringify({ name: `projects/demo-fieldlens/messages/0:${seen.length}` }));
          }
        });
      },
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    // Every connection the client opens to fcm.googleapis.com lands on the local endpoint.
    const agent = new https.Agent({ keepAlive: false });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (agent as any).createConnection = () =>
      tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, servername: "localhost" });
    app = initializeApp(
      {
        projectId: "demo-fieldlens",
        httpAgent: agent,
        credential: {
          getAccessToken: async () => ({ access_token: "test-token", expires_in: 3600 }),
        },
      },
      `fcm-contract-${Date.now()}`,
    );
    // HTTP/1.1 transport: the one that honours httpAgent.
    getMessaging(app).enableLegacyHttpTransport();
  });
  after(async () => {
    await deleteApp(app);
    await new Promise((r) => server.close(r));
  });

  it("sends one v1 request per token with the notification and data, and reports dead tokens", async () => {
    const res = await new FcmMessenger(app).send({
      tokens: ["good-1", "dead", "good-2"],
      title: "Findings need attention",
      body: "2 high",
      data: { photoId: "p1" },
    });
    assert.deepEqual(res, { sent: 2, invalidTokens: ["dead"] });
    assert.equal(seen.length, 3);
    for (const s of seen) {
      assert.equal(s.path, "/v1/projects/demo-fieldlens/messages:send");
      assert.equal(s.auth, "Bearer test-token");
      assert.deepEqual(s.body.message.notification, {
        title: "Findings need attention",
        body: "2 high",
      });
      assert.deepEqual(s.body.message.data, { photoId: "p1" });
    }
    assert.deepEqual(seen.map((s) => s.body.message.token).sort(), ["dead", "good-1", "good-2"]);
  });

  it("never reports a device as dead when FCM refuses the message itself (invalid-argument)", async () => {
    const res = await new FcmMessenger(app).send({
      tokens: ["refuse", "good-3"],
      title: "t",
      body: "b",
      data: {},
    });
    assert.deepEqual(res, { sent: 1, invalidTokens: [] });
  });

  it("fits an oversized payload (a 10 KB chat message) under FCM's limit before sending, so it is delivered", async () => {
    seen.length = 0;
    const long = "ü".repeat(5000);
    const res = await new FcmMessenger(app).send({
      tokens: ["good-4", "good-5"],
      title: "New message",
      body: long,
      data: { roomId: "r1", text: long, "google.sent_time": "1" },
    });
    assert.deepEqual(res, { sent: 2, invalidTokens: [] });
    for (const s of seen) {
      const bytes = Buffer.byteLength(
        JSON.stringify({ notification: s.body.message.notification, data: s.body.message.data }),
      );
      assert.ok(
        bytes <= 4096,
        `sent ${bytes} bytes to ${s.body.message.token}: ${JSON.stringify(s.body.message.data).slice(0, 200)}`,
      );
      assert.equal(s.body.message.data.roomId, "r1");
      assert.equal(s.body.message.data["google.sent_time"], undefined, "reserved keys are dropped");
      assert.ok(
        s.body.message.notification.body.endsWith("…") &&
          long.startsWith(s.body.message.notification.body.slice(0, -1)),
      );
    }
  });

  it("throws a transient error when FCM is unavailable for every device, so delivery is retried", async () => {
    await assert.rejects(
      new FcmMessenger(app).send({ tokens: ["busy"], title: "t", body: "b", data: {} }),
      (e: Error) => e.name === "TransientError",
    );
  });
});
