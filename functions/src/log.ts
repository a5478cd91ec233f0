// Structured logging through firebase-functions' logger (Cloud Logging in production).
// FIELDLENS_LOG_LEVEL=silent quietens it for tests and the CLI's JSON output.
import { logger as fnLogger } from "firebase-functions";
import { runtimeEnv } from "./config";

const LEVELS = ["debug", "info", "warn", "error"] as const;
type Level = (typeof LEVELS)[number];

function enabled(level: Level): boolean {
  const min = runtimeEnv().logLevel;
  if (min === "silent") return false;
  return LEVELS.indexOf(level) >= LEVELS.indexOf(min);
}

export const log = {
  debug: (msg: string, data?: object) => enabled("debug") && fnLogger.debug(msg, data ?? {}),
  info: (msg: string, data?: object) => enabled("info") && fnLogger.info(msg, data ?? {}),
  warn: (msg: string, data?: object) => enabled("warn") && fnLogger.warn(msg, data ?? {}),
  error: (msg: string, data?: object) => enabled("error") && fnLogger.error(msg, data ?? {}),
};
