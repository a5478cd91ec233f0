// notify/photo-events.ts: which photo transitions tell the uploader.
import assert from "node:assert/strict";
import { noticeFor } from "../../src/notify/photo-events";

describe("photo notifications", () => {
  const base = { photoId: "p", uploaderUid: "u", fileName: "a.jpg", reason: "corrupt" };
  it("tells the uploader about rejections, failures and serious findings only", () => {
    assert.match(noticeFor({ ...base, before: null, after: "REJECTED" }, 0)!.body, /corrupt/);
    assert.equal(
      noticeFor({ ...base, before: "PROCESSING", after: "FAILED" }, 0)!.title,
      "Photo analysis failed",
    );
    assert.equal(noticeFor({ ...base, before: "PROCESSING", after: "COMPLETED" }, 0), null);
    assert.match(
      noticeFor({ ...base, before: "PROCESSING", after: "COMPLETED" }, 2)!.body,
      /2 high or critical/,
    );
    assert.equal(noticeFor({ ...base, before: "QUEUED", after: "PROCESSING" }, 5), null);
    assert.equal(noticeFor({ ...base, before: "FAILED", after: "FAILED" }, 0), null);
  });
});
