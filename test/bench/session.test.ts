import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import { benchPaths } from '../../src/bench/environment.js';
import { Session } from '../../src/bench/session.js';
import { isMounted } from '../helpers/daemon.js';
import { requirePrivileges } from '../helpers/env.js';

t.test('both daemons up side by side, then nothing left', async (t) => {
  if (!requirePrivileges(t)) return;
  const s = new Session();
  t.teardown(() => s.cleanup());
  t.match(s.dir, /\/lxcfs-node-bench-/);
  t.equal(s.cgroup.dirs.length > 0, true);
  await s.start(['lxcfs-node', 'lxcfs'], ['-u'], { cli: benchPaths().cli, lxcfs: '/usr/bin/lxcfs' });
  const [node, lxcfs] = [s.daemon('lxcfs-node'), s.daemon('lxcfs')];
  for (const d of [node, lxcfs]) t.ok(isMounted(d.spec.mountpoint), d.spec.name);
  t.match(readFileSync(`${node.spec.mountpoint}/proc/swaps`, 'utf8'), /^Filename\s+Type\s+Size\s+Used\s+Priority\n$/, 'flags passed (-u)');
  const pids = [...node.pids(), ...lxcfs.pids()];
  t.same(await s.cleanup(), []);
  t.equal(s.cleanup(), s.cleanup(), 'once');
  for (const pid of pids) t.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `pid ${pid} gone`);
  for (const d of [node, lxcfs]) t.notOk(isMounted(d.spec.mountpoint), d.spec.name);
  t.notOk(existsSync(s.dir), 'temp dir removed');
  for (const dir of s.cgroup.dirs) t.notOk(existsSync(dir), dir);
});

t.test('cleanup after a failed start: the daemon that did start is stopped', async (t) => {
  if (!requirePrivileges(t)) return;
  const s = new Session();
  t.teardown(() => s.cleanup());
  await t.rejects(s.start(['lxcfs-node', 'lxcfs'], [], { cli: benchPaths().cli, lxcfs: '/bin/false' }),
    /lxcfs exited during start-up/);
  const node = s.daemon('lxcfs-node');
  t.ok(node.running());
  t.same(await s.cleanup(), []);
  t.notOk(node.running());
  t.notOk(existsSync(s.dir));
});
