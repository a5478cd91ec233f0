// The production QueueMonitor (@google-cloud/tasks v2beta3 client, REST transport)
// against a loopback endpoint speaking the Cloud Tasks REST protocol.
import { strict as assert } from "node:assert";
import { CloudTasksMonitor } from "../../src/adapters/gcp/queue-monitor";
import { FAKE_TOKEN, fakeAuthClient } from "../helpers/fake-google-auth";
import { LoopbackServer } from "../helpers/loopback-server";

const NOW = new Date("2026-12-11T12:00:00Z");
const QUEUE = "projects/demo-fieldlens/locations/europe-west1/queues/queueBatch";

describe("contract: CloudTasksMonitor over REST", function () {
  let server: LoopbackServer;
  let monitor: CloudTasksMonitor;

  beforeEach(async function () {
    server = await new LoopbackServer().start();
    monitor = new CloudTasksMonitor({
      projectId: "demo-fieldlens",
      location: "europe-west1",
      client: {
        fallback: true,
        apiEndpoint: "127.0.0.1",
        port: server.port,
        protocol: "http",
        authClient: fakeAuthClient(),
      } as never,
    });
  });
  afterEach(() => server.stop());

  it("reads queue stats with read_mask=stats and counts the tasks scheduled for later on one page", async function () {
    server.reply(
      {
        status: 200,
        body: {
          name: QUEUE,
          stats: {
            tasksCount: "3",
            oldestEstimatedArrivalTime: "2026-12-11T11:58:00Z",
            executedLastMinuteCount: "7",
            concurrentDispatchesCount: "2",
            effectiveExecutionRate: 1,
          },
        },
      },
      {
        status: 200,
        body: {
          tasks: [
            { name: `${QUEUE}/tasks/a`, scheduleTime: "2026-12-11T11:58:00Z" },
            { name: `${QUEUE}/tasks/b`, scheduleTime: "2026-12-11T22:00:00Z" },
            { name: `${QUEUE}/tasks/c`, scheduleTime: "2026-12-11T22:00:05.250Z" },
          ],
        },
      },
    );
    const s = await monitor.snapshot("batch", NOW);
    assert.deepEqual(s, {
      pending: 3,
      scheduled: 2,
      inFlight: 2,
      oldestPendingAt: new Date("2026-12-11T11:58:00Z"),
      dispatchedLastMinute: 7,
      truncated: false,
    });
    const [get, list] = server.requests;
    assert.equal(get.method, "GET");
    const getUrl = new URL(get.url, "http://x");
    assert.equal(getUrl.pathname, `/v2beta3/${QUEUE}`);
    assert.equal(getUrl.searchParams.get("readMask"), "stats");
    assert.equal(get.headers.authorization, `Bearer ${FAKE_TOKEN}`);
    const listUrl = new URL(list.url, "http://x");
    assert.equal(listUrl.pathname, `/v2beta3/${QUEUE}/tasks`);
    assert.equal(listUrl.searchParams.get("pageSize"), "1000");
  });

  it("an empty queue has no stats fields at all (proto3 omits zeros); a next page marks the count as capped", async function () {
    server.reply({ status: 200, body: { name: QUEUE, stats: {} } }, { status: 200, body: {} });
    assert.deepEqual(await monitor.snapshot("batch", NOW), {
      pending: 0,
      scheduled: 0,
      inFlight: 0,
      oldestPendingAt: null,
      dispatchedLastMinute: 0,
      truncated: false,
    });
    server.reply(
      { status: 200, body: { name: QUEUE, stats: { tasksCount: "5000" } } },
      {
        status: 200,
        body: {
          tasks: [{ name: `${QUEUE}/tasks/a`, scheduleTime: "2026-12-12T00:00:00Z" }],
          nextPageToken: "p2",
        },
      },
    );
    const capped = await monitor.snapshot("batch", NOW);
    assert.equal(capped.truncated, true);
    assert.equal(capped.scheduled, 1);
    // One page only: the read bound holds.
    assert.equal(server.requests.length, 4);
  });

  it("a Cloud Tasks error surfaces (the status request fails with its message)", async function () {
    server.reply({
      status: 403,
      body: {
        error: {
          code: 403,
          message: "The caller does not have permission",
          status: "PERMISSION_DENIED",
        },
      },
    });
    await assert.rejects(monitor.snapshot("batch", NOW), /permission/i);
  });
});
