// FCM refuses a message whose notification + data exceed 4096 bytes (messaging/
// invalid-argument), and refuses reserved data keys; a refused message must never be
// mistaken for dead devices. So every push is fitted before it is sent: reserved keys
// dropped, then the body, the longest data values and the title shortened (on code-point
// boundaries, marked with an ellipsis) until the serialized payload fits the budget.
import type { PushMessage } from "../ports";

/** FCM's documented maximum for notification + data payloads. */
export const FCM_MAX_PAYLOAD_BYTES = 4096;
/** What we allow ourselves: headroom for the android/apns wrappers FCM adds. */
export const PAYLOAD_BUDGET_BYTES = 3800;

const ELLIPSIS = "…";
/** Data keys FCM reserves (send fails with invalid-argument if used). */
const RESERVED_KEY = /^(from|notification|message_type|collapse_key)$|^(google|gcm)(\.|$)/i;

type Payload = Pick<PushMessage, "title" | "body" | "data">;

export function payloadBytes(p: Payload): number {
  return Buffer.byteLength(
    JSON.stringify({ notification: { title: p.title, body: p.body }, data: p.data }),
    "utf8",
  );
}

/**
 * The longest prefix of `s` (whole code points, plus an ellipsis when cut) for which
 * `fits` holds, keeping at least `keep` code points; "" when even that does not fit and
 * `keep` is 0, else the `keep`-point cut.
 */
function shorten(s: string, fits: (candidate: string) => boolean, keep = 0): string {
  if (fits(s)) return s;
  const points = Array.from(s);
  if (keep >= points.length) return s;
  const cutAt = (n: number) => points.slice(0, n).join("") + ELLIPSIS;
  let lo = keep;
  let hi = points.length - 1;
  // Invariant: keeping fewer than `lo` points is never needed; search the longest that fits.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(cutAt(mid))) lo = mid;
    else hi = mid - 1;
  }
  if (fits(cutAt(lo)) || keep > 0) return cutAt(lo);
  return "";
}

/** What the reader sees first keeps at least this much while data values are cut. */
const BODY_KEEP_POINTS = 200;

export function fitPayload(p: Payload, budget = PAYLOAD_BUDGET_BYTES): Payload {
  // Unpaired surrogates would not survive UTF-8; replace them before measuring.
  const clean = (s: string) => s.replace(/\p{Cs}/gu, "\uFFFD");
  const out: Payload = {
    title: clean(p.title),
    body: clean(p.body),
    data: Object.fromEntries(
      Object.entries(p.data)
        .filter(([k]) => !RESERVED_KEY.test(k))
        .map(([k, v]) => [k, clean(v)]),
    ),
  };
  const fits = (q: Payload) => payloadBytes(q) <= budget;
  if (fits(out)) return out;
  const cutBody = (keep: number) => {
    out.body = shorten(out.body, (body) => fits({ ...out, body }), keep);
  };
  const cutData = () => {
    // Longest values first: ids are short, free text is what overflows.
    for (const key of Object.keys(out.data).sort(
      (a, b) => out.data[b].length - out.data[a].length,
    )) {
      if (fits(out)) return;
      out.data[key] = shorten(out.data[key], (v) =>
        fits({ ...out, data: { ...out.data, [key]: v } }),
      );
    }
  };
  // The body is what the reader sees: cut it to a readable length first, then the data
  // values, and only then the rest of the body and the title.
  cutBody(BODY_KEEP_POINTS);
  cutData();
  if (!fits(out)) cutBody(0);
  if (!fits(out)) out.title = shorten(out.title, (title) => fits({ ...out, title }));
  // Only a flood of keys can still overflow: drop the largest entries.
  for (const key of Object.keys(out.data).sort((a, b) => b.length - a.length)) {
    if (fits(out)) break;
    delete out.data[key];
  }
  return out;
}
