// One error type for the API: an HTTP status and a message the client can act on. The
// REST layer sends it as {detail}; callables map it to the matching HttpsError code.
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function notFound(what: string, id: string): ApiError {
  return new ApiError(404, `${what} ${id} not found`);
}
