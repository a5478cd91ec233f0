// HEIC decode memory: decodes one HEIC per child process (so each peak is its own) with
// the same decoder ingest uses, and prints peak RSS and CPU per file. The figures set
// HEIC_BYTES_PER_PIXEL in functions/src/ingest/derive.ts (docs/benchmarks.md).
// Usage: npm run --silent bench:heic -- <file.heic>... (large test grids: scripts/heic-grid.py)
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

async function decodeOnce(file: string): Promise<void> {
  const { openSource } = await import("../functions/src/ingest/derive");
  const buf = readFileSync(file);
  const before = process.memoryUsage().rss;
  const t0 = process.cpuUsage();
  // Ingest's own HEIC path, uncapped, so the figure is what the decoder needs.
  const { width, height } = await openSource(buf, "heic", Number.MAX_SAFE_INTEGER, {
    heicMaxPixels: Number.MAX_SAFE_INTEGER,
  });
  const cpu = process.cpuUsage(t0);
  const r = process.resourceUsage();
  console.log(
    JSON.stringify({
      file,
      bytes: buf.length,
      width,
      height,
      megapixels: +((width * height) / 1e6).toFixed(1),
      baselineRssMiB: +(before / 2 ** 20).toFixed(0),
      peakRssMiB: +(r.maxRSS / 1024).toFixed(0),
      cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(1),
    }),
  );
}

if (process.argv[2] === "--child") {
  void decodeOnce(process.argv[3]);
} else {
  for (const file of process.argv.slice(2)) {
    // The same loader (tsx) this process runs under, one fresh process per file.
    const out = execFileSync(process.execPath, [...process.execArgv, __filename, "--child", file], {
      encoding: "utf8",
    });
    process.stdout.write(out);
  }
}
