// The bucket REST uploads go to: FIELDLENS_BUCKET (local runtime), else the project's
// default bucket from FIREBASE_CONFIG, else <project>.appspot.com.
export function uploadBucket(): string {
  if (process.env.FIELDLENS_BUCKET) return process.env.FIELDLENS_BUCKET;
  try {
    const cfg = JSON.parse(process.env.FIREBASE_CONFIG ?? "{}") as { storageBucket?: string };
    if (cfg.storageBucket) return cfg.storageBucket;
  } catch {
    /* FIREBASE_CONFIG may also be a file path; fall through */
  }
  return `${process.env.GCLOUD_PROJECT ?? "demo-fieldlens"}.appspot.com`;
}
