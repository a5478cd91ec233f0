// Writes a planned Django import to Firestore: assets' teams and earlier-imported photos
// are read first (one getAll each), then every document is set under its deterministic
// id, so a second import of the same dump rewrites identical documents and adds nothing.
import { firestore } from "../firestore";
import { PhotoDocSchema, type PhotoDoc } from "../schema/photo";
import { planImport, photoIdOf, type DumpRecord } from "./django-import";

export interface ImportReport {
  records: number;
  written: {
    photos: number;
    analyses: number;
    anomalies: number;
    meterReadings: number;
    damageReports: number;
  };
  problems: { model: string; pk: string; reason: string }[];
}

export async function importDump(
  records: readonly DumpRecord[],
  bucket: string,
): Promise<ImportReport> {
  const db = firestore();
  const assetIds = [
    ...new Set(
      records
        .map((r) => r.fields.asset_id)
        .filter((a): a is string => typeof a === "string" && a.length > 0 && !a.includes("/")),
    ),
  ];
  const inDump = new Set(
    records
      .filter((r) => r.model.toLowerCase().endsWith("inspectionphoto"))
      .map((r) => String(r.pk)),
  );
  const referenced = [
    ...new Set(
      records
        .map((r) => r.fields.photo)
        .filter(
          (p): p is string | number =>
            (typeof p === "string" || typeof p === "number") && !inDump.has(String(p)),
        ),
    ),
  ].filter((p) => !String(p).includes("/"));
  const [assets, earlier] = await Promise.all([
    assetIds.length ? db.getAll(...assetIds.map((a) => db.collection("assets").doc(a))) : [],
    referenced.length
      ? db.getAll(...referenced.map((p) => db.collection("photos").doc(photoIdOf(p))))
      : [],
  ]);
  const teams = new Map(
    assets.map((a) => [
      a.id,
      a.exists && typeof a.get("teamId") === "string" ? (a.get("teamId") as string) : null,
    ]),
  );
  const importedPhotos = new Map<string, PhotoDoc>();
  earlier.forEach((snap, i) => {
    const p = snap.exists ? PhotoDocSchema.safeParse(snap.data()) : null;
    if (p?.success) importedPhotos.set(String(referenced[i]), p.data);
  });
  const plan = planImport(records, { bucket, teamOf: (a) => teams.get(a) ?? null, importedPhotos });
  const writer = db.bulkWriter();
  const put = (col: string, id: string, doc: object) =>
    void writer.set(db.collection(col).doc(id), doc);
  for (const p of plan.photos) put("photos", p.photoId, p);
  for (const a of plan.analyses) put("analyses", a.photoId, a);
  for (const a of plan.anomalies) put("anomalies", a.id, a);
  for (const m of plan.meterReadings) put("meterReadings", m.id, m);
  for (const d of plan.damageReports) put("damageReports", d.id, d);
  await writer.close();
  return {
    records: records.length,
    written: {
      photos: plan.photos.length,
      analyses: plan.analyses.length,
      anomalies: plan.anomalies.length,
      meterReadings: plan.meterReadings.length,
      damageReports: plan.damageReports.length,
    },
    problems: plan.problems,
  };
}
