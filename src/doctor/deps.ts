// What the doctor does to the outside world besides reading files under its roots, in one
// object so tests swap it whole: fixture trees cannot hold a device node, a dead FUSE mount
// or another pid namespace. realDeps() is the production set: every read of a FUSE mount
// happens in a child process with a timeout (child.ts).
import { closeSync, constants, openSync, statSync } from 'node:fs';
import { probeInChild, readInChild, readInPidNamespace, type Liveness, type ReadResult } from './child.js';
import type { DeviceAccess } from './device-check.js';

export interface DoctorDeps extends DeviceAccess {
  /** Whether the FUSE mount at `path` answers a listing. */
  probe(path: string, timeoutMs: number): Promise<Liveness>;
  /** Whole files read through the mount (as the doctor, for the files check), one result per path. */
  readFiles(paths: readonly string[], timeoutMs: number): Promise<ReadResult[]>;
  /** A whole file read as `pid` would: by a reader the daemon resolves to pid's container. */
  readAsPid(pid: number, path: string, timeoutMs: number): Promise<ReadResult>;
}

export function realDeps(): DoctorDeps {
  return {
    statDevice: (path) => statSync(path),
    // Opening /dev/fuse only allocates a connection; closing it without a mount frees it.
    openDevice: (path) => closeSync(openSync(path, constants.O_RDWR)),
    probe: probeInChild,
    readFiles: readInChild,
    readAsPid: readInPidNamespace,
  };
}
