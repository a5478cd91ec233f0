// Installs the production adapters (real Google client libraries) as the default deps.
// Each client is created on first use, inside a handler, never at import time.
import { registerProductionDeps } from "../../deps";

registerProductionDeps(() => {
  throw new Error("production adapters are registered by the gcp adapters as they are added");
});
