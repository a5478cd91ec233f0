// Installs the production adapters (real Google client libraries) as the default deps.
// Each adapter builds its client on first use, inside a handler, never at import time.
import { registerProductionDeps } from "../../deps";
import { GcsObjectStore } from "./storage";
import { CloudTasksQueue } from "./task-queue";
import { GcpVisionProvider } from "./vision";
import { FcmMessenger } from "./messenger";
import { CloudTasksMonitor } from "./queue-monitor";

registerProductionDeps(() => ({
  store: new GcsObjectStore(),
  queue: new CloudTasksQueue(),
  vision: new GcpVisionProvider(),
  messenger: new FcmMessenger(),
  monitor: new CloudTasksMonitor(),
  now: () => new Date(),
}));
