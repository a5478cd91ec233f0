// The old API spoke snake_case JSON. Only camelCase identifiers are converted, so map
// keys that are data (feature names like LABEL_DETECTION, meter ids) pass unchanged.
const CAMEL = /^[a-z][a-zA-Z0-9]*$/;

export function snakeKey(key: string): string {
  return CAMEL.test(key) ? key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase() : key;
}

export function snakeCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCase);
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [snakeKey(k), snakeCase(v)]),
    );
  }
  return value;
}
