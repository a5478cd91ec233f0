// An auth client for Google client libraries talking REST to a loopback endpoint: it
// adds a fixed bearer token (so tests can assert it is sent) and fetches with Node's
// fetch, so no credentials, metadata server or token exchange is ever involved.
export const FAKE_TOKEN = "test-access-token";

export function fakeAuthClient() {
  return {
    universeDomain: "googleapis.com",
    async getRequestHeaders() {
      return new Headers({ authorization: `Bearer ${FAKE_TOKEN}` });
    },
    async fetch(
      url: string | URL,
      init: {
        method?: string;
        headers?: ConstructorParameters<typeof Headers>[0];
        body?: string | Buffer;
        signal?: AbortSignal;
      } = {},
    ) {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${FAKE_TOKEN}`);
      return fetch(url, { method: init.method, headers, body: init.body, signal: init.signal });
    },
  };
}
