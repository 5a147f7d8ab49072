import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { joinCgroupNamespaceOf } from '../../src/cgroup/namespace.js';
import { RecordingLogger } from '../helpers/fuse-requests.js';

/** A /proc fixture whose ns links read `ours` and `init` (as the kernel's do: "cgroup:[inode]"). */
function procRoot(t: Test, ours: string | null, init: string | null): string {
  const root = t.testdir({});
  if (ours !== null) {
    mkdirSync(join(root, 'thread-self/ns'), { recursive: true });
    symlinkSync(ours, join(root, 'thread-self/ns/cgroup'));
  }
  if (init !== null) {
    mkdirSync(join(root, '1/ns'), { recursive: true });
    symlinkSync(init, join(root, '1/ns/cgroup'));
  }
  return root;
}

function joiner(fail?: Error) {
  const joined: string[] = [];
  return { joined, joinCgroupNamespace: (path: string) => { if (fail) throw fail; joined.push(path); } };
}

t.test('in pid 1\'s cgroup namespace already: nothing to do', async (t) => {
  const native = joiner();
  const logger = new RecordingLogger();
  t.equal(joinCgroupNamespaceOf(procRoot(t, 'cgroup:[4026531835]', 'cgroup:[4026531835]'), 1, native, logger), 'same');
  t.same(native.joined, []);
  t.same(logger.records, []);
});

t.test('in another one: joins pid 1\'s and says so', async (t) => {
  const native = joiner();
  const logger = new RecordingLogger();
  const root = procRoot(t, 'cgroup:[4026532301]', 'cgroup:[4026531835]');
  t.equal(joinCgroupNamespaceOf(root, 1, native, logger), 'joined');
  t.same(native.joined, [`${root}/1/ns/cgroup`]);
  t.same(logger.at('info').map((r) => r.fields), [{ pid: 1, from: 'cgroup:[4026532301]', to: 'cgroup:[4026531835]' }]);
});

t.test('setns refused (no CAP_SYS_ADMIN): a warning, and serving goes on', async (t) => {
  const native = joiner(Object.assign(new Error('setns /proc/1/ns/cgroup: Operation not permitted'), { code: 'EPERM' }));
  const logger = new RecordingLogger();
  t.equal(joinCgroupNamespaceOf(procRoot(t, 'cgroup:[1]', 'cgroup:[2]'), 1, native, logger), 'failed');
  t.equal(logger.at('warn').length, 1);
  t.match(logger.at('warn')[0]!.message, /host values/);
});

t.test('namespaces that cannot be compared (fixture /proc, pid 1 hidden): unknown, nothing done', async (t) => {
  for (const [ours, init] of [[null, 'cgroup:[2]'], ['cgroup:[1]', null], [null, null]] as const) {
    const native = joiner();
    t.equal(joinCgroupNamespaceOf(procRoot(t, ours, init), 1, native, new RecordingLogger()), 'unknown');
    t.same(native.joined, []);
  }
});

t.test('the real /proc: this process is in its own namespace; the pid given is the one joined', async (t) => {
  const native = joiner();
  t.equal(joinCgroupNamespaceOf('/proc', process.pid, native, new RecordingLogger()), 'same');
  const root = procRoot(t, 'cgroup:[1]', null);
  mkdirSync(join(root, '4242/ns'), { recursive: true });
  symlinkSync('cgroup:[2]', join(root, '4242/ns/cgroup'));
  t.equal(joinCgroupNamespaceOf(root, 4242, native, new RecordingLogger()), 'joined');
  t.same(native.joined, [`${root}/4242/ns/cgroup`]);
});
