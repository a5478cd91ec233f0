// firestore.rules for chat: rooms are the backend's alone (no client creates, updates or
// deletes one, whatever it holds); members read; members post well-formed messages whose
// photos belong to the room's team into open rooms; messages are immutable; the archive
// (chatArchive) is the backend's record, closed to clients.
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
  serverTimestamp,
  setDoc,
  updateDoc,
  where,
  type Firestore,
} from "firebase/firestore";
import { EVERYONE, contextFor, firestoreRulesEnv, type Who } from "./rules-env";

interface Case {
  who: Who;
  what: string;
  allow: boolean;
  run: (db: Firestore) => Promise<unknown>;
}

const room = (o: Record<string, unknown> = {}) => ({
  roomId: "r1",
  kind: "asset",
  assetId: "asset-a",
  teamId: "team-a",
  target: null,
  title: "Pump A",
  members: ["inspA", "supA"],
  mutedBy: [],
  unread: { inspA: 0, supA: 0 },
  lastReadAt: {},
  lastMessageAt: null,
  lastMessagePreview: null,
  closed: false,
  closedAt: null,
  closedReason: null,
  createdBy: "system",
  createdAt: new Date(),
  updatedAt: new Date(),
  ...o,
});

const seed: Record<string, Record<string, unknown>> = {
  "chatRooms/r1": room(),
  "chatRooms/closed": room({ roomId: "closed", closed: true, closedReason: "asset deleted" }),
  // A member list that disagrees with the team (inspB listed in a team-a room): the team check still stops a post.
  "chatRooms/stale": room({ roomId: "stale", members: ["inspA", "inspB"] }),
  "chatRooms/r1/messages/m1": {
    senderUid: "supA",
    text: "hello",
    photoIds: [],
    createdAt: new Date(),
  },
  // Archived by archive_old_messages: the backend's record, closed to every client.
  "chatArchive/r1/archivedMessages/a1": {
    senderUid: "supA",
    text: "old news",
    photoIds: [],
    createdAt: new Date("2026-01-01"),
    archivedAt: new Date(),
  },
  "photos/pa1": { teamId: "team-a" },
  "photos/pa2": { teamId: "team-a" },
  "photos/pb1": { teamId: "team-b" },
};

const message = (senderUid: string, o: Record<string, unknown> = {}) => ({
  senderUid,
  text: "crack on flange",
  photoIds: ["pa1"],
  createdAt: serverTimestamp(),
  ...o,
});
const post = (path: string, data: Record<string, unknown>) => (db: Firestore) =>
  setDoc(doc(db, path), data);

const cases: Case[] = [];
const MEMBERS: readonly Who[] = ["inspA", "supA"];

for (const who of EVERYONE) {
  const member = MEMBERS.includes(who);
  cases.push({
    who,
    what: "read chat room r1",
    allow: member || who === "admin",
    run: (db) => getDoc(doc(db, "chatRooms/r1")),
  });
  cases.push({
    who,
    what: "read message in r1",
    allow: member || who === "admin",
    run: (db) => getDoc(doc(db, "chatRooms/r1/messages/m1")),
  });
  cases.push({
    who,
    what: "post own message in r1",
    allow: member,
    run: post(`chatRooms/r1/messages/new-${who}`, message(who)),
  });
  cases.push({
    who,
    what: "post in a closed room",
    allow: false,
    run: post(`chatRooms/closed/messages/new-${who}`, message(who)),
  });
  // Rooms: no client write of any kind, including the fields a member could once change.
  cases.push({
    who,
    what: "create a room including self",
    allow: false,
    run: post(`chatRooms/new-${who}`, room({ roomId: `new-${who}`, members: [who] })),
  });
  cases.push({
    who,
    what: "create a room for others only",
    allow: false,
    run: post(`chatRooms/other-${who}`, { members: ["someone-else"], title: "t" }),
  });
  cases.push({
    who,
    what: "add self to r1's members",
    allow: false,
    run: (db) => updateDoc(doc(db, "chatRooms/r1"), { members: ["inspA", "supA", who] }),
  });
  cases.push({
    who,
    what: "set r1's title",
    allow: false,
    run: (db) => updateDoc(doc(db, "chatRooms/r1"), { title: "x".repeat(5000) }),
  });
  cases.push({
    who,
    what: "set r1's lastMessageAt in year 9999",
    allow: false,
    run: (db) =>
      updateDoc(doc(db, "chatRooms/r1"), {
        lastMessageAt: Timestamp.fromDate(new Date("9999-01-01")),
      }),
  });
  cases.push({
    who,
    what: "zero own unread in r1",
    allow: false,
    run: (db) => updateDoc(doc(db, "chatRooms/r1"), { [`unread.${who}`]: 0 }),
  });
  cases.push({
    who,
    what: "set own lastReadAt in r1",
    allow: false,
    run: (db) => updateDoc(doc(db, "chatRooms/r1"), { [`lastReadAt.${who}`]: Timestamp.now() }),
  });
  cases.push({
    who,
    what: "read an archived message of r1",
    allow: false,
    run: (db) => getDoc(doc(db, "chatArchive/r1/archivedMessages/a1")),
  });
  cases.push({
    who,
    what: "list r1's archive",
    allow: false,
    run: (db) => getDocs(collection(db, "chatArchive/r1/archivedMessages")),
  });
  cases.push({
    who,
    what: "write a message into the archive",
    allow: false,
    run: post(`chatArchive/r1/archivedMessages/w-${who}`, message(who)),
  });
  cases.push({
    who,
    what: "delete an archived message",
    allow: false,
    run: (db) => deleteDoc(doc(db, "chatArchive/r1/archivedMessages/a1")),
  });
  cases.push({
    who,
    what: "unmute / mute r1 directly",
    allow: false,
    run: (db) => updateDoc(doc(db, "chatRooms/r1"), { mutedBy: [who] }),
  });
  cases.push({
    who,
    what: "reopen a closed room",
    allow: false,
    run: (db) => updateDoc(doc(db, "chatRooms/closed"), { closed: false }),
  });
  cases.push({
    who,
    what: "delete room r1",
    allow: false,
    run: (db) => deleteDoc(doc(db, "chatRooms/r1")),
  });
  cases.push({
    who,
    what: "edit message m1",
    allow: false,
    run: (db) => updateDoc(doc(db, "chatRooms/r1/messages/m1"), { text: "edited" }),
  });
  cases.push({
    who,
    what: "mark message m1 delivered",
    allow: false,
    run: (db) => updateDoc(doc(db, "chatRooms/r1/messages/m1"), { status: "DELIVERED" }),
  });
  cases.push({
    who,
    what: "delete message m1",
    allow: false,
    run: (db) => deleteDoc(doc(db, "chatRooms/r1/messages/m1")),
  });
}

