// Mocha's spec reporter plus one plain closing line ("tests: N passed, N failed, N skipped")
// so CI can read the counts whatever runner it knows.
"use strict";
const Mocha = require("mocha");
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class FieldlensReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats ?? {};
      process.stdout.write(
        `tests: ${s.passes ?? 0} passed, ${s.failures ?? 0} failed, ${s.pending ?? 0} skipped\n`,
      );
    });
  }
}
module.exports = FieldlensReporter;
