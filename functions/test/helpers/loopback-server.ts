// A tiny loopback HTTP server for contract tests: records every request and answers
// from a queue of scripted responses.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface ScriptedResponse {
  status: number;
  body: unknown;
}

export class LoopbackServer {
  readonly requests: RecordedRequest[] = [];
  private readonly responses: ScriptedResponse[] = [];
  private server: Server | undefined;
  port = 0;

  /** Responses are used in order; `fallback` answers when none is left. */
  constructor(
    private readonly fallback: (req: RecordedRequest) => ScriptedResponse = () => ({
      status: 500,
      body: { error: "unscripted" },
    }),
  ) {}

  reply(...r: ScriptedResponse[]): this {
    this.responses.push(...r);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const rec: RecordedRequest = {
          method: req.method ?? "",
          url: req.url ?? "",
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        };
        this.requests.push(rec);
        const r = this.responses.shift() ?? this.fallback(rec);
        res.writeHead(r.status, { "content-type": "application/json" });
        res.end(JSON.stringify(r.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
