// The bucket REST uploads go to: FIELDLENS_BUCKET (local runtime), else the project's
// default bucket from FIREBASE_CONFIG (set by Cloud Functions), else <project>.appspot.com.
// No demo fallback: a process that cannot name its project fails loudly here.
import { projectId, runtimeEnv } from "../config";

export function uploadBucket(): string {
  return runtimeEnv().bucket ?? `${projectId()}.appspot.com`;
}
