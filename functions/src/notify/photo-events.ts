// Decides which photo status changes the uploader hears about: a finished photo with
// HIGH or CRITICAL findings, a failure, or a rejection (with its reason).
import { firestore } from "../firestore";
import type { PhotoStatus } from "../schema/photo";
import { createNotification } from "./create-notification";

export interface PhotoChange {
  photoId: string;
  before: PhotoStatus | null;
  after: PhotoStatus;
  uploaderUid: string;
  fileName: string;
  reason: string | null;
}

export interface PhotoNotice {
  title: string;
  body: string;
}

/** Pure: the notice for a status change, or null when there is nothing to tell. */
export function noticeFor(change: PhotoChange, seriousFindings: number): PhotoNotice | null {
  if (change.before === change.after) return null;
  switch (change.after) {
    case "REJECTED":
      return {
        title: "Photo rejected",
        body: `${change.fileName}: ${change.reason ?? "not a usable photo"}`,
      };
    case "FAILED":
      return {
        title: "Photo analysis failed",
        body: `${change.fileName}: ${change.reason ?? "unknown error"}`,
      };
    case "COMPLETED":
      return seriousFindings > 0
        ? {
            title: "Findings need attention",
            body: `${change.fileName}: ${seriousFindings} high or critical finding(s)`,
          }
        : null;
    default:
      return null;
  }
}

export async function notifyPhotoChange(change: PhotoChange): Promise<boolean> {
  let serious = 0;
  if (change.after === "COMPLETED") {
    const snap = await firestore()
      .collection("anomalies")
      .where("photoId", "==", change.photoId)
      .where("severity", "in", ["HIGH", "CRITICAL"])
      .get();
    serious = snap.size;
  }
  const notice = noticeFor(change, serious);
  if (!notice) return false;
  return createNotification({
    id: `photo-${change.photoId}-${change.after.toLowerCase()}`,
    uids: [change.uploaderUid],
    title: notice.title,
    body: notice.body,
    data: { photoId: change.photoId, status: change.after },
  });
}
