// npm start [-- --inbox <dir>] [--asset <id>] [--uid <uid>] [--port <n>|--no-api] [--state <dir>] [--schedules] [--concurrency <n>]
//             [--firestore-port <n>] [--export-every <seconds>] [--faults <json>] [--verbose]
// Runs the local runtime persistently: the exported functions on local adapters and the
// Firestore emulator, the REST API on localhost, and an inbox folder — drop photos into
// ./inbox (or ./inbox/<assetId>/) and watch them go QUEUED → PROCESSING → COMPLETED.
// All state lives in one folder (.local/, or --state <dir>): the directory bucket, and
// Firestore exported on exit, every minute, and by the emulator's watchdog when this
// process dies, so the next start resumes where this one stopped; what an export missed
// is re-derived from the bucket on start. One runtime per state folder (a lock file).
// Ctrl-C stops it cleanly. With FIRESTORE_EMULATOR_HOST set, that emulator is used as is.
import { join, relative, resolve } from "node:path";

process.env.FIELDLENS_LOG_LEVEL ??= "warn";

const ROOT = resolve(__dirname, "..");

async function main(): Promise<void> {
  const { parseStartArgs, START_USAGE } = await import("../functions/src/local/start-options");
  const parsed = parseStartArgs(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`npm start: ${parsed.error}\n${START_USAGE}`);
    process.exit(2);
  }
  const o = parsed.options;
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const inboxDir = resolve(cwd, o.inbox ?? resolve(ROOT, "inbox"));
  // --state is for tests and side-by-side runs; `npm start` keeps its state in .local/.
  const stateDir = resolve(cwd, o.state ?? resolve(ROOT, ".local"));
  const assetId = o.asset;
  const uid = o.uid;
  const { acquireStateLock, StateLockedError } = await import("../functions/src/local/state-lock");
  let lock;
  try {
    lock = await acquireStateLock(stateDir);
  } catch (err) {
    if (!(err instanceof StateLockedError)) throw err;
    console.error(`npm start: ${err.message}`);
    process.exit(1);
  }
  const firestoreDir = join(stateDir, "firestore");
  const { DEMO_PROJECT } = await import("../functions/src/config");
  process.env.GCLOUD_PROJECT ??= DEMO_PROJECT;
  process.env.GOOGLE_CLOUD_PROJECT ??= process.env.GCLOUD_PROJECT;
  let emulator: {
    host: string;
    pid?: number;
    stop(): Promise<void>;
    exited: Promise<unknown>;
  } | null = null;
  if (!process.env.FIRESTORE_EMULATOR_HOST) {
    const { startEmulator } = await import("./firestore-emulator.mjs");
    const firestorePort = o.firestorePort;
    try {
      emulator = await startEmulator({
        importDir: firestoreDir,
        exportOnDeath: firestoreDir,
        port: firestorePort,
        project: process.env.GCLOUD_PROJECT,
      });
    } catch (err) {
      await lock.release();
      console.error(err instanceof Error ? err.message : String(err));
      process.exit((err as { code?: string }).code === "EMULATOR_MISSING" ? 3 : 1);
    }
    process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
  }
  const { apiPort } = await import("../functions/src/local/serve-api");
  // One default for the docs' curl examples: FIELDLENS_API_PORT, else 8787.
  const port = o.port ?? apiPort();
  const verbose = o.verbose;
  const concurrency = o.concurrency;

  const { LocalRuntime } = await import("../functions/src/local/runtime");
  const { FaultPlanSchema } = await import("../functions/src/schema/local");
  // Fault injection is for npm run soak: off unless asked for, and loud when on.
  const faults = o.faults !== undefined ? FaultPlanSchema.parse(JSON.parse(o.faults)) : undefined;
  const { Inbox } = await import("../functions/src/local/inbox");
  const { exportFirestore } = await import("../functions/src/local/persistence");
  const { seedSampleAsset } = await import("../functions/src/local/samples/generate");
  const { seedLocalAsset, seedLocalUser } = await import("../functions/src/local/seed");
  const { describeEvent } = await import("../functions/src/local/describe-event");
  const { firestore } = await import("../functions/src/firestore");

  const stamp = () => new Date().toISOString().slice(11, 19);
  const say = (line: string) => console.log(`${stamp()} ${line}`);
  const rt = await LocalRuntime.start({
    root: resolve(stateDir, "bucket"),
    maxConcurrency: concurrency,
    outboxJournal: join(stateDir, "outbox.jsonl"),
    faults,
    seed: async () => {
      await seedSampleAsset();
      await seedLocalUser(uid);
    },
    print: (line) => say(line),
    onEvent: (e) => {
      const line = describeEvent(e, verbose);
      if (line) say(line);
    },
  });
  if (faults) {
    say(`FAULT INJECTION ON (soak): ${JSON.stringify(faults)}`);
    // What was injected, for the soak's report (a kill loses at most the last second).
    const { writeFileSync } = await import("node:fs");
    setInterval(
      () =>
        writeFileSync(
          join(stateDir, `faults-${process.pid}.json`),
          JSON.stringify(rt.faults?.counts ?? {}),
        ),
      1000,
    ).unref();
  }
  const rec = rt.startReport;
  if (
    rec &&
    (rec.bucket.repaired ||
      rec.bucket.redelivered ||
      rec.requeued ||
      rec.notices ||
      rec.delivered ||
      rec.errors.length)
  ) {
    say(
      `reconciled with the bucket: ${rec.bucket.repaired} quarantined record(s) re-created (${rec.bucket.rejected} rejected), ${rec.bucket.redelivered} upload(s) without a record delivered again, ${rec.requeued} task(s) re-queued, ${rec.notices} notice(s) and ${rec.delivered} pending push(es) delivered${rec.errors.length ? `; ${rec.errors.length} error(s): ${rec.errors.slice(0, 3).join("; ")}` : ""}`,
    );
  }
  const hosted = rt.describe();
  say(
    `local runtime up (pid ${process.pid}): Firestore emulator at ${process.env.FIRESTORE_EMULATOR_HOST}${emulator?.pid ? ` (pid ${emulator.pid})` : ""}, bucket ${rt.bucket} in ${relative(cwd, resolve(stateDir, "bucket")) || "."}`,
  );
  say(
    `  storage: ${hosted.storage.join(", ")} · queues: ${hosted.queues.join(", ")} · firestore: ${hosted.firestore.join(", ")}`,
  );
  if (o.schedules) {
    const every = rt.startSchedules((name, status) => say(`schedule: ${name} ran (${status})`));
    say(
      `  scheduled on an interval: ${every.map((e) => `${e.name} every ${e.everyMs / 60_000} min`).join(", ") || "none"}; cron schedules are not run`,
    );
  } else
    say(
      `  scheduled (not run; --schedules runs the "every N minutes/hours" ones): ${hosted.scheduled.join(", ")}`,
    );

  let api: { baseUrl: string; close(): Promise<void> } | null = null;
  if (!o.noApi) {
    const { serveApi } = await import("../functions/src/local/serve-api");
    api = await serveApi(port, { staticDir: resolve(ROOT, "hosting") });
    say(`  REST API: ${api.baseUrl}`);
    const { mintLocalToken } = await import("../functions/src/auth/local-token");
    say(
      `  ops dashboard: ${new URL("/", api.baseUrl).href}#token=${mintLocalToken("admin", { role: "admin", teamIds: [] })}`,
    );
  }

  // Status changes of every photo, whoever uploaded it (inbox, API, a script).
  const names = new Map<string, string>();
  let baseline = true;
  const unsubscribe = firestore()
    .collection("photos")
    .onSnapshot((snap) => {
      if (baseline) {
        baseline = false;
        const open = snap.docs.filter(
          (d) => !["COMPLETED", "FAILED", "REJECTED"].includes(String(d.get("status"))),
        );
        say(`${snap.size} photo(s) on record, ${open.length} still in progress`);
        for (const d of snap.docs) names.set(d.id, String(d.get("status")));
        return;
      }
      for (const ch of snap.docChanges()) {
        if (ch.type === "removed") continue;
        const status = String(ch.doc.get("status"));
        const before = names.get(ch.doc.id);
        if (before === status) continue;
        names.set(ch.doc.id, status);
        const reason = ch.doc.get("reason") as string | null;
        say(
          `${String(ch.doc.get("fileName") ?? ch.doc.id)} (${ch.doc.id.slice(0, 8)})  ${before ?? "new"} → ${status}${reason && status !== "COMPLETED" ? `: ${reason}` : ""}`,
        );
      }
    });

  const inbox = new Inbox({
    dir: inboxDir,
    defaultAssetId: assetId,
    anyFile: true,
    upload: async (item) => {
      await seedLocalAsset(item.assetId);
      const { photoId } = await rt.upload(item.file, {
        uid,
        assetId: item.assetId,
        name: item.name,
      });
      say(
        `inbox: ${item.name} → uploads/${uid}/${item.assetId}/${item.name} (photo ${photoId.slice(0, 8)})`,
      );
    },
    onError: (item, err) =>
      say(
        `inbox: could not upload ${item.name}: ${err instanceof Error ? err.message : String(err)}`,
      ),
  });
  await inbox.start();
  say(
    `watching ${relative(cwd, inboxDir) || inboxDir}/ — drop photos in (or into ${relative(cwd, inboxDir) || "inbox"}/<assetId>/). Ctrl-C to stop.`,
  );

  const snapshot = async (): Promise<boolean> => {
    try {
      await exportFirestore(firestoreDir);
      return true;
    } catch (err) {
      say(`could not save Firestore state: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  };
  const exportEvery = o.exportEvery;
  const periodic = setInterval(() => void snapshot(), exportEvery * 1000);
  // Without its emulator the runtime can do nothing: end now; the next start reconciles.
  void emulator?.exited.then(async () => {
    if (stopping) return;
    say(
      "the Firestore emulator ended unexpectedly; stopping (the next start re-derives what was lost)",
    );
    await lock.release();
    process.exit(1);
  });

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    say("stopping: finishing work in flight…");
    clearInterval(periodic);
    await inbox.stop();
    unsubscribe();
    await rt.stop();
    await api?.close();
    const saved = await snapshot();
    await emulator?.stop();
    await lock.release();
    say(
      saved
        ? `state saved in ${relative(cwd, stateDir) || stateDir}/; bye`
        : "bye (the last minute's changes were not saved)",
    );
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
