// A Messenger for the local runtime: nothing leaves the machine. Each push that FCM would
// have delivered is recorded and handed to a printer (the console by default).
import type { Messenger, PushMessage } from "../../ports";

export interface OutboxEntry extends PushMessage {
  at: Date;
}

export class OutboxMessenger implements Messenger {
  readonly sent: OutboxEntry[] = [];

  constructor(
    private readonly print: (line: string) => void = (line) => console.log(line),
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(msg: PushMessage): Promise<{ sent: number; invalidTokens: string[] }> {
    const entry: OutboxEntry = { ...msg, tokens: [...msg.tokens], data: { ...msg.data }, at: this.now() };
    this.sent.push(entry);
    const data = Object.entries(msg.data)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    this.print(`[outbox] to ${msg.tokens.length} device(s): ${msg.title} — ${msg.body}${data ? ` (${data})` : ""}`);
    return { sent: msg.tokens.length, invalidTokens: [] };
  }
}
