// Signed, time-limited URLs for a photo's images; every one handed out is audited.
// Derived images (display, thumbnail) go to anyone who sees the photo; the original only
// to its uploader and the team's reviewers, matching storage.rules' "nobody reads
// another user's originals" for direct access.
import { z } from "zod";
import { canReview, type Caller } from "../auth/caller";
import { writeAudit } from "../audit/audit-log";
import { deps } from "../deps";
import { ApiError } from "./errors";
import { getVisible } from "./documents";

export const ImageVariantSchema = z.enum(["original", "display", "thumbnail"]);
export type ImageVariant = z.infer<typeof ImageVariantSchema>;
export const SIGNED_URL_SECONDS = 15 * 60;

export async function signedImageUrl(
  caller: Caller,
  photoId: string,
  variant: ImageVariant,
  via: "callable" | "rest",
): Promise<{ url: string; variant: ImageVariant; expiresAt: string }> {
  const snap = await getVisible(caller, "photos", photoId);
  const teamId = snap.get("teamId") as string | null;
  if (variant === "original" && snap.get("uploaderUid") !== caller.uid && !canReview(caller, teamId)) {
    throw new ApiError(403, "only the uploader, the team's supervisors and admins may download the original");
  }
  const bucket = snap.get("paths.bucket") as string;
  const path = snap.get(`paths.${variant}`) as string | null;
  if (!path) throw new ApiError(409, `photo ${photoId} has no ${variant} image (status ${snap.get("status")})`);
  const url = await deps().store.signedUrl(bucket, path, SIGNED_URL_SECONDS);
  const expiresAt = new Date(deps().now().getTime() + SIGNED_URL_SECONDS * 1000).toISOString();
  await writeAudit({ actorUid: caller.uid, action: "image.signedUrl", target: `photos/${photoId}`, details: { variant, path, via } });
  return { url, variant, expiresAt };
}
