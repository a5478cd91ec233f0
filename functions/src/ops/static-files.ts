// Serves the dashboard's static files (hosting/) for the local runtime, as Firebase
// Hosting does in production: GET/HEAD only, "/" is index.html, nothing outside the folder.
import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json; charset=utf-8",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/** The file `urlPath` names under `root`, or null when it would leave the folder. */
export function staticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split("?")[0].split("#")[0]);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const base = resolve(root);
  const file = resolve(join(base, decoded.endsWith("/") ? `${decoded}index.html` : decoded));
  return file === base || file.startsWith(base + sep) ? file : null;
}

/** Answers the request from `root`; false when it is not a static request (then the API handles it). */
export async function serveStatic(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const url = req.url ?? "/";
  if (url.startsWith("/api/") || (req.method !== "GET" && req.method !== "HEAD")) return false;
  const file = staticPath(root, url);
  const found = file
    ? await stat(file).then(
        (s) => s.isFile(),
        () => false,
      )
    : false;
  if (!file || !found) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    res.end("not found");
    return true;
  }
  const body = await readFile(file);
  res.writeHead(200, {
    "content-type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
    "content-length": body.length,
    "cache-control": "no-cache",
  });
  res.end(req.method === "HEAD" ? undefined : body);
  return true;
}
