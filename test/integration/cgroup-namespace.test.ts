// The daemon in a cgroup namespace of its own, as a DaemonSet pod on a cgroup v2 node is: it
// is started in a cgroup of its own and `unshare --cgroup`ed there, so every other process's
// /proc/<pid>/cgroup reads "/../…" from its view (lxcfs then serves everyone host values,
// lxc/lxcfs#598). Its serving process joins the host's cgroup namespace and serves a container
// beside it its own limit. The host's namespace is named by this test's pid (--cgroupns-pid):
// in a DaemonSet it is pid 1's, but here pid 1 cannot be inspected (no CAP_SYS_PTRACE over it).
import { readdirSync, readlinkSync } from 'node:fs';
import t from 'tap';
import { TestCgroups } from '../helpers/cgroups.js';
import { startLxcfsNode } from '../helpers/daemon.js';
import { requirePrivileges } from '../helpers/env.js';
import { meminfoValue, shOk } from '../helpers/run.js';
import { join } from 'node:path';

const CONTROLLERS = ['memory', 'cpu', 'cpuacct', 'unified'] as const;

t.test('a daemon in a private cgroup namespace serves a container beside it its own limit', async (t) => {
  if (!requirePrivileges(t)) return;
  const cgroups = new TestCgroups(t);
  for (const controller of CONTROLLERS) {
    cgroups.create(controller, 'daemon');
    cgroups.create(controller, 'container');
  }
  cgroups.write('memory', 'container', 'memory.limit_in_bytes', 256 * 1024 * 1024);
  const enter = CONTROLLERS.map((c) => `echo $$ > ${cgroups.dir(c, 'daemon')}/cgroup.procs`).join(' && ');
  const fs = await startLxcfsNode(t, ['--cgroupns-pid', String(process.pid)], { through: ['sh', '-c', `${enter} && exec unshare --cgroup "$@"`, 'sh'] });

  // setns(2) moved the serving threads only; the process's other threads (libuv's, V8's)
  // still show the namespace it was started in.
  const host = readlinkSync('/proc/self/ns/cgroup');
  const threads = readdirSync(`/proc/${fs.pid}/task`).map((tid) => ({ tid, ns: readlinkSync(`/proc/${fs.pid}/task/${tid}/ns/cgroup`) }));
  const started = threads.find((th) => th.ns !== host);
  t.ok(started, 'the daemon was started in a cgroup namespace of its own');
  t.equal(threads.find((th) => th.tid === String(fs.pid))?.ns, host, 'its main thread joined the host\'s');
  const seen = await shOk(t, `nsenter --cgroup=/proc/${fs.pid}/task/${started!.tid}/ns/cgroup cat /proc/${fs.pid}/cgroup`);
  t.match(seen, /^\d+:memory:\/$/m, `where the daemon's own cgroup is the root: ${seen}`);
  await fs.waitForStderr(/joined the cgroup namespace of the host/);

  const enterContainer = `echo $$ > ${cgroups.dir('memory', 'container')}/cgroup.procs`;
  const meminfo = await shOk(t, `${enterContainer} && exec cat ${join(fs.mountpoint, 'proc/meminfo')}`);
  t.equal(meminfoValue(meminfo, 'MemTotal'), 262144, 'the container\'s 256 MiB, not the host\'s memory');
  const own = await shOk(t, `cat ${join(fs.mountpoint, 'proc/meminfo')}`);
  t.equal(meminfoValue(own, 'MemTotal'), meminfoValue(await shOk(t, 'cat /proc/meminfo'), 'MemTotal'), 'a host reader still sees the host');
});
