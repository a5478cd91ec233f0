// Keeps the emulator's data across runs of `npm start`: the runtime exports it into a
// folder (on shutdown and now and then), and the launcher seeds the next emulator from
// the newest export (with-firestore-emulator.mjs --import).
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { DEMO_PROJECT, runtimeEnv } from "../config";

const KEEP = 2;

export async function exportFirestore(dir: string): Promise<string> {
  const env = runtimeEnv();
  const host = env.firestoreEmulatorHost;
  const project = env.projectId ?? DEMO_PROJECT;
  if (!host) throw new Error("FIRESTORE_EMULATOR_HOST is not set");
  const target = resolve(dir);
  await mkdir(target, { recursive: true });
  const res = await fetch(`http://${host}/emulator/v1/projects/${project}:export`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      database: `projects/${project}/databases/(default)`,
      export_directory: target,
    }),
  });
  if (!res.ok) throw new Error(`emulator export failed: ${res.status} ${await res.text()}`);
  await prune(target);
  return target;
}

/** Drops all but the newest exports (each export is a full copy). */
async function prune(dir: string): Promise<void> {
  const subs = (await readdir(dir, { withFileTypes: true })).filter(
    (e) => e.isDirectory() && e.name.startsWith("firestore_export_"),
  );
  const dated = await Promise.all(
    subs.map(async (e) => ({
      path: join(dir, e.name),
      mtime: (await stat(join(dir, e.name))).mtimeMs,
    })),
  );
  for (const old of dated.sort((a, b) => b.mtime - a.mtime).slice(KEEP))
    await rm(old.path, { recursive: true, force: true });
}
