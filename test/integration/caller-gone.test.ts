// A reader that exits before its request is served: the real session, filesystem and
// renderer stack (as the daemon wires it) receives READs whose caller pid has been
// reaped. Killing real readers around a mount cannot hit this window reliably — the
// kernel drops a killed caller's queued request — so the requests are fed directly.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { DEFAULT_ROOTS } from '../../src/config.js';
import { buildRenderer } from '../../src/daemon.js';
import { REGISTRY } from '../../src/files/registry.js';
import { ReadOnlyFilesystem } from '../../src/fuse/filesystem.js';
import { FuseSession } from '../../src/fuse/session.js';
import { TestCgroups } from '../helpers/cgroups.js';
import { requirePrivileges } from '../helpers/env.js';
import { nameBody, OP, openBody, readBody, RecordingLogger, RecordingSink, request } from '../helpers/fuse-requests.js';
import { meminfoValue } from '../helpers/run.js';

const NEGOTIATED = { major: 7, minor: 38, maxReadahead: 131072, flags: 0, maxBackground: 64, congestionThreshold: 48, maxWrite: 131072, timeGran: 1, maxPages: 32 };

function stack() {
  const logger = new RecordingLogger();
  const { renderer } = buildRenderer({ ...DEFAULT_ROOTS, render: { swap: true, cfs: false, loadavg: false } }, logger);
  const sink = new RecordingSink();
  const session = new FuseSession({ sink, operations: new ReadOnlyFilesystem(REGISTRY, renderer), logger, negotiated: NEGOTIATED });
  const lookup = (parent: bigint, name: string): bigint => {
    session.handle(request(OP.LOOKUP, nameBody(name), { nodeId: parent }));
    const reply = sink.take();
    if (reply.error !== 0) throw new Error(`lookup ${name}: ${reply.error}`);
    return reply.body.readBigUInt64LE(0);
  };
  const meminfo = lookup(lookup(1n, 'proc'), 'meminfo');
  /** OPEN + READ at offset 0 as `pid`; returns the reply's error and text. */
  const readAs = (pid: number) => {
    session.handle(request(OP.OPEN, openBody(0), { nodeId: meminfo, pid }));
    const fh = sink.take().body.readBigUInt64LE(0);
    session.handle(request(OP.READ, readBody(fh, 0, 65536), { nodeId: meminfo, pid }));
    const reply = sink.take();
    return { error: reply.error, text: reply.body.toString() };
  };
  return { renderer, logger, readAs };
}

async function childInCgroup(cg: TestCgroups): Promise<{ pid: number; kill: () => Promise<void> }> {
  const child = spawn('sh', ['-c', `echo $$ > ${cg.dir('memory', 'c')}/cgroup.procs && exec sleep 60`], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  // Moved once its cgroup file says so.
  for (let i = 0; i < 100 && !readFileSync(`/proc/${child.pid}/cgroup`, 'utf8').includes(cg.path('c')); i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return { pid: child.pid!, kill: async () => { child.kill('SIGKILL'); await exited; } };
}

t.test('a caller that is gone gets the host file, counted, nothing logged as an error', async (t) => {
  if (!requirePrivileges(t)) return;
  const cg = new TestCgroups(t);
  cg.create('memory', 'c');
  cg.write('memory', 'c', 'memory.limit_in_bytes', 256 * 1024 * 1024);
  const { renderer, logger, readAs } = stack();
  const child = await childInCgroup(cg);
  t.teardown(child.kill);

  const alive = readAs(child.pid);
  t.equal(alive.error, 0);
  t.equal(meminfoValue(alive.text, 'MemTotal'), 262144, 'while alive: its container');

  await child.kill(); // exited and reaped: /proc/<pid> is gone
  const gone = readAs(child.pid);
  t.equal(gone.error, 0, 'answered, not failed');
  const host = readFileSync('/proc/meminfo', 'utf8');
  t.equal(meminfoValue(gone.text, 'MemTotal'), meminfoValue(host, 'MemTotal'), 'the host file');
  t.equal(gone.text.split('\n').length, host.split('\n').length);
  t.equal(renderer.fallbacks.get('LXCFS_CALLER_GONE'), 1, 'counted as caller gone');
  t.same(logger.at('error'), [], 'no error logged');
});

t.test('a caller outside the daemon\'s pid namespace (pid 0) gets the host file', async (t) => {
  if (!requirePrivileges(t)) return;
  const { renderer, readAs } = stack();
  const result = readAs(0);
  t.equal(result.error, 0);
  t.equal(meminfoValue(result.text, 'MemTotal'), meminfoValue(readFileSync('/proc/meminfo', 'utf8'), 'MemTotal'));
  t.equal(renderer.fallbacks.get('LXCFS_CALLER_INVISIBLE'), 1);
});
