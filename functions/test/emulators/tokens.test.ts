// npm run tokens' source of real tokens: personas created in the Auth emulator with their
// role claims and signed in there; the emulated API accepts exactly what the roles allow.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { authEmulatorTokens, authEmulatorUp } from "../../src/auth/emulator-tokens";
import { useFirebaseEmulators } from "../helpers/firebase-emulators";
import { tokenPayload } from "../helpers/auth-emulator";
import { REPO_ROOT } from "../helpers/functions-build";

/** `npm run --silent tokens [-- args]` from the repository root, as the README runs it. */
async function npmTokens(authHost: string, project: string, args: string[] = []) {
  const { stdout } = await promisify(execFile)(
    "npm",
    ["run", "--silent", "tokens", ...(args.length ? ["--", ...args] : [])],
    {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, FIREBASE_AUTH_EMULATOR_HOST: authHost, GCLOUD_PROJECT: project },
    },
  );
  const exports = Object.fromEntries(
    [...stdout.matchAll(/^export (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]),
  );
  return { source: stdout.split("\n")[0], exports };
}

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

    it("npm run --silent tokens: the Auth emulator's tokens when it runs, which the emulated API accepts; unsigned local ones otherwise", async function () {
      this.timeout(180_000);
      const e = emulators.get();
      const photos = (token: string | undefined) =>
        fetch(`${e.functionUrl("api")}/api/v1/images/photos/`, {
          headers: { authorization: `Bearer ${token}` },
        }).then((r) => r.status);
      const real = await npmTokens(e.hosts.auth, e.projectId);
      assert.match(real.source, new RegExp(`^# Auth emulator at ${e.hosts.auth}`));
      assert.deepEqual(Object.keys(real.exports).sort(), [
        "ADMIN_TOKEN",
        "INSPECTOR_B_TOKEN",
        "INSPECTOR_TOKEN",
        "SUPERVISOR_B_TOKEN",
        "SUPERVISOR_TOKEN",
      ]);
      assert.equal(tokenPayload(real.exports.SUPERVISOR_TOKEN).role, "supervisor");
      assert.equal(await photos(real.exports.SUPERVISOR_TOKEN), 200);

      const local = await npmTokens(e.hosts.auth, e.projectId, ["--local"]);
      assert.match(local.source, /^# unsigned local tokens \(--local\)/);
      // Told apart by how they came to be: a password sign-in at the emulator, or minted here.
      // (The emulated API would take either for a user the Auth emulator knows: in emulator
      // mode firebase-admin does not check signatures, only the user's revocation state.)
      const provider = (t: string) =>
        (tokenPayload(t).firebase as { sign_in_provider?: string }).sign_in_provider;
      assert.equal(provider(real.exports.SUPERVISOR_TOKEN), "password");
      assert.equal(provider(local.exports.SUPERVISOR_TOKEN), "custom");
      const none = await npmTokens("127.0.0.1:1", e.projectId);
      assert.match(none.source, /^# unsigned local tokens \(no Auth emulator at 127\.0\.0\.1:1\)/);
    });
  });
});
