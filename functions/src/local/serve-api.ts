// Serves the exported `api` HTTPS function on localhost with a plain node http server,
// for the local runtime and the API tests.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { apiFn } from "../triggers/https";

export interface ServedApi {
  server: Server;
  port: number;
  /** Base URL of the REST API, ending in /api/v1/images/. */
  baseUrl: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` (0 picks a free port). */
export function serveApi(port = 0, host = "127.0.0.1"): Promise<ServedApi> {
  const handler = apiFn as unknown as (req: unknown, res: unknown) => Promise<void> | void;
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch(() => {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      }
    });
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
