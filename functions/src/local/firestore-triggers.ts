// Firestore triggers fed by snapshot listeners. Each exported onDocument* function is
// found by its endpoint (event type and document pattern), one listener watches the
// matching collection (or collection group, for patterns with wildcards above the last
// collection) and every change after the listener's first snapshot becomes a CloudEvent
// delivered through the function's own entry point. Functions deployed with retry get
// failed events again with backoff, as Eventarc does.
import type { DocumentSnapshot, Query, QuerySnapshot } from "firebase-admin/firestore";
import { errorMessage } from "../errors";
import { firestore } from "../firestore";
import { FIRESTORE_EVENT, firestoreEvent } from "./events";

export interface FirestoreTriggerSpec {
  name: string;
  eventType: string;
  pattern: string;
  retry: boolean;
  fn: (raw: unknown) => unknown;
}

export type TriggerEvent =
  | { kind: "delivered"; trigger: string; path: string }
  | {
      kind: "failed";
      trigger: string;
      path: string;
      attempt: number;
      error: string;
      willRetry: boolean;
    };

const BASE_TYPES = new Set<string>(Object.values(FIRESTORE_EVENT));

/** Firestore-triggered exports, read from their endpoints. */
export function firestoreTriggers(exportsObj: Record<string, unknown>): FirestoreTriggerSpec[] {
  const out: FirestoreTriggerSpec[] = [];
  for (const [name, fn] of Object.entries(exportsObj)) {
    const ep = (
      fn as {
        __endpoint?: {
          eventTrigger?: {
            eventType?: string;
            eventFilterPathPatterns?: { document?: string };
            eventFilters?: { document?: string };
            retry?: boolean;
          };
        };
      }
    ).__endpoint;
    const t = ep?.eventTrigger;
    const type = t?.eventType?.replace(/\.withAuthContext$/, "");
    const pattern = t?.eventFilterPathPatterns?.document ?? t?.eventFilters?.document;
    if (!type || !BASE_TYPES.has(type) || !pattern || typeof fn !== "function") continue;
    out.push({
      name,
      eventType: t!.eventType!,
      pattern,
      retry: t?.retry === true,
      fn: fn as (raw: unknown) => unknown,
    });
  }
  return out;
}

/** Matches a document path against a pattern like "chatRooms/{roomId}/messages/{id}". */
export function matchPattern(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split("/");
  const s = path.split("/");
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const m = /^\{([^}=]+)(=\*)?\}$/.exec(p[i]);
    if (m) params[m[1]] = s[i];
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

function queryFor(pattern: string): Query {
  const segs = pattern.split("/");
  const parent = segs.slice(0, -1);
  const wildcardAbove = parent.some((x) => x.startsWith("{"));
  return wildcardAbove
    ? firestore().collectionGroup(parent[parent.length - 1])
    : firestore().collection(parent.join("/"));
}

export class FirestoreTriggerRunner {
  private unsubscribers: (() => void)[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly specs: FirestoreTriggerSpec[],
    private readonly onEvent?: (e: TriggerEvent) => void,
    private readonly maxAttempts = 5,
    /** Runs each attempt (the runtime's fault scope when the soak injects faults). */
    private readonly around: (key: string, attempt: () => Promise<unknown>) => Promise<unknown> = (
      _key,
      attempt,
    ) => attempt(),
  ) {}

  get names(): string[] {
    return this.specs.map((s) => s.name);
  }

  /** Resolves once every listener has its first snapshot (the baseline: no events for it). */
  async start(): Promise<void> {
    // One listener per distinct pattern, shared by the functions on it.
    const byPattern = new Map<string, FirestoreTriggerSpec[]>();
    for (const s of this.specs) byPattern.set(s.pattern, [...(byPattern.get(s.pattern) ?? []), s]);
    await Promise.all([...byPattern].map(([pattern, specs]) => this.listen(pattern, specs)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const u of this.unsubscribers) u();
    this.unsubscribers = [];
    await Promise.allSettled([...this.inFlight]);
  }

  /** Resolves when no event is being delivered. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private listen(pattern: string, specs: FirestoreTriggerSpec[]): Promise<void> {
    const last = new Map<string, DocumentSnapshot>();
    let first = true;
    return new Promise((resolve, reject) => {
      const unsub = queryFor(pattern).onSnapshot(
        (snap: QuerySnapshot) => {
          for (const ch of snap.docChanges()) {
            const path = ch.doc.ref.path;
            if (!matchPattern(pattern, path)) continue;
            const before = ch.type === "added" ? null : (last.get(path) ?? null);
            const after = ch.type === "removed" ? null : ch.doc;
            if (after) last.set(path, after);
            else last.delete(path);
            if (first) continue;
            for (const spec of specs) this.fire(spec, ch.type, path, before, after);
          }
          if (first) {
            first = false;
            resolve();
          }
        },
        (err) => {
          if (first) reject(err);
          else console.error(`[runtime] listener on ${pattern} failed: ${errorMessage(err)}`);
        },
      );
      this.unsubscribers.push(unsub);
    });
  }

  private fire(
    spec: FirestoreTriggerSpec,
    change: "added" | "modified" | "removed",
    path: string,
    before: DocumentSnapshot | null,
    after: DocumentSnapshot | null,
  ): void {
    const base = spec.eventType.replace(/\.withAuthContext$/, "");
    const wanted =
      base === FIRESTORE_EVENT.written ||
      (base === FIRESTORE_EVENT.created && change === "added") ||
      (base === FIRESTORE_EVENT.updated && change === "modified") ||
      (base === FIRESTORE_EVENT.deleted && change === "removed");
    if (!wanted) return;
    const p = this.deliver(spec, path, before, after).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private async deliver(
    spec: FirestoreTriggerSpec,
    path: string,
    before: DocumentSnapshot | null,
    after: DocumentSnapshot | null,
  ): Promise<void> {
    const event = firestoreEvent(spec.eventType, path, before, after);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.around(`${spec.name}:${path}`, async () => spec.fn(event));
        this.onEvent?.({ kind: "delivered", trigger: spec.name, path });
        return;
      } catch (err) {
        const willRetry = spec.retry && attempt < this.maxAttempts && !this.stopped;
        this.onEvent?.({
          kind: "failed",
          trigger: spec.name,
          path,
          attempt,
          error: errorMessage(err),
          willRetry,
        });
        if (!willRetry) return;
        await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** (attempt - 1), 30_000)));
      }
    }
  }
}
