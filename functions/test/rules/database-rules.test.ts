// database.rules.json (Realtime Database: status/{uid} for presence). No RTDB emulator
// runs on this machine, so the structure is checked here; the access matrix runs when
// FIREBASE_DATABASE_EMULATOR_HOST points at a running one (e.g. under
// `firebase emulators:exec --only database,firestore`), and otherwise says NOT RUN.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
} from "@firebase/rules-unit-testing";
import { ref, serverTimestamp, set, get, remove, onDisconnect } from "firebase/database";
import { REPO_ROOT, hostPort } from "./rules-env";

const RULES_TEXT = readFileSync(resolve(REPO_ROOT, "database.rules.json"), "utf8");
type Node = { [k: string]: string | boolean | Node };
const RULES = (JSON.parse(RULES_TEXT) as { rules: Node }).rules;
const FIREBASE_JSON = JSON.parse(readFileSync(resolve(REPO_ROOT, "firebase.json"), "utf8")) as {
  database?: { rules?: string };
};

async function databaseEmulatorReachable(): Promise<boolean> {
  const hp = hostPort("FIREBASE_DATABASE_EMULATOR_HOST");
  if (!hp) return false;
  try {
    await fetch(`http://${hp.host}:${hp.port}/.json?ns=demo-fieldlens-rules`, {
      signal: AbortSignal.timeout(1500),
    });
    return true;
  } catch {
    return false;
  }
}

describe("database.rules.json", function () {
  it("is deployed by firebase.json and closes everything but status/{own uid}", function () {
    assert.equal(FIREBASE_JSON.database?.rules, "database.rules.json");
    assert.equal(RULES[".read"], false);
    assert.equal(RULES[".write"], false);
    assert.deepEqual(Object.keys(RULES).sort(), [".read", ".write", "status"]);
    const status = RULES.status as Node;
    assert.deepEqual(
      Object.keys(status),
      ["$uid"],
      "no rule on status itself: nobody lists everyone's status",
    );
    const own = status.$uid as Node;
    assert.equal(own[".read"], "auth != null && auth.uid === $uid");
    assert.equal(own[".write"], "auth != null && auth.uid === $uid");
  });

  it("bounds the status shape: exactly state (one of three) and a numeric last_changed no later than the server's now (ServerValue.TIMESTAMP)", function () {
    const own = (RULES.status as Node).$uid as Node;
    assert.equal(own[".validate"], "newData.hasChildren(['state', 'last_changed'])");
    const state = (own.state as Node)[".validate"] as string;
    assert.match(state, /^newData\.isString\(\) && /);
    assert.deepEqual([...state.matchAll(/newData\.val\(\) === '(\w+)'/g)].map((m) => m[1]).sort(), [
      "away",
      "offline",
      "online",
    ]);
    assert.equal(
      (own.last_changed as Node)[".validate"],
      "newData.isNumber() && newData.val() <= now",
    );
    assert.deepEqual(own.$other, { ".validate": false }, "no other child may be written");
  });

  it("enforces the matrix on a Realtime Database emulator (or reports that none was reachable)", async function () {
    if (!(await databaseEmulatorReachable())) {
      console.log(
        "\n    NOTE: database.rules.json matrix NOT RUN: no Realtime Database emulator reachable (set FIREBASE_DATABASE_EMULATOR_HOST to run it). Only the structure was checked.\n",
      );
      if (process.env.FIELDLENS_REQUIRE_DATABASE_EMULATOR === "1")
        throw new Error(
          "FIELDLENS_REQUIRE_DATABASE_EMULATOR=1 but no Realtime Database emulator is reachable",
        );
      return;
    }
    const hp = hostPort("FIREBASE_DATABASE_EMULATOR_HOST")!;
    const env = await initializeTestEnvironment({
      projectId: "demo-fieldlens-rules",
      database: { ...hp, rules: RULES_TEXT },
    });
    try {
      const me = env.authenticatedContext("u1").database();
      const other = env.authenticatedContext("u2").database();
      const anon = env.unauthenticatedContext().database();
      await assertSucceeds(
        set(ref(me, "status/u1"), { state: "online", last_changed: serverTimestamp() }),
      );
      await assertSucceeds(
        onDisconnect(ref(me, "status/u1")).set({
          state: "offline",
          last_changed: serverTimestamp(),
        }),
      );
      await assertSucceeds(get(ref(me, "status/u1")));
      await assertFails(get(ref(other, "status/u1")));
      await assertFails(get(ref(me, "status")));
      await assertFails(
        set(ref(other, "status/u1"), { state: "offline", last_changed: serverTimestamp() }),
      );
      await assertFails(
        set(ref(anon, "status/u1"), { state: "offline", last_changed: serverTimestamp() }),
      );
      await assertFails(
        set(ref(me, "status/u1"), { state: "invisible", last_changed: serverTimestamp() }),
      );
      await assertFails(set(ref(me, "status/u1"), { state: "online" }));
      await assertFails(
        set(ref(me, "status/u1"), { state: "online", last_changed: Date.now() + 3_600_000 }),
      );
      await assertFails(
        set(ref(me, "status/u1"), { state: "online", last_changed: Date.now() + 30_000 }),
      );
      await assertFails(
        set(ref(me, "status/u1"), {
          state: "online",
          last_changed: serverTimestamp(),
          role: "admin",
        }),
      );
      await assertFails(set(ref(me, "elsewhere/x"), { a: 1 }));
      await assertSucceeds(remove(ref(me, "status/u1")));
    } finally {
      await env.cleanup();
    }
  });
});
