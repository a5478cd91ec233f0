// The photo pipeline for the status model: photos by status (count()), upload →
// COMPLETED over the last day (bounded sample), stuck photos and the photos in flight.
import { firestore } from "../firestore";
import { STUCK_AFTER_MINUTES } from "../maintenance/reconcile";
import { PhotoStatusSchema, type PhotoStatus } from "../schema/photo";
import { summarize, type Percentiles } from "./percentiles";
import { asDate, count } from "./task-history";

export const COMPLETED_SAMPLE = 1000;
export const IN_FLIGHT_SHOWN = 50;
export const STUCK_SHOWN = 20;
const OPEN: PhotoStatus[] = ["PENDING", "QUEUED", "PROCESSING"];

export interface PipelineStatus {
  byStatus: Record<PhotoStatus, number>;
  uploadToCompleted: Percentiles;
  stuck: { photoId: string; status: PhotoStatus; since: string }[];
  inFlight: {
    photoId: string;
    fileName: string;
    assetId: string;
    status: PhotoStatus;
    createdAt: string;
    updatedAt: string;
  }[];
}

export async function pipelineStatus(now: Date): Promise<PipelineStatus> {
  const photos = firestore().collection("photos");
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const stuckBefore = new Date(now.getTime() - STUCK_AFTER_MINUTES * 60_000);
  const [counts, completed, stuck, open] = await Promise.all([
    Promise.all(
      PhotoStatusSchema.options.map(
        async (s) => [s, await count(photos.where("status", "==", s))] as const,
      ),
    ),
    photos
      .where("status", "==", "COMPLETED")
      .where("updatedAt", ">=", dayAgo)
      .orderBy("updatedAt")
      .limit(COMPLETED_SAMPLE)
      .select("createdAt", "updatedAt")
      .get(),
    photos
      .where("status", "in", ["QUEUED", "PROCESSING"])
      .where("updatedAt", "<", stuckBefore)
      .orderBy("updatedAt")
      .limit(STUCK_SHOWN)
      .select("status", "updatedAt")
      .get(),
    photos
      .where("status", "in", OPEN)
      .orderBy("updatedAt")
      .limit(IN_FLIGHT_SHOWN)
      .select("status", "fileName", "assetId", "createdAt", "updatedAt")
      .get(),
  ]);
  const durations: number[] = [];
  for (const d of completed.docs) {
    const a = asDate(d.get("createdAt"));
    const b = asDate(d.get("updatedAt"));
    if (a && b) durations.push(Math.max(0, (b.getTime() - a.getTime()) / 1000));
  }
  const iso = (v: unknown) => asDate(v)?.toISOString() ?? "";
  return {
    byStatus: Object.fromEntries(counts) as Record<PhotoStatus, number>,
    uploadToCompleted: summarize(durations),
    stuck: stuck.docs.map((d) => ({
      photoId: d.id,
      status: d.get("status") as PhotoStatus,
      since: iso(d.get("updatedAt")),
    })),
    inFlight: open.docs.map((d) => ({
      photoId: d.id,
      fileName: String(d.get("fileName") ?? ""),
      assetId: String(d.get("assetId") ?? ""),
      status: d.get("status") as PhotoStatus,
      createdAt: iso(d.get("createdAt")),
      updatedAt: iso(d.get("updatedAt")),
    })),
  };
}
