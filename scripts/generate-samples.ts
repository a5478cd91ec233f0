// Generates the sample photos into samples/generated/ (gitignored) with a manifest.
// Usage: npm run samples   (add --seed to also write the sample asset to Firestore)
import { resolve } from "node:path";
import { generateSamples, seedSampleAsset } from "../functions/src/local/samples/generate";
import { GENERATE_SAMPLES_USAGE, parseGenerateSamplesArgs } from "./generate-samples-options";

export const SAMPLES_DIR = resolve(__dirname, "..", "samples", "generated");

async function main(): Promise<void> {
  const parsed = parseGenerateSamplesArgs(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`npm run samples: ${parsed.error}\n${GENERATE_SAMPLES_USAGE}`);
    process.exit(2);
  }
  const manifest = await generateSamples(SAMPLES_DIR);
  for (const s of manifest.samples) console.log(`  ${s.file.padEnd(22)} ${s.kind}`);
  console.log(`wrote ${manifest.samples.length} samples and manifest.json to samples/generated/`);
  if (parsed.options.seed) {
    await seedSampleAsset();
    console.log(`seeded assets/${manifest.assetId}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
