// Everything the doctor reads from a FUSE mount it reads from a child process with a
// deadline, never from itself: a hung daemon blocks the reader in the kernel, so a reader in
// this process would hang the doctor. A child blocked on a request the daemon has already
// taken cannot even be killed (the kernel waits uninterruptibly for the answer), so on
// timeout we stop waiting for it instead of waiting for its exit.
//
// One child serves a whole batch of paths: it reports "ready", then one JSON line per path
// as each answers (all requested at once, on libuv's thread pool). The deadline runs from
// "ready", so it measures the daemon, not how long node takes to start on a loaded machine
// (eight node children at once measured 0.5-1.4 s here before reading anything).
import { spawn } from 'node:child_process';

export const DEFAULT_TIMEOUT_MS = 3000;
/** How long a child may take to start before the paths count as timed out anyway. */
const STARTUP_MS = 15_000;

export type ReadResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly error: string; readonly timedOut: boolean };

export type LivenessState = 'live' | 'dead' | 'hung' | 'error';

export interface Liveness {
  readonly state: LivenessState;
  /** The error a listing failed with ('error'; 'dead': ENOTCONN or ECONNABORTED). */
  readonly detail?: string;
}

type Op = 'read' | 'list';

const SCRIPT = 'const fs=require("fs");const[op,...paths]=process.argv.slice(1);'
  + 'const out=(o)=>process.stdout.write(JSON.stringify(o)+"\\n");out({ready:true});'
  + 'paths.forEach((path,i)=>{const done=(e,d)=>out(e?{i,error:String(e.code||e.message)}:{i,text:op==="read"?d:""});'
  + 'if(op==="read")fs.readFile(path,"utf8",done);else fs.readdir(path,done);});';

/**
 * The script is self-contained: loader hooks and coverage settings from the environment
 * (a test runner's) would only slow every child down and leave files behind. Each path
 * gets a pool thread, so that one hung file does not queue the others behind it.
 */
function childEnv(paths: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, UV_THREADPOOL_SIZE: String(Math.max(4, paths)) };
  delete env.NODE_OPTIONS;
  delete env.NODE_V8_COVERAGE;
  return env;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** Runs the script under `prefix` (e.g. nsenter …) on `paths`; one result per path, in order. */
export function runBatch(prefix: readonly string[], op: Op, paths: readonly string[], timeoutMs: number): Promise<ReadResult[]> {
  const [command, ...args] = [...prefix, process.execPath, '-e', SCRIPT, op, ...paths];
  return new Promise((resolve) => {
    const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(paths.length) });
    const results: Array<ReadResult | undefined> = paths.map(() => undefined);
    let pending = paths.length;
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = (missing: (i: number) => ReadResult) => {
      if (pending < 0) return;
      pending = -1;
      clearTimeout(timer);
      resolve(results.map((r, i) => r ?? missing(i)));
    };
    const giveUp = () => {
      child.kill('SIGKILL');
      // It may never exit (see above): let it go so that it cannot keep the doctor alive.
      child.stdout.destroy();
      child.stderr.destroy();
      child.unref();
      finish(() => ({ ok: false, error: `no answer within ${seconds(timeoutMs)}`, timedOut: true }));
    };
    const onLine = (line: string) => {
      let msg: { ready?: true; i: number; text?: string; error?: string };
      try {
        msg = JSON.parse(line);
      } catch {
        return; // not the script's (nothing else should write there)
      }
      if (msg.ready === true) {
        clearTimeout(timer);
        timer = setTimeout(giveUp, timeoutMs);
      } else if (results[msg.i] === undefined && pending > 0) {
        results[msg.i] = msg.error === undefined ? { ok: true, text: msg.text ?? '' } : { ok: false, error: msg.error, timedOut: false };
        // every result is in: the fallback is never used
        if (--pending === 0) finish(() => ({ ok: false, error: 'no result', timedOut: false }));
      }
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      for (let nl = stdout.indexOf('\n'); nl !== -1; nl = stdout.indexOf('\n')) {
        onLine(stdout.slice(0, nl));
        stdout = stdout.slice(nl + 1);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    // A child that ended (or never started) without answering: its error, e.g. nsenter's.
    const failed = (why: string) => finish(() => ({ ok: false, error: stderr.trim().split('\n')[0] || why, timedOut: false }));
    child.on('error', (err) => failed(`${command}: ${err.message}`));
    child.on('close', (code, signal) => failed(`exit status ${code ?? signal}`));
    timer = setTimeout(giveUp, timeoutMs + STARTUP_MS);
  });
}

/** Reads whole files, each with the deadline, from one child. */
export function readInChild(paths: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ReadResult[]> {
  return runBatch([], 'read', paths, timeoutMs);
}

/**
 * Reads a file from a child that has first joined the pid namespace of `pid` (nsenter -p from
 * util-linux): the daemon then resolves the reader to that namespace's init, as it does for
 * the process itself. The child stays in our mount namespace and runs our node binary, so the
 * container needs no tools of its own (distroless images have no cat); it reaches the
 * process's files through /proc/<pid>/root/…, which follows that process's mounts. (nsenter
 * -m would exec from the container's filesystem, and without -p the daemon would take the
 * reader for a host process with the doctor's own cgroup.)
 */
export async function readInPidNamespace(pid: number, path: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ReadResult> {
  const [result] = await runBatch(['nsenter', '-t', String(pid), '-p', '--'], 'read', [path], timeoutMs);
  return result!;
}

/**
 * Lists `path` from a child: ENOTCONN/ECONNABORTED means a dead FUSE connection, no answer
 * within the deadline a hung daemon. A listing always reaches the daemon; a stat(2) may be
 * answered from the kernel's attribute cache even by a dead connection.
 */
export async function probeInChild(path: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Liveness> {
  const [result] = await runBatch([], 'list', [path], timeoutMs);
  if (result!.ok) return { state: 'live' };
  if (result!.timedOut) return { state: 'hung' };
  return { state: /^(ENOTCONN|ECONNABORTED)$/.test(result!.error) ? 'dead' : 'error', detail: result!.error };
}
