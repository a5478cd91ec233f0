// Signed, time-limited URLs for a photo's images; every one handed out is audited.
// Derived images (display, thumbnail) go to anyone who sees the photo; the original only
// to its uploader and the team's reviewers, matching storage.rules' "nobody reads
// another user's originals" for direct access; a quarantined original only to reviewers,
// as a forced download of application/octet-stream.
import { z } from "zod";
import { canReview, type Caller } from "../auth/caller";
import { writeAudit } from "../audit/audit-log";
import { deps } from "../deps";
import { ApiError } from "./errors";
import { getVisible } from "./documents";

export const ImageVariantSchema = z.enum(["original", "display", "thumbnail"]);
export type ImageVariant = z.infer<typeof ImageVariantSchema>;
export const SIGNED_URL_SECONDS = 15 * 60;

/** Rejected input lives in quarantine/: whatever it claims to be, it is untrusted bytes. */
function isQuarantined(status: unknown, path: string | null): boolean {
  return status === "REJECTED" || (path ?? "").startsWith("quarantine/");
}

export async function signedImageUrl(
  caller: Caller,
  photoId: string,
  variant: ImageVariant,
  via: "callable" | "rest",
): Promise<{ url: string; variant: ImageVariant; expiresAt: string; quarantined: boolean }> {
  const snap = await getVisible(caller, "photos", photoId);
  const teamId = snap.get("teamId") as string | null;
  const bucket = snap.get("paths.bucket") as string;
  const path = snap.get(`paths.${variant}`) as string | null;
  const quarantined = isQuarantined(snap.get("status"), path);
  // A quarantined file (an SVG with script, HTML named .jpg) is evidence for reviewers,
  // not content: not even its uploader gets it back, and it downloads as opaque bytes.
  if (quarantined && !canReview(caller, teamId)) {
    throw new ApiError(
      403,
      "a quarantined file is served only to the team's supervisors and admins",
    );
  }
  if (
    variant === "original" &&
    snap.get("uploaderUid") !== caller.uid &&
    !canReview(caller, teamId)
  ) {
    throw new ApiError(
      403,
      "only the uploader, the team's supervisors and admins may download the original",
    );
  }
  if (!path)
    throw new ApiError(
      409,
      `photo ${photoId} has no ${variant} image (status ${snap.get("status")})`,
    );
  const fileName = path.split("/").pop() ?? photoId;
  const url = await deps().store.signedUrl(
    bucket,
    path,
    SIGNED_URL_SECONDS,
    quarantined ? { download: { fileName } } : {},
  );
  const expiresAt = new Date(deps().now().getTime() + SIGNED_URL_SECONDS * 1000).toISOString();
  await writeAudit({
    actorUid: caller.uid,
    action: "image.signedUrl",
    target: `photos/${photoId}`,
    details: { variant, path, via, quarantined },
  });
  return { url, variant, expiresAt, quarantined };
}
