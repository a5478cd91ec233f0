// Splits a dumpdata export into request-sized chunks for POST /api/v1/ops/import/:
// photos first (findings reference them), each chunk under the JSON body limit and the
// per-request record cap. Pure.
const ORDER = [
  "inspectionphoto",
  "imageanalysisresult",
  "visualanomaly",
  "meterreading",
  "damagereport",
];

const rank = (r: unknown): number => {
  const m =
    typeof (r as { model?: unknown })?.model === "string"
      ? ((r as { model: string }).model.toLowerCase().split(".").pop() ?? "")
      : "";
  const i = ORDER.indexOf(m);
  return i < 0 ? ORDER.length : i;
};

export function chunkDump(
  records: readonly unknown[],
  maxBytes = 900_000,
  maxRecords = 1000,
): unknown[][] {
  const sorted = records
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i);
  const chunks: unknown[][] = [];
  let cur: unknown[] = [];
  let size = 2;
  for (const { r } of sorted) {
    const n = Buffer.byteLength(JSON.stringify(r)) + 1;
    if (cur.length > 0 && (size + n > maxBytes || cur.length >= maxRecords)) {
      chunks.push(cur);
      cur = [];
      size = 2;
    }
    cur.push(r);
    size += n;
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}
