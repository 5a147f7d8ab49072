// Containers never see each other's values under concurrent load: requests arrive in
// batches and one render serves every reader of the same container in a batch, so this
// drives many readers of three containers at once through the real mount (default
// --spin-us) — two host-namespace cgroups and one pid namespace — and checks every line,
// with one serving thread and with two (a worker on a clone of the fd, the shared open-file
// table, per-thread memos).
import { join } from 'node:path';
import t from 'tap';
import { TestCgroups } from '../helpers/cgroups.js';
import { startLxcfsNode } from '../helpers/daemon.js';
import { requirePrivileges } from '../helpers/env.js';
import { shOk } from '../helpers/run.js';

const MiB = 1024 * 1024;
const READERS = 8;
const READS = 120;

for (const threads of [1, 2]) t.test(`--threads ${threads}: 24 concurrent readers in 3 containers each see only their own MemTotal`, async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await startLxcfsNode(t, ['--threads', String(threads)]);
  const cgroups = new TestCgroups(t);
  const limits = { a: 200, b: 300, c: 400 };
  for (const [name, mib] of Object.entries(limits)) {
    cgroups.create('memory', name);
    cgroups.write('memory', name, 'memory.limit_in_bytes', mib * MiB);
  }
  const meminfo = join(fs.mountpoint, 'proc/meminfo');
  const loop = `i=0; while [ $i -lt ${READS} ]; do head -n1 ${meminfo}; i=$((i+1)); done`;
  const enter = (name: string) => `echo $$ > ${cgroups.dir('memory', name)}/cgroup.procs`;
  const run = (name: string) => name === 'c'
    // c is a container: its own pid namespace, whose init sits in c
    ? shOk(t, `${enter(name)} && exec unshare --pid --fork sh -c '${loop.replaceAll("'", "'\\''")}'`, 120_000)
    : shOk(t, `${enter(name)} && ${loop}`, 120_000);
  const names = Object.keys(limits) as Array<keyof typeof limits>;
  const outputs = await Promise.all(names.flatMap((name) => Array.from({ length: READERS }, () => run(name).then((out) => ({ name, out })))));
  for (const name of names) {
    const lines = outputs.filter((o) => o.name === name).flatMap((o) => o.out.trim().split('\n'));
    const expected = `MemTotal: ${limits[name] * 1024} kB`;
    const wrong = lines.filter((l) => l.replace(/ +/g, ' ') !== expected);
    t.equal(lines.length, READERS * READS, `${name}: every read answered`);
    t.same(wrong.slice(0, 5), [], `${name}: every line is ${expected} (${wrong.length} are not)`);
  }
});
