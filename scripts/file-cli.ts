// The shape shared by `inspect` and `analyze`: one file argument (relative to where the
// user typed the command), one JSON object on stdout, exit 0 whatever the file holds
// (unusable input is a REJECTED result), 2 when no file is given, 1 only for a bug.
import { resolve } from "node:path";

process.env.FIELDLENS_LOG_LEVEL ??= "silent";

export function runFileCli(
  command: string,
  produce: (file: string, arg: string) => Promise<object>,
): void {
  const main = async (): Promise<number> => {
    const arg = process.argv[2];
    if (!arg) {
      process.stderr.write(`usage: npm run --silent ${command} -- <file>\n`);
      return 2;
    }
    // npm runs scripts from the repo root; INIT_CWD is where the user typed the command.
    const out = await produce(resolve(process.env.INIT_CWD ?? process.cwd(), arg), arg);
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  };
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${String(err?.stack ?? err)}\n`);
      process.exit(1);
    },
  );
}
