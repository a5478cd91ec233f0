// npm run eval:fetch -- <mirror-dir> [--shared <fixtures-dir>]   (or EVAL_MIRROR_DIR=...)
// Extracts the photos of the evaluation sets (eval/<set>/labels.json) from local git
// mirrors of the public repositories they come from, into eval/<set>/photos/ (git-ignored:
// the photos are not redistributed here). A mirror of owner/name is looked up as
// <mirror-dir>/owner+name/repo, <mirror-dir>/owner+name, <mirror-dir>/name (bare or with .git).
// CrackForest .seg run-length labels are converted to PNG masks beside the photo; tiles of
// a figure (source.crop) are cut out of it.
// Photos whose source is ../shared/fixtures are copied from there. Exit 0 when every
// listed photo is present afterwards, 1 when some could not be extracted, 2 on bad usage.
import { execFile } from "node:child_process";
import { copyFile, mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { readLabels } from "../functions/src/eval/run-folder";
import { cropTile, maskImageToPng, segToPng } from "../functions/src/eval/seg-mask";
import type { EvalSource } from "../functions/src/schema/eval";
import { EVAL_FETCH_USAGE, parseEvalFetchArgs } from "./eval-fetch-options";

const run = promisify(execFile);
const ROOT = resolve(__dirname, "..");
const EVAL = join(ROOT, "eval");

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null))?.isDirectory() ?? false;
}

async function gitDirFor(mirror: string, repo: string): Promise<string | null> {
  const [owner, name] = repo.split("/");
  for (const base of [
    join(mirror, `${owner}+${name}`, "repo"),
    join(mirror, `${owner}+${name}`),
    join(mirror, name),
  ]) {
    for (const g of [join(base, ".git"), base]) {
      if ((await isDir(join(g, "objects"))) || (await stat(join(g, "HEAD")).catch(() => null)))
        return g;
    }
  }
  return null;
}

async function show(gitDir: string, commit: string, path: string): Promise<Buffer> {
  const { stdout } = await run("git", ["--git-dir", gitDir, "show", `${commit}:${path}`], {
    encoding: "buffer",
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout as unknown as Buffer;
}

async function main(): Promise<number> {
  const args = parseEvalFetchArgs(process.argv.slice(2), process.env.EVAL_MIRROR_DIR);
  if (!args.ok) {
    process.stderr.write(`npm run eval:fetch: ${args.error}\n${EVAL_FETCH_USAGE}\n`);
    return 2;
  }
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const shared = resolve(cwd, args.options.shared ?? join(ROOT, "..", "shared", "fixtures"));
  const mirror = resolve(cwd, args.options.mirror);
  let failed = 0,
    done = 0;
  for (const set of (await readdir(EVAL)).sort()) {
    const labelsPath = join(EVAL, set, "labels.json");
    if (!(await stat(labelsPath).catch(() => null))) continue;
    const labels = await readLabels(labelsPath);
    for (const photo of labels.photos) {
      const src: EvalSource | undefined = photo.source;
      if (!src) continue;
      const out = join(EVAL, set, photo.file);
      await mkdir(dirname(out), { recursive: true });
      try {
        if ("shared" in src) await copyFile(join(shared, src.shared), out);
        else {
          const g = await gitDirFor(mirror, src.repo);
          if (!g) throw new Error(`no mirror of ${src.repo} under ${mirror}`);
          const bytes = await show(g, src.commit, src.path);
          await writeFile(out, src.crop ? await cropTile(bytes, src.crop) : bytes);
          const mask = photo.anomalies !== "none" && photo.anomalies.find((a) => a.mask)?.mask;
          if (mask && src.segPath)
            await writeFile(
              join(EVAL, set, mask),
              await segToPng((await show(g, src.commit, src.segPath)).toString("latin1")),
            );
          else if (mask && src.maskPath)
            await writeFile(
              join(EVAL, set, mask),
              await maskImageToPng(await show(g, src.commit, src.maskPath), src.maskInvert),
            );
        }
        done++;
      } catch (err) {
        failed++;
        process.stderr.write(
          `${set}/${photo.file}: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}\n`,
        );
      }
    }
  }
  process.stdout.write(
    `extracted ${done} photos into eval/*/photos${failed ? `; ${failed} could not be extracted` : ""}\n`,
  );
  return failed ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${String(err?.stack ?? err)}\n`);
      process.exit(1);
    },
  );
}
