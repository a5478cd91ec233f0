// The heartbeat callable (for apps without a Realtime Database connection).
import { callable } from "../api/callables";
import { HeartbeatInputSchema } from "../schema/presence";
import { heartbeat } from "./heartbeat";

export const presenceCallables = {
  heartbeat: callable(HeartbeatInputSchema, (c, d) => heartbeat(c, d.state)),
};
