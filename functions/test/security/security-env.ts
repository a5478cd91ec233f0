// Helpers shared by the abuse suite: raw HTTP requests (bodies no well-behaved client
// would send) and "nothing was left behind" checks on the directory bucket.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { request } from "node:http";
import type { ApiEnv, User } from "../api/api-env";
import { tokenFor } from "../api/api-env";

/** Every object name in the env's buckets (the bytes tree, not the metadata sidecars). */
export function storedObjects(env: ApiEnv): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir)) {
      if (prefix === "" && name.startsWith(".")) continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full, `${prefix}${name}/`);
      else out.push(`${prefix}${name}`);
    }
  };
  try {
    walk(env.store.root, "");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  return out.sort();
}

export interface RawResult {
  status: number;
  body: Record<string, unknown>;
}

/** Sends exactly `body` (no re-encoding) and reads the JSON answer. */
export function rawRequest(
  env: ApiEnv,
  opts: {
    method?: string;
    path: string;
    as?: User;
    headers?: Record<string, string>;
    body?: Buffer;
  },
): Promise<RawResult> {
  const url = new URL(opts.path, env.api.baseUrl);
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.as) headers.authorization = `Bearer ${tokenFor(opts.as)}`;
  if (opts.body) headers["content-length"] = String(opts.body.length);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? "POST", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({
          status: res.statusCode ?? 0,
          body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

export const BOUNDARY = "----fieldlensabuse";

/** A multipart body: the asset field, then a file part whose content is `file`, closed or not. */
export function multipart(o: {
  assetId: string;
  file: Buffer;
  closed: boolean;
  mime?: string;
}): Buffer {
  const head =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="asset_id"\r\n\r\n${o.assetId}\r\n` +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\nContent-Type: ${o.mime ?? "image/jpeg"}\r\n\r\n`;
  return Buffer.concat([
    Buffer.from(head),
    o.file,
    Buffer.from(o.closed ? `\r\n--${BOUNDARY}--\r\n` : ""),
  ]);
}
