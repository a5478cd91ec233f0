// Production ObjectStore: Cloud Storage through @google-cloud/storage. The client is
// created on first use; tests pass their own (e.g. with apiEndpoint on a local server).
import { Storage } from "@google-cloud/storage";
import { DOWNLOAD_TYPE, attachment, type ObjectStore, type StoredObject } from "../../ports";

function isNotFound(err: unknown): boolean {
  return (err as { code?: number }).code === 404;
}

export class GcsObjectStore implements ObjectStore {
  private client: Storage | undefined;

  constructor(private readonly makeClient: () => Storage = () => new Storage()) {}

  private storage(): Storage {
    this.client ??= this.makeClient();
    return this.client;
  }

  private file(bucket: string, name: string) {
    return this.storage().bucket(bucket).file(name);
  }

  async read(bucket: string, name: string): Promise<Buffer> {
    const [data] = await this.file(bucket, name).download();
    return data;
  }

  async write(
    bucket: string,
    name: string,
    data: Buffer,
    opts: { contentType: string; metadata?: Record<string, string> },
  ): Promise<void> {
    // One multipart request: derived images are small, resumable sessions are overhead.
    await this.file(bucket, name).save(data, {
      resumable: false,
      contentType: opts.contentType,
      metadata: { contentType: opts.contentType, metadata: { ...(opts.metadata ?? {}) } },
    });
  }

  async move(
    bucket: string,
    from: string,
    to: string,
    metadata?: Record<string, string>,
    contentType?: string,
  ): Promise<void> {
    const src = this.file(bucket, from);
    let current: { contentType?: string; metadata?: Record<string, unknown> };
    try {
      [current] = await src.getMetadata();
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    const merged: Record<string, string> = {};
    for (const [k, v] of Object.entries(current.metadata ?? {}))
      if (v !== null && v !== undefined) merged[k] = String(v);
    Object.assign(merged, metadata ?? {});
    try {
      // A rewrite with an object resource sets the destination's metadata, so send it merged.
      await src.copy(this.file(bucket, to), {
        contentType: contentType ?? current.contentType,
        metadata: merged,
      });
      await src.delete({ ignoreNotFound: true });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }

  async delete(bucket: string, name: string): Promise<void> {
    await this.file(bucket, name).delete({ ignoreNotFound: true });
  }

  async exists(bucket: string, name: string): Promise<boolean> {
    const [found] = await this.file(bucket, name).exists();
    return found;
  }

  async list(
    bucket: string,
    prefix: string,
    opts: { maxResults: number; pageToken?: string | null },
  ): Promise<{ objects: StoredObject[]; nextPageToken: string | null }> {
    const [files, next] = await this.storage()
      .bucket(bucket)
      .getFiles({
        prefix,
        maxResults: opts.maxResults,
        pageToken: opts.pageToken ?? undefined,
        autoPaginate: false,
      });
    const objects = files.map((f): StoredObject => {
      const md = f.metadata;
      const custom: Record<string, string> = {};
      for (const [k, v] of Object.entries(md.metadata ?? {}))
        if (v !== null && v !== undefined) custom[k] = String(v);
      return {
        bucket,
        name: f.name,
        generation: String(md.generation ?? f.generation ?? ""),
        contentType: md.contentType,
        size: Number(md.size ?? 0),
        metadata: custom,
        timeCreated: md.timeCreated,
      };
    });
    return { objects, nextPageToken: (next as { pageToken?: string } | null)?.pageToken ?? null };
  }

  async signedUrl(
    bucket: string,
    name: string,
    expiresInSeconds: number,
    opts: { download?: { fileName: string } } = {},
  ): Promise<string> {
    // On Cloud Functions this signs through the IAM signBlob API with the runtime account.
    // The response-content-* overrides are part of the signature, so a holder cannot drop them.
    const [url] = await this.file(bucket, name).getSignedUrl({
      version: "v4",
      action: "read",
      expires: Date.now() + expiresInSeconds * 1000,
      ...(opts.download
        ? { responseType: DOWNLOAD_TYPE, responseDisposition: attachment(opts.download.fileName) }
        : {}),
    });
    return url;
  }

  uri(bucket: string, name: string): string {
    return `gs://${bucket}/${name}`;
  }
}
