// Mocha setup: tests never reach the network beyond loopback (the Firestore emulator
// and local HTTP endpoints), and always talk to the emulator's demo project.
import net from "node:net";

process.env.GCLOUD_PROJECT ??= "demo-fieldlens";
process.env.GOOGLE_CLOUD_PROJECT ??= process.env.GCLOUD_PROJECT;
process.env.FIELDLENS_LOG_LEVEL ??= "silent";
// Google's auth libraries otherwise probe the GCE metadata server (169.254.169.254) to
// see whether they run on Google Cloud; seen as stray MetadataLookupWarnings in test runs.
process.env.METADATA_SERVER_DETECTION ??= "none";

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;
const originalConnect = net.Socket.prototype.connect;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
net.Socket.prototype.connect = function patchedConnect(this: net.Socket, ...args: any[]) {
  const first = args[0];
  const opts =
    typeof first === "object" && first !== null && !Array.isArray(first) ? first : undefined;
  const host: string | undefined = opts
    ? (opts.host ?? (opts.path ? "localhost" : "localhost"))
    : typeof args[1] === "string"
      ? args[1]
      : "localhost";
  if (!opts?.path && host && !LOOPBACK.test(host)) {
    throw new Error(`network access blocked in tests: ${host}`);
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (originalConnect as any).apply(this, args);
} as typeof net.Socket.prototype.connect;
