// Serves the exported `api` HTTPS function on localhost with a plain node http server,
// for the local runtime and the API tests. It turns on local auth (unsigned emulator
// tokens from `npm run tokens`); verify-token refuses that inside a deployed function.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { runtimeEnv } from "../config";
import { serveStatic } from "../ops/static-files";
import { apiFn } from "../triggers/https";

export interface ServedApi {
  server: Server;
  port: number;
  /** Base URL of the REST API, ending in /api/v1/images/. */
  baseUrl: string;
  close(): Promise<void>;
}

/** The local runtime's API port: FIELDLENS_API_PORT, else 8787 (docs/api.md uses it). */
export function apiPort(): number {
  return runtimeEnv().apiPort;
}

/** Listens on 127.0.0.1:`port` (0 picks a free port). */
export function serveApi(
  port = apiPort(),
  opts: { host?: string; localAuth?: boolean; staticDir?: string } = {},
): Promise<ServedApi> {
  const host = opts.host ?? "127.0.0.1";
  if (opts.localAuth ?? true) process.env.FIELDLENS_LOCAL_AUTH = "1";
  const handler = apiFn as unknown as (req: unknown, res: unknown) => Promise<void> | void;
  const server = createServer((req, res) => {
    // The ops dashboard (hosting/) beside the API, as Hosting serves it in production.
    const staticFirst = opts.staticDir
      ? serveStatic(opts.staticDir, req, res)
      : Promise.resolve(false);
    Promise.resolve(staticFirst.then((served) => (served ? undefined : handler(req, res)))).catch(
      () => {
        if (!res.headersSent) {
          res.statusCode = 500;
          res.end();
        }
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: actual,
        baseUrl: `http://${host}:${actual}/api/v1/images/`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
