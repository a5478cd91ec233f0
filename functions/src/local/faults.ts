// Fault injection for the soak, in the local runtime only: a seeded random source, the
// counters the soak reports, and Firestore write faults confined to the functions' own
// work (the code running inside a fault scope: a task dispatch, a finalize delivery, a
// trigger). Cloud Tasks and Eventarc are not Firestore clients in production, so the
// runtime's emulation of them is never faulted. Switched on by LocalRuntime's `faults`
// option (npm start --faults, set by npm run soak); nothing here runs otherwise.
import { AsyncLocalStorage } from "node:async_hooks";
import { WriteBatch } from "firebase-admin/firestore";
import type { FaultPlan } from "../schema/local";

/** mulberry32: small, fast, good enough to make a soak reproducible from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FaultKind =
  | "vision"
  | "event-duplicate"
  | "task-duplicate"
  | "task-late"
  | "firestore-before"
  | "firestore-after";

/** Faulted attempts allowed per operation: fewer than any retry budget, so work converges. */
export const MAX_FAULTED_ATTEMPTS = 2;

interface Scope {
  key: string;
  faulted: boolean;
}

export class FaultInjector {
  readonly counts: Record<FaultKind, number> = {
    vision: 0,
    "event-duplicate": 0,
    "task-duplicate": 0,
    "task-late": 0,
    "firestore-before": 0,
    "firestore-after": 0,
  };
  private readonly random: () => number;
  private readonly scope = new AsyncLocalStorage<Scope>();
  private readonly faultedAttempts = new Map<string, number>();
  private restore: (() => void) | null = null;

  constructor(readonly plan: FaultPlan) {
    this.random = seededRandom(plan.seed);
  }

  chance(rate: number): boolean {
    return rate > 0 && this.random() < rate;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  count(kind: FaultKind): void {
    this.counts[kind] += 1;
  }

  /** Runs one attempt of an operation (`key`: its task id, object or document) in a fault scope. */
  async inScope<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const s: Scope = { key, faulted: false };
    try {
      return await this.scope.run(s, fn);
    } finally {
      if (s.faulted) this.faultedAttempts.set(key, (this.faultedAttempts.get(key) ?? 0) + 1);
    }
  }

  /** Whether a write here should fail: inside a scope, at the plan's rate, within the per-operation cap. */
  private shouldFailWrite(): boolean {
    const s = this.scope.getStore();
    if (!s || this.plan.firestoreRate <= 0) return false;
    if ((this.faultedAttempts.get(s.key) ?? 0) >= MAX_FAULTED_ATTEMPTS) return false;
    if (!this.chance(this.plan.firestoreRate)) return false;
    s.faulted = true;
    return true;
  }

  /** Patches WriteBatch.commit (every set/update/create/delete goes through it) for the process. */
  installFirestoreFaults(): void {
    if (this.restore || this.plan.firestoreRate <= 0) return;
    const original = WriteBatch.prototype.commit;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const injector = this;
    WriteBatch.prototype.commit = async function patchedCommit(this: WriteBatch) {
      if (!injector.shouldFailWrite()) return original.call(this);
      // Half fail before anything is applied, half after: the ambiguous case a retry must survive.
      const after = injector.random() < 0.5;
      const [code, name] = injector.pick([
        [14, "UNAVAILABLE"],
        [10, "ABORTED"],
      ] as const);
      if (after) {
        await original.call(this);
        injector.count("firestore-after");
      } else injector.count("firestore-before");
      throw Object.assign(
        new Error(
          `${code} ${name}: injected Firestore fault (${after ? "after" : "before"} the write applied)`,
        ),
        { code },
      );
    };
    this.restore = () => {
      WriteBatch.prototype.commit = original;
    };
  }

  uninstall(): void {
    this.restore?.();
    this.restore = null;
  }
}