const bad: Array<[string, Record<string, unknown>]> = [
  ["spoofed sender", message("supA")],
  ["2001 characters", message("inspA", { text: "x".repeat(2001) })],
  ["6 photos", message("inspA", { photoIds: ["pa1", "pa2", "pa1", "pa2", "pa1", "pa2"] })],
  ["a photo of team B", message("inspA", { photoIds: ["pa1", "pb1"] })],
  ["a photo that does not exist", message("inspA", { photoIds: ["nope"] })],
  ["photoIds not a list", message("inspA", { photoIds: "pa1" })],
  ["an extra field", message("inspA", { pinned: true })],
  ["a backend field (status)", message("inspA", { status: "DELIVERED" })],
  [
    "a client-chosen createdAt",
    message("inspA", { createdAt: Timestamp.fromDate(new Date(2020, 0, 1)) }),
  ],
  [
    "a far-future createdAt",
    message("inspA", { createdAt: Timestamp.fromDate(new Date("9999-01-01")) }),
  ],
  ["no text and no photos", message("inspA", { text: "   ", photoIds: [] })],
  ["text not a string", message("inspA", { text: 42 })],
  ["a reply to a message of no such id", message("inspA", { replyTo: "missing" })],
  ["a replyTo that is not a string", message("inspA", { replyTo: 7 })],
];
for (const [what, data] of bad)
  cases.push({
    who: "inspA",
    what: `message with ${what}`,
    allow: false,
    run: post(`chatRooms/r1/messages/bad-${what.replace(/\W+/g, "-")}`, data),
  });

const good: Array<[string, Record<string, unknown>]> = [
  ["2000 characters", message("inspA", { text: "x".repeat(2000) })],
  ["5 photos of the team", message("inspA", { photoIds: ["pa1", "pa2", "pa1", "pa2", "pa1"] })],
  ["photos only", message("inspA", { text: "", photoIds: ["pa2"] })],
  ["text only", message("inspA", { photoIds: [] })],
  ["a reply to m1", message("inspA", { replyTo: "m1" })],
  ["replyTo null", message("inspA", { replyTo: null })],
];
for (const [what, data] of good)
  cases.push({
    who: "inspA",
    what: `message with ${what}`,
    allow: true,
    run: post(`chatRooms/r1/messages/ok-${what.replace(/\W+/g, "-")}`, data),
  });

cases.push({
  who: "inspB",
  what: "post in a room listing them but of another team",
  allow: false,
  run: post("chatRooms/stale/messages/b1", message("inspB", { photoIds: [] })),
});
cases.push({
  who: "inspA",
  what: "list own rooms (members array-contains self)",
  allow: true,
  run: (db) =>
    getDocs(query(collection(db, "chatRooms"), where("members", "array-contains", "inspA"))),
});
cases.push({
  who: "inspA",
  what: "list every room",
  allow: false,
  run: (db) => getDocs(collection(db, "chatRooms")),
});
cases.push({
  who: "admin",
  what: "list every room",
  allow: true,
  run: (db) => getDocs(collection(db, "chatRooms")),
});
cases.push({
  who: "supA",
  what: "list r1's messages",
  allow: true,
  run: (db) => getDocs(collection(db, "chatRooms/r1/messages")),
});
cases.push({
  who: "supB",
  what: "list r1's messages",
  allow: false,
  run: (db) => getDocs(collection(db, "chatRooms/r1/messages")),
});

describe("firestore.rules: chat rooms and messages", function () {
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

  it("asserts both sides for every person", function () {
    for (const who of EVERYONE)
      if (!cases.some((c) => c.who === who && !c.allow))
        throw new Error(`no denial asserted for ${who}`);
    for (const who of [...MEMBERS, "admin"] as const)
      if (!cases.some((c) => c.who === who && c.allow))
        throw new Error(`no allowance asserted for ${who}`);
  });

  for (const c of cases) {
    it(`${c.allow ? "allows" : "denies"} ${c.who}: ${c.what}`, async function () {
      const db = contextFor(env, c.who).firestore() as unknown as Firestore;
      await (c.allow ? assertSucceeds(c.run(db)) : assertFails(c.run(db)));
    });
  }
});
