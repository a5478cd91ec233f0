// Recogniser reads as the OCR pipeline holds them, for the tests of its steps.
import type { TextBox } from "../../src/adapters/local/vision-engine/ocr-lines";

/** A read of `text` with mean probability `mean` in the upright box (x0, y0)–(x1, y1). */
export const textBox = (
  text: string,
  mean: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): TextBox => ({
  text,
  mean,
  box: [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ],
});
