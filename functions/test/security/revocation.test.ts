// Abuse suite, item 8 (part): review actions and signed-URL requests must stop a revoked
// or disabled user at once, not when their ID token expires within the hour. The callable
// framework checks signature and expiry only, so those callables verify the token again
// with checkRevoked. firebase-admin asks Firebase Auth about the user (accounts:lookup);
// here a loopback endpoint speaking the Auth emulator's protocol answers for it.
import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpsError } from "firebase-functions/v2/https";
import { firestore } from "../../src/firestore";
import {
  confirmAnomalyFn,
  getImageUrlFn,
  getStatisticsFn,
  resolveDamageReportFn,
} from "../../src/triggers/https";
import { auditEntries, callAs, seedWorld, startApiEnv, type ApiEnv } from "../api/api-env";

interface AuthUser {
  validSinceSeconds: number;
  disabled: boolean;
}

describe("security: revoked and disabled users are stopped at once where it matters", function () {
  let env: ApiEnv;
  let server: Server;
  const users = new Map<string, AuthUser>();
  const lookups: string[] = [];

  before(async function () {
    env = await startApiEnv();
    await seedWorld();
    server = createServer((req, res) => {
      let raw = "";
      req.on("data", (c) => (raw += c));
      req.on("end", () => {
        const ids = (JSON.parse(raw || "{}") as { localId?: string[] }).localId ?? [];
        lookups.push(...ids);
        const found = ids
          .filter((id) => users.has(id))
          .map((id) => ({
            localId: id,
            validSince: String(users.get(id)!.validSinceSeconds),
            disabled: users.get(id)!.disabled,
          }));
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ kind: "identitytoolkit#GetAccountInfoResponse", users: found }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    // Production verification (firebase-admin), pointed at the local Auth endpoint.
    delete process.env.FIELDLENS_LOCAL_AUTH;
    process.env.FIREBASE_AUTH_EMULATOR_HOST = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    delete process.env.FIREBASE_AUTH_EMULATOR_HOST;
    await new Promise((r) => server.close(r));
    await env.dispose();
  });
  beforeEach(() => {
    const now = Math.floor(Date.now() / 1000);
    users.set("supA", { validSinceSeconds: now - 3600, disabled: false });
    lookups.length = 0;
  });

  async function refused(
    fn: { run: (r: never) => unknown },
    data: unknown,
    message: string,
  ): Promise<void> {
    await assert.rejects(
      async () => fn.run(callAs("supA", data)),
      (err: unknown) =>
        err instanceof HttpsError && err.code === "unauthenticated" && err.message === message,
    );
  }

  it("a supervisor whose sessions were revoked after the token was issued cannot review or fetch URLs; nothing is written", async function () {
    users.set("supA", { validSinceSeconds: Math.floor(Date.now() / 1000) + 60, disabled: false });
    const before = (await firestore().doc("anomalies/an-a").get()).data();
    await refused(
      confirmAnomalyFn,
      { anomalyId: "an-a", confirmed: true },
      "ID token revoked: sign in again",
    );
    await refused(
      resolveDamageReportFn,
      { reportId: "dr-a", note: "fixed" },
      "ID token revoked: sign in again",
    );
    await refused(getImageUrlFn, { photoId: "pa-1" }, "ID token revoked: sign in again");
    assert.deepEqual((await firestore().doc("anomalies/an-a").get()).data(), before);
    assert.equal((await firestore().doc("damageReports/dr-a").get()).get("status"), "OPEN");
    assert.deepEqual(await auditEntries("anomalies/an-a"), []);
    assert.deepEqual(await auditEntries("photos/pa-1"), []);
    assert.ok(lookups.includes("supA"), "Firebase Auth was asked");
  });

  it("a disabled account is refused the same way", async function () {
    users.set("supA", { validSinceSeconds: 0, disabled: true });
    await refused(
      confirmAnomalyFn,
      { anomalyId: "an-a", confirmed: true },
      "this account is disabled",
    );
  });

  it("an unrevoked supervisor reviews and gets URLs as before; plain reads do not ask Auth", async function () {
    const r = (await getImageUrlFn.run(callAs("supA", { photoId: "pa-1" }))) as { url: string };
    assert.ok(r.url);
    assert.deepEqual(lookups, ["supA"]);
    lookups.length = 0;
    await getStatisticsFn.run(callAs("supA", {}));
    assert.deepEqual(lookups, [], "statistics relies on the framework's check (token lifetime)");
  });
});
