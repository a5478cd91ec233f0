// Types for firestore-emulator.mjs, for the TypeScript scripts that start an emulator.
import type { ChildProcess } from "node:child_process";

export interface StartedEmulator {
  host: string;
  port: number;
  /** The emulator's (java's) pid. */
  pid: number | undefined;
  /** The watchdog process that runs the emulator. */
  child: ChildProcess;
  stop(): Promise<void>;
  /** Resolves when the emulator (its watchdog) has exited, for whatever reason. */
  exited: Promise<number | null>;
  seededFrom: string | undefined;
}

export function startEmulator(opts?: {
  timeoutMs?: number;
  quiet?: boolean;
  extraArgs?: string[];
  port?: number;
  importDir?: string;
  exportOnDeath?: string;
  project?: string;
}): Promise<StartedEmulator>;
export function isUp(host: string): Promise<boolean>;
export function freePort(): Promise<number>;
export function newestExport(dir: string | undefined): string | undefined;
export function findEmulatorJar(): string | undefined;
export function findJava(): string | undefined;
export const INSTALL_HELP: string;
