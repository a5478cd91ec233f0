// npm run tokens' source of real tokens: personas created in the Auth emulator with their
// role claims and signed in there; the emulated API accepts exactly what the roles allow.
import { strict as assert } from "node:assert";
import { authEmulatorTokens, authEmulatorUp } from "../../src/auth/emulator-tokens";
import { useFirebaseEmulators } from "../helpers/firebase-emulators";
import { tokenPayload } from "../helpers/auth-emulator";

describe("emulator tokens (npm run tokens)", function () {
  this.timeout(60_000);

  it("refuses anything but a loopback Auth emulator", async () => {
    assert.equal(await authEmulatorUp("identitytoolkit.googleapis.com:443"), false);
    await assert.rejects(
      authEmulatorTokens("auth.example.com:9099", "demo-fieldlens", []),
      /refusing/,
    );
  });

  it("finds no Auth emulator on a closed port", async () => {
    assert.equal(await authEmulatorUp("127.0.0.1:1"), false);
  });

  describe("against the Auth emulator", () => {
    const emulators = useFirebaseEmulators();
    const saved = process.env.FIREBASE_AUTH_EMULATOR_HOST;
    after(() => {
      if (saved === undefined) delete process.env.FIREBASE_AUTH_EMULATOR_HOST;
      else process.env.FIREBASE_AUTH_EMULATOR_HOST = saved;
    });

    it("creates the personas with their claims (twice over: the second run updates) and the emulated API honours the tokens", async () => {
      const e = emulators.get();
      assert.equal(await authEmulatorUp(e.hosts.auth), true);
      const personas = [
        { uid: "tok-inspector", role: "inspector", teamIds: ["team-t"] },
        { uid: "tok-admin", role: "admin", teamIds: [] },
      ];
      await authEmulatorTokens(e.hosts.auth, e.projectId, personas);
      const tokens = await authEmulatorTokens(e.hosts.auth, e.projectId, personas);
      const p = tokenPayload(tokens["tok-inspector"]);
      assert.equal(p.sub, "tok-inspector");
      assert.equal(p.role, "inspector");
      assert.deepEqual(p.teamIds, ["team-t"]);
      const batch = await fetch(`${e.functionUrl("api")}/api/v1/images/photos/batch_analyze/`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${tokens["tok-inspector"]}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ photo_ids: ["x"] }),
      });
      assert.equal(batch.status, 403, "an inspector may not batch-analyze");
      const list = await fetch(`${e.functionUrl("api")}/api/v1/images/photos/`, {
        headers: { authorization: `Bearer ${tokens["tok-admin"]}` },
      });
      assert.equal(list.status, 200);
    });
  });
});
