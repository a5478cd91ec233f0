// firestore.rules for presence/{uid}: the backend writes it (mirror, heartbeat, sweep);
// a user reads their own, their teams' members' (by the teamIds copied onto the
// document) and admins read all; no client writes any, not even their own.
import {
  assertFails,
  assertSucceeds,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import {
  Timestamp,
  collection,
  deleteDoc,
  doc,
  getDoc,
  getDocs,
  query,
  setDoc,
  updateDoc,
  where,
  type Firestore,
} from "firebase/firestore";
import { EVERYONE, PEOPLE, contextFor, firestoreRulesEnv, type Who } from "./rules-env";

const at = new Date("2026-11-20T10:00:00Z");
const presence = (uid: string, teamIds: string[], state = "online") => ({
  uid,
  state,
  lastChanged: at,
  lastSeen: at,
  source: "rtdb",
  teamIds,
});
const seed: Record<string, Record<string, unknown>> = {
  "presence/inspA": presence("inspA", ["team-a"]),
  "presence/inspB": presence("inspB", ["team-b"]),
  "presence/loner": presence("loner", []),
  "presence/both": presence("both", ["team-a", "team-b"]),
};

const teamsOf = (who: Who): string[] =>
  who === "anon" || who === "noRole"
    ? []
    : [...((PEOPLE[who] as { teamIds?: readonly string[] }).teamIds ?? [])];

interface Case {
  who: Who;
  what: string;
  allow: boolean;
  run: (db: Firestore) => Promise<unknown>;
}
const cases: Case[] = [];
for (const who of EVERYONE) {
  const hasRole = who !== "anon" && who !== "noRole";
  for (const [path, data] of Object.entries(seed)) {
    const teams = data.teamIds as string[];
    const allow = who === "admin" || (hasRole && teams.some((t) => teamsOf(who).includes(t)));
    cases.push({
      who,
      what: `read ${path} (teams ${teams.join(",") || "none"})`,
      allow,
      run: (db) => getDoc(doc(db, path)),
    });
  }
  if (who !== "anon") {
    cases.push({
      who,
      what: "write own presence",
      allow: false,
      run: (db) => setDoc(doc(db, `presence/${who}`), presence(who, teamsOf(who))),
    });
    cases.push({
      who,
      what: "heartbeat own presence (lastSeen only)",
      allow: false,
      run: (db) =>
        setDoc(doc(db, `presence/${who}`), { state: "online", lastSeen: Timestamp.now() }),
    });
  }
  cases.push({
    who,
    what: "set inspA offline",
    allow: false,
    run: (db) => updateDoc(doc(db, "presence/inspA"), { state: "offline" }),
  });
  cases.push({
    who,
    what: "widen inspA's teamIds",
    allow: false,
    run: (db) => updateDoc(doc(db, "presence/inspA"), { teamIds: ["team-a", "team-b"] }),
  });
  cases.push({
    who,
    what: "delete presence/inspB",
    allow: false,
    run: (db) => deleteDoc(doc(db, "presence/inspB")),
  });
}
// Own presence is readable even with no team in common (a profile without teams).
seed["presence/noRole"] = presence("noRole", []);
cases.push({
  who: "noRole",
  what: "read own presence",
  allow: true,
  run: (db) => getDoc(doc(db, "presence/noRole")),
});
cases.push({
  who: "supA",
  what: "list team-a's presence",
  allow: true,
  run: (db) =>
    getDocs(query(collection(db, "presence"), where("teamIds", "array-contains-any", ["team-a"]))),
});
cases.push({
  who: "supA",
  what: "list everyone's presence",
  allow: false,
  run: (db) => getDocs(collection(db, "presence")),
});
cases.push({
  who: "supA",
  what: "list team-b's presence",
  allow: false,
  run: (db) =>
    getDocs(query(collection(db, "presence"), where("teamIds", "array-contains-any", ["team-b"]))),
});

describe("firestore.rules: presence", function () {
  let env: RulesTestEnvironment;
  before(async function () {
    env = await firestoreRulesEnv();
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (ctx) => {
      for (const [path, data] of Object.entries(seed))
        await setDoc(doc(ctx.firestore(), path), data);
    });
  });
  after(() => env?.cleanup());

  for (const c of cases) {
    it(`${c.allow ? "allows" : "denies"} ${c.who}: ${c.what}`, async function () {
      const db = contextFor(env, c.who).firestore() as unknown as Firestore;
      await (c.allow ? assertSucceeds(c.run(db)) : assertFails(c.run(db)));
    });
  }
});
