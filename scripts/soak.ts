// npm run soak -- [--photos N] [--kill-every S] [--vision-faults RATE] [--duplicate-events K]
//                 [--task-redelivery RATE] [--firestore-faults RATE] [--seed X] ...
// The local runtime under injected faults and kills; prints one table and exits 1 on any
// loss or duplicate, 2 on bad options. See functions/src/local/soak/.
process.env.FIELDLENS_LOG_LEVEL ??= "silent";
// Only emulators are talked to: no probing for the GCE metadata server.
process.env.METADATA_SERVER_DETECTION ??= "none";

async function main(): Promise<void> {
  const { parseSoakArgs, SOAK_USAGE } = await import("../functions/src/local/soak/options");
  const parsed = parseSoakArgs(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`soak: ${parsed.error}\n${SOAK_USAGE}`);
    process.exit(2);
  }
  const { runSoak } = await import("../functions/src/local/soak/driver");
  const r = await runSoak(parsed.options);
  console.log(`\n${r.table}\n`);
  if (r.problems.length) {
    console.log(
      `FAILED: ${r.problems.join("; ")}\nstate kept in ${r.stateDir} (runtime.log, outbox.jsonl, firestore/)`,
    );
    process.exit(1);
  }
  console.log(
    parsed.options.keep
      ? `OK: nothing lost, nothing twice (state kept in ${r.stateDir})`
      : "OK: nothing lost, nothing twice",
  );
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
