// Drums boxed one by one are read again side by side.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  fragmentClusters,
  readsAsJoined,
  unionBox,
} from "../../../../src/adapters/local/vision-engine/ocr-fragments";
import { textBox } from "../../../helpers/text-boxes";

const read = textBox;

describe("OCR fragments", () => {
  it("joins single drums boxed apart on one line, as on a real electricity meter", () => {
    // Boxes and reads as the recogniser gave them on eval/meters tune jad-0 (00683).
    const boxes = [
      read("10000100010010", 0.997, 172, 1011, 501, 1061),
      read("0", 0.998, 277, 1067, 343, 1121),
      read("6", 0.992, 357, 1076, 429, 1122),
      read("6", 0.243, 477, 1084, 478, 1122),
      read("3", 0.297, 556, 1100, 581, 1138),
      read("CM JBEIL1321", 0.986, 300, 1195, 783, 1291),
    ];
    assert.deepEqual(fragmentClusters(boxes), [[1, 2, 3, 4]]);
    assert.deepEqual(unionBox([boxes[1].box, boxes[4].box]), [
      [277, 1067],
      [581, 1067],
      [581, 1138],
      [277, 1138],
    ]);
  });

  it("leaves words, lone fragments, far-apart fragments and other lines alone", () => {
    const boxes = [
      read("LITRES", 0.99, 0, 0, 200, 40),
      read("7", 0.95, 400, 0, 420, 40),
      read("3", 0.95, 600, 0, 620, 40),
      read("4", 0.95, 420, 200, 440, 240),
      read("m", 0.95, 445, 200, 470, 240),
    ];
    // "7" and "3" stand 180 px (4.5 heights) apart; "4" and "m" join (a digit among them).
    assert.deepEqual(fragmentClusters(boxes), [[3, 4]]);
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[A-Za-z]{3,8}$/), { maxLength: 6 }), (words) => {
        const line = words.map((w, i) => read(w, 0.9, i * 100, 0, i * 100 + 90, 40));
        return fragmentClusters(line).length === 0;
      }),
    );
  });

  it("takes the joined read only when it reads surely as at least as many digits as fragments", () => {
    const joined = (text: string, mean: number) => read(text, mean, 0, 0, 300, 50);
    assert.equal(readsAsJoined(joined("0683", 0.89), 4), true);
    assert.equal(readsAsJoined(joined("06", 0.95), 4), false);
    assert.equal(readsAsJoined(joined("0683", 0.3), 4), false);
    assert.equal(readsAsJoined(joined("ab", 0.99), 2), false);
  });
});
