// A Messenger for the local runtime: nothing leaves the machine. Each push that FCM would
// have delivered is recorded and handed to a printer (the console by default). With a
// journal file, every delivery is appended there first (one JSON line, keyed by the
// notification id) and a push whose id is already in the journal is not delivered again:
// the journal lives beside the bucket, outside Firestore, so a runtime killed after a
// push but before Firestore kept the SENT mark (or an emulator that lost its last writes)
// never pushes twice.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Messenger, PushMessage } from "../../ports";

export interface OutboxEntry extends PushMessage {
  at: Date;
}

/** One line of the journal file. */
export interface JournalLine {
  id: string | null;
  at: string;
  tokens: number;
  title: string;
  body: string;
  data: Record<string, string>;
}

/** The journal's lines (a torn last line from a kill mid-write is skipped). */
export function readJournal(file: string): JournalLine[] {
  if (!existsSync(file)) return [];
  const out: JournalLine[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as JournalLine);
    } catch {
      /* torn write */
    }
  }
  return out;
}

export class OutboxMessenger implements Messenger {
  readonly sent: OutboxEntry[] = [];
  private readonly delivered = new Set<string>();

  constructor(
    private readonly print: (line: string) => void = (line) => console.log(line),
    private readonly now: () => Date = () => new Date(),
    private readonly journal: string | null = null,
  ) {
    if (journal) {
      mkdirSync(dirname(journal), { recursive: true });
      for (const l of readJournal(journal)) if (l.id) this.delivered.add(l.id);
    }
  }

  /** Whether the journal holds a delivery of this notification id. */
  hasDelivered(id: string): boolean {
    return this.delivered.has(id);
  }

  async send(msg: PushMessage): Promise<{ sent: number; invalidTokens: string[] }> {
    // Delivered before: report it as FCM reported it then, deliver nothing.
    if (msg.id && this.delivered.has(msg.id)) return { sent: msg.tokens.length, invalidTokens: [] };
    const entry: OutboxEntry = {
      ...msg,
      tokens: [...msg.tokens],
      data: { ...msg.data },
      at: this.now(),
    };
    if (this.journal) {
      const line: JournalLine = {
        id: msg.id ?? null,
        at: entry.at.toISOString(),
        tokens: msg.tokens.length,
        title: msg.title,
        body: msg.body,
        data: entry.data,
      };
      // Synchronous: the line is in the file before anything else can happen.
      appendFileSync(this.journal, `${JSON.stringify(line)}\n`);
    }
    if (msg.id) this.delivered.add(msg.id);
    this.sent.push(entry);
    const data = Object.entries(msg.data)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    this.print(
      `[outbox] to ${msg.tokens.length} device(s): ${msg.title} — ${msg.body}${data ? ` (${data})` : ""}`,
    );
    return { sent: msg.tokens.length, invalidTokens: [] };
  }
}
