// The production TaskQueue (firebase-admin task queues) against a loopback endpoint
// speaking the Cloud Tasks emulator protocol, reached through CLOUD_TASKS_EMULATOR_HOST.
import { strict as assert } from "node:assert";
import { deleteApp, initializeApp, type App } from "firebase-admin/app";
import { CloudTasksQueue } from "../../src/adapters/gcp/task-queue";
import { PermanentError, TransientError } from "../../src/errors";
import { LoopbackServer } from "../helpers/loopback-server";

const PROJECT = "demo-fieldlens";
const SA = "tasks-invoker@demo-fieldlens.iam.gserviceaccount.com";

describe("contract: CloudTasksQueue via CLOUD_TASKS_EMULATOR_HOST", () => {
  let server: LoopbackServer;
  let app: App;
  let queue: CloudTasksQueue;
  const saved = process.env.CLOUD_TASKS_EMULATOR_HOST;

  beforeEach(async () => {
    // Like Cloud Tasks: the created task echoes back; the scripted replies come first.
    server = await new LoopbackServer((req) => ({
      status: 200,
      body: JSON.parse(req.body).task,
    })).start();
    process.env.CLOUD_TASKS_EMULATOR_HOST = `127.0.0.1:${server.port}`;
    app = initializeApp(
      { projectId: PROJECT, serviceAccountId: SA },
      `tasks-contract-${server.port}`,
    );
    queue = new CloudTasksQueue({ app, location: "europe-west1" });
  });
  afterEach(async () => {
    await deleteApp(app);
    await server.stop();
    if (saved === undefined) delete process.env.CLOUD_TASKS_EMULATOR_HOST;
    else process.env.CLOUD_TASKS_EMULATOR_HOST = saved;
  });

  const envelope = {
    taskId: "process-inspection-photo-0123abcd",
    type: "process_inspection_photo",
    args: { photoId: "p1" },
    parentId: null,
  };

  it("creates an HTTP task with a deterministic name, deadline, OIDC token and the envelope as body", async () => {
    const created = await queue.enqueue("high_priority", envelope, {
      id: envelope.taskId,
      dispatchDeadlineSeconds: 1800,
    });
    assert.equal(created, true);
    assert.equal(server.requests.length, 1);
    const req = server.requests[0];
    assert.equal(req.method, "POST");
    assert.equal(
      req.url,
      `/projects/${PROJECT}/locations/europe-west1/queues/queueHighPriority/tasks`,
    );
    // The emulator path authenticates with the fixed "owner" token.
    assert.equal(req.headers.authorization, "Bearer owner");
    const { task } = JSON.parse(req.body);
    assert.equal(
      task.name,
      `projects/${PROJECT}/locations/europe-west1/queues/queueHighPriority/tasks/${envelope.taskId}`,
    );
    assert.equal(task.dispatchDeadline, "1800s");
    assert.equal(task.scheduleTime, undefined);
    // No URL under the emulator: the Cloud Tasks emulator dispatches to the queue's own
    // emulated function (firebase-admin fills in the cloudfunctions.net URL in production).
    assert.equal(task.httpRequest.url, "");
    assert.deepEqual(task.httpRequest.oidcToken, { serviceAccountEmail: SA });
    assert.equal(task.httpRequest.headers["Content-Type"], "application/json");
    // onTaskDispatched receives {data}: the envelope travels as request.data.
    assert.deepEqual(JSON.parse(Buffer.from(task.httpRequest.body, "base64").toString("utf8")), {
      data: envelope,
    });
  });

  it("sends the URL a functionUrl option gives", async () => {
    const routed = new CloudTasksQueue({
      app,
      location: "europe-west1",
      functionUrl: (f, l, p) => `https://${f}-${l}-${p}.example.test/`,
    });
    await routed.enqueue("normal", envelope, {
      id: envelope.taskId,
      dispatchDeadlineSeconds: 1800,
    });
    assert.equal(
      JSON.parse(server.requests[0].body).task.httpRequest.url,
      `https://queueNormal-europe-west1-${PROJECT}.example.test/`,
    );
  });

  it("routes each queue to its function and sets scheduleTime for a delay", async () => {
    const before = Date.now();
    await queue.enqueue("batch", envelope, {
      id: "deferred-1",
      dispatchDeadlineSeconds: 1800,
      scheduleDelaySeconds: 600,
    });
    const { task } = JSON.parse(server.requests[0].body);
    assert.match(server.requests[0].url, /\/queues\/queueBatch\/tasks$/);
    const at = Date.parse(task.scheduleTime);
    assert.ok(at >= before + 599_000 && at <= Date.now() + 601_000, task.scheduleTime);
  });

  it("reports ALREADY_EXISTS (409) as false: the same work was enqueued before", async () => {
    server.reply({
      status: 409,
      body: {
        error: { code: 409, message: "Requested entity already exists", status: "ALREADY_EXISTS" },
      },
    });
    assert.equal(
      await queue.enqueue("normal", envelope, {
        id: envelope.taskId,
        dispatchDeadlineSeconds: 1800,
      }),
      false,
    );
  });

  it("maps other Cloud Tasks errors to transient or permanent failures", async () => {
    // The client itself retries a 503 once at once; then the task is created.
    server.reply({
      status: 503,
      body: {
        error: {
          code: 503,
          message: "The service is currently unavailable.",
          status: "UNAVAILABLE",
        },
      },
    });
    assert.equal(
      await queue.enqueue("normal", envelope, { id: "a", dispatchDeadlineSeconds: 1800 }),
      true,
    );
    server.reply({
      status: 500,
      body: { error: { code: 500, message: "Internal error encountered.", status: "INTERNAL" } },
    });
    await assert.rejects(
      queue.enqueue("normal", envelope, { id: "a", dispatchDeadlineSeconds: 1800 }),
      TransientError,
    );
    server.reply({
      status: 400,
      body: {
        error: {
          code: 400,
          message: "Task.dispatchDeadline is invalid",
          status: "INVALID_ARGUMENT",
        },
      },
    });
    await assert.rejects(
      queue.enqueue("normal", envelope, { id: "b", dispatchDeadlineSeconds: 1800 }),
      PermanentError,
    );
    // Ids Cloud Tasks cannot accept are refused before any request.
    await assert.rejects(
      queue.enqueue("normal", envelope, { id: "bad/id", dispatchDeadlineSeconds: 1800 }),
      PermanentError,
    );
    assert.equal(server.requests.length, 4);
  });
});
