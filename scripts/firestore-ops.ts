// Counts the Firestore work a process does, for the runtime benchmark: RPCs (round
// trips) by method, documents read and written by top-level collection. It wraps the
// client's two request funnels (Firestore.request / requestStream) and Query results, so
// nothing in the product changes. Billing rules as Firestore's: a document fetched is one
// read (also when missing), a query is one read per result and at least one, each write
// in a commit is one write. Listeners (the runtime's trigger emulation) are counted apart.
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

export interface FirestoreOps {
  rpcs: Record<string, number>;
  reads: Record<string, number>;
  writes: Record<string, number>;
}

const ROOT = resolve(__dirname, "..");

const collectionOf = (path: string) => {
  const m = /\/documents\/([^/]+)/.exec(path) ?? /^([^/]+)/.exec(path);
  return m ? m[1] : "?";
};

export function countFirestoreOps(): { snapshot(): FirestoreOps; reset(): void } {
  const req = createRequire(join(ROOT, "functions", "package.json"));
  const fs = req("@google-cloud/firestore") as {
    Firestore: { prototype: Record<string, unknown> };
    Query: { prototype: Record<string, unknown> };
  };
  let ops: FirestoreOps = { rpcs: {}, reads: {}, writes: {} };
  const add = (m: Record<string, number>, k: string, n = 1) => (m[k] = (m[k] ?? 0) + n);
  type Req = {
    writes?: { update?: { name?: string }; delete?: string; transform?: { document?: string } }[];
    documents?: string[];
  };
  const proto = fs.Firestore.prototype as {
    request: (...a: unknown[]) => unknown;
    requestStream: (...a: unknown[]) => unknown;
  };
  const request = proto.request;
  proto.request = function (this: unknown, method: unknown, body: unknown, ...rest: unknown[]) {
    add(ops.rpcs, String(method));
    if (method === "commit")
      for (const w of (body as Req).writes ?? [])
        add(ops.writes, collectionOf(w.update?.name ?? w.delete ?? w.transform?.document ?? ""));
    return request.call(this, method, body, ...rest);
  };
  const requestStream = proto.requestStream;
  proto.requestStream = function (
    this: unknown,
    method: unknown,
    bidi: unknown,
    body: unknown,
    ...rest: unknown[]
  ) {
    add(ops.rpcs, String(method));
    if (method === "batchGetDocuments")
      for (const d of (body as Req).documents ?? []) add(ops.reads, collectionOf(d));
    return requestStream.call(this, method, bidi, body, ...rest);
  };
  const q = fs.Query.prototype as {
    _getResponse: (
      ...a: unknown[]
    ) => Promise<{ result: { size: number; query: { _queryOptions: { collectionId: string } } } }>;
  };
  const getResponse = q._getResponse;
  q._getResponse = async function (this: unknown, ...a: unknown[]) {
    const res = await getResponse.apply(this, a);
    add(ops.reads, res.result.query._queryOptions.collectionId, Math.max(1, res.result.size));
    return res;
  };
  return {
    snapshot: () => structuredClone(ops),
    reset: () => {
      ops = { rpcs: {}, reads: {}, writes: {} };
    },
  };
}
