// firestore.rules as a role × collection × action matrix. Every row asserts either
// assertSucceeds or assertFails, so a denial that starts to pass fails the suite too.
import {
  assertFails,
  assertSucceeds,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import { deleteDoc, doc, getDoc, setDoc, updateDoc, type Firestore } from "firebase/firestore";
import { EVERYONE, contextFor, firestoreRulesEnv, type Who } from "./rules-env";

interface Case {
  who: Who;
  what: string;
  allow: boolean;
  run: (db: Firestore) => Promise<unknown>;
}

const TEAM_SCOPED = [
  "assets",
  "photos",
  "analyses",
  "anomalies",
  "meterReadings",
  "damageReports",
] as const;
const TEAM_OF_DOC = { a1: "team-a", b1: "team-b", n1: null } as const;
const ROLE_TEAMS: Record<Who, string[] | "all"> = {
  inspA: ["team-a"],
  supA: ["team-a"],
  inspB: ["team-b"],
  supB: ["team-b"],
  admin: "all",
  noRole: [],
  anon: [],
};
const WRITE_OPS = ["create", "update", "delete"] as const;
type WriteOp = (typeof WRITE_OPS)[number];

function canSee(who: Who, teamId: string | null): boolean {
  const teams = ROLE_TEAMS[who];
  return teams === "all" || (teamId !== null && teams.includes(teamId));
}

function write(
  op: WriteOp,
  db: Firestore,
  path: string,
  data: Record<string, unknown>,
): Promise<unknown> {
  if (op === "create") return setDoc(doc(db, path), data);
  if (op === "update") return updateDoc(doc(db, path), data);
  return deleteDoc(doc(db, path));
}

const cases: Case[] = [];
const seed: Record<string, Record<string, unknown>> = {};

// Team-scoped collections: reads follow the team; writes are backend-only (assets: admins).
for (const col of TEAM_SCOPED) {
  for (const [id, teamId] of Object.entries(TEAM_OF_DOC)) {
    seed[`${col}/${id}`] = { teamId, status: "OPEN", assetId: "asset-1" };
    for (const who of EVERYONE) {
      cases.push({
        who,
        what: `read ${col} of ${teamId ?? "no team"}`,
        allow: canSee(who, teamId),
        run: (db) => getDoc(doc(db, `${col}/${id}`)),
      });
    }
  }
  for (const op of WRITE_OPS) {
    for (const who of EVERYONE) {
      const path = `${col}/${op}-${who}`;
      if (op !== "create") seed[path] = { teamId: "team-a", status: "OPEN" };
      cases.push({
        who,
        what: `${op} ${col} (own team)`,
        allow: col === "assets" && who === "admin",
        run: (db) => write(op, db, path, { teamId: "team-a", status: "CONFIRMED" }),
      });
    }
  }
}

// Server-owned fields: even a team's supervisor cannot set status or review findings directly.
for (const [path, data] of [
  ["photos/a1", { status: "COMPLETED" }],
  ["anomalies/a1", { status: "CONFIRMED", review: { uid: "supA" } }],
  ["meterReadings/a1", { status: "CORRECTED", correctedValue: 1 }],
  ["damageReports/a1", { status: "RESOLVED" }],
  ["photos/a1", { teamId: "team-b" }],
] as const) {
  for (const who of ["inspA", "supA"] as const) {
    cases.push({
      who,
      what: `set server-owned ${Object.keys(data).join(",")} on ${path}`,
      allow: false,
      run: (db) => updateDoc(doc(db, path), data),
    });
  }
}

// Backend-only collections: who may read, and nobody writes (not even admins).
const BACKEND: Record<string, (who: Who) => boolean> = {
  "tasks/t1": (who) => who === "admin",
  "budget/2026-11": (who) => who === "admin",
  "budget/2026-11/shards/3": () => false,
  "budget/2026-11/charges/p1_LABEL_DETECTION": () => false,
  "analytics/2026-11-24": (who) => who === "admin" || who === "supA" || who === "supB",
  "visionCache/k1": () => false,
  "auditLog/l1": (who) => who === "admin",
  "notifications/n1": (who) => who === "admin" || who === "inspA",
  "models/anomaly/versions/v1": (who) => who === "admin",
};
seed["notifications/n1"] = { target: { uids: ["inspA"], topic: null }, status: "SENT" };
for (const [path, canRead] of Object.entries(BACKEND)) {
  seed[path] ??= { state: "OK" };
  for (const who of EVERYONE) {
    cases.push({
      who,
      what: `read ${path}`,
      allow: canRead(who),
      run: (db) => getDoc(doc(db, path)),
    });
    cases.push({
      who,
      what: `update ${path}`,
      allow: false,
      run: (db) => updateDoc(doc(db, path), { state: "X" }),
    });
    cases.push({
      who,
      what: `create under ${path.split("/")[0]}`,
      allow: false,
      run: (db) => setDoc(doc(db, `${path}-new-${who}`), { state: "X" }),
    });
    cases.push({
      who,
      what: `delete ${path}`,
      allow: false,
      run: (db) => deleteDoc(doc(db, path)),
    });
  }
}

// Profiles: own (and, for supervisors, their team's) readable; only own fcmTokens writable.
for (const uid of ["inspA", "supA", "inspB", "supB", "admin"]) {
  seed[`users/${uid}`] = {
    uid,
    role: "x",
    teamIds: ROLE_TEAMS[uid as Who] === "all" ? [] : ROLE_TEAMS[uid as Who],
    fcmTokens: [],
  };
}
for (const who of EVERYONE) {
  cases.push({
    who,
    what: "read users/inspA",
    allow: who === "inspA" || who === "supA" || who === "admin",
    run: (db) => getDoc(doc(db, "users/inspA")),
  });
  cases.push({
    who,
    what: "read users/inspB",
    allow: who === "inspB" || who === "supB" || who === "admin",
    run: (db) => getDoc(doc(db, "users/inspB")),
  });
  cases.push({
    who,
    what: "set fcmTokens of users/inspB",
    allow: who === "inspB",
    run: (db) => updateDoc(doc(db, "users/inspB"), { fcmTokens: ["tok-1"] }),
  });
  if (who !== "anon") {
    const own = `users/${who}`;
    cases.push({
      who,
      what: "raise own role",
      allow: false,
      run: (db) => updateDoc(doc(db, own), { role: "admin" }),
    });
    cases.push({
      who,
      what: "widen own teamIds",
      allow: false,
      run: (db) => updateDoc(doc(db, own), { teamIds: ["team-a", "team-b"] }),
    });
    cases.push({
      who,
      what: "create own profile",
      allow: false,
      run: (db) =>
        setDoc(doc(db, `users/${who}-2`), { uid: who, role: "admin", teamIds: [], fcmTokens: [] }),
    });
    cases.push({
      who,
      what: "delete own profile",
      allow: false,
      run: (db) => deleteDoc(doc(db, own)),
    });
  }
}
cases.push({
  who: "inspA",
  what: "too many fcmTokens",
  allow: false,
  run: (db) =>
    updateDoc(doc(db, "users/inspA"), { fcmTokens: Array.from({ length: 21 }, (_, i) => `t${i}`) }),
});
cases.push({
  who: "inspA",
  what: "fcmTokens not a list",
  allow: false,
  run: (db) => updateDoc(doc(db, "users/inspA"), { fcmTokens: "tok" }),
});

// Presence: test/rules/presence-rules.test.ts.
// Chat rooms and messages: test/rules/chat-rules.test.ts.

// Anything unlisted is closed.
for (const who of EVERYONE) {
  cases.push({
    who,
    what: "read an unknown collection",
    allow: false,
    run: (db) => getDoc(doc(db, "secrets/s1")),
  });
  cases.push({
    who,
    what: "write an unknown collection",
    allow: false,
    run: (db) => setDoc(doc(db, `secrets/${who}`), { x: 1 }),
  });
}

describe("firestore.rules: role × collection × action", function () {
  let env: RulesTestEnvironment;

  before(async function () {
    env = await firestoreRulesEnv();
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (ctx) => {
      const db = ctx.firestore();
      for (const [path, data] of Object.entries(seed)) await setDoc(doc(db, path), data);
    });
  });

  after(async function () {
    await env?.cleanup();
  });

  it("asserts a denial for every role on every team-scoped collection (admins own assets)", function () {
    for (const col of TEAM_SCOPED) {
      for (const who of EVERYONE.filter((w) => !(w === "admin" && col === "assets"))) {
        const rows = cases.filter((c) => c.who === who && c.what.includes(` ${col}`));
        if (!rows.some((c) => !c.allow)) throw new Error(`no denial asserted for ${who} on ${col}`);
      }
    }
    if (!cases.some((c) => c.allow) || !cases.some((c) => !c.allow))
      throw new Error("matrix lost one side");
  });

  for (const c of cases) {
    it(`${c.allow ? "allows" : "denies"} ${c.who}: ${c.what}`, async function () {
      const db = contextFor(env, c.who).firestore() as unknown as Firestore;
      await (c.allow ? assertSucceeds(c.run(db)) : assertFails(c.run(db)));
    });
  }
});
