// The ports a handler uses. Production adapters are built lazily on first use; the
// local runtime and tests install their own with setDeps().
import type { Messenger, ObjectStore, QueueMonitor, TaskQueue, VisionProvider } from "./ports";

export interface Deps {
  store: ObjectStore;
  queue: TaskQueue;
  vision: VisionProvider;
  messenger: Messenger;
  /** Reads queue depth for the status model (monitoring only). */
  monitor: QueueMonitor;
  /** Clock, injectable for tests of time-dependent rules. */
  now: () => Date;
}

let current: Partial<Deps> = {};
let productionFactory: (() => Deps) | undefined;

/** Registered by adapters/gcp so this module does not import Google clients itself. */
export function registerProductionDeps(factory: () => Deps): void {
  productionFactory = factory;
}

export function setDeps(deps: Partial<Deps>): void {
  current = { ...current, ...deps };
}

export function resetDeps(): void {
  current = {};
}

const PORTS = ["store", "queue", "vision", "messenger", "monitor"] as const;

/** Ports resolve one by one on first use, so code that needs only Firestore and a queue
 * never builds (or needs) the other adapters. */
export function deps(): Deps {
  const out = { now: current.now ?? (() => new Date()) } as Deps;
  for (const k of PORTS) {
    Object.defineProperty(out, k, {
      enumerable: true,
      get() {
        if (!current[k]) {
          if (!productionFactory) throw new Error(`no adapter installed for port "${k}"`);
          (current as Record<string, unknown>)[k] = productionFactory()[k];
        }
        return current[k];
      },
    });
  }
  return out;
}
