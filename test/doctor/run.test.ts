// runDoctor over fixture nodes, one per scenario a user meets: which checks report what, in
// which order, and which are left out when their precondition failed.
import t, { type Test } from 'tap';
import { runDoctor } from '../../src/doctor/run.js';
import { buildFixture, HOST_KB, LIMIT_KB, PID, type Scenario } from './fixture.js';

async function statuses(t: Test, scenario: Scenario) {
  const fx = buildFixture(t, scenario);
  const report = await runDoctor(fx.options, fx.deps);
  return { fx, report, by: Object.fromEntries(report.findings.map((f) => [f.check, f])), list: report.findings.map((f) => `${f.check}=${f.status}`) };
}

t.test('healthy: every check ok, in order, exit 0', async (t) => {
  const { fx, report, list, by } = await statuses(t, {});
  t.same(list, ['fuse-device=ok', 'cgroup-layout=ok', 'mount=ok', 'files=ok', 'pid-exists=ok', 'pid-covered=ok', 'pid-stale=ok', 'pid-values=ok']);
  t.equal(report.exit, 0);
  t.equal(report.mountpoint, fx.mountpoint);
  t.equal(report.pid, PID);
  t.match(by['pid-values']!.message, `MemTotal ${LIMIT_KB} kB`);
  t.same(fx.pidReads, [`${PID} ${fx.options.procRoot}/${PID}/root/proc/meminfo`], 'the view is read through the process\'s root');
  t.ok(report.findings.every((f) => f.fix === undefined), 'no fix when ok');
});

t.test('without --pid only the node checks run', async (t) => {
  const fx = buildFixture(t);
  const report = await runDoctor({ ...fx.options, pid: null }, fx.deps);
  t.same(report.findings.map((f) => f.check), ['fuse-device', 'cgroup-layout', 'mount', 'files']);
  t.equal(report.pid, null);
});

t.test('no FUSE device: fuse-device fails, the rest still runs', async (t) => {
  const { list, by, report } = await statuses(t, { device: 'missing' });
  t.equal(list[0], 'fuse-device=fail');
  t.match(by['fuse-device']!.fix, /privileged/);
  t.equal(by.mount!.status, 'ok');
  t.equal(report.exit, 1);
});

t.test('not mounted: mount fails; files, pid-stale and pid-values are left out', async (t) => {
  const { list, by } = await statuses(t, { hostMount: null, pidCover: 'none' });
  t.same(list, ['fuse-device=ok', 'cgroup-layout=ok', 'mount=fail', 'pid-exists=ok', 'pid-covered=fail']);
  t.match(by.mount!.message, /^nothing is mounted at /);
  t.match(by.mount!.fix, /DaemonSet/);
});

t.test('dead mount: mount fails with umount -l; files and pid-values are left out', async (t) => {
  const { fx, list, by } = await statuses(t, { liveness: { state: 'dead', detail: 'ENOTCONN' } });
  t.same(list, ['fuse-device=ok', 'cgroup-layout=ok', 'mount=fail', 'pid-exists=ok', 'pid-covered=ok', 'pid-stale=ok']);
  t.match(by.mount!.message, 'dead mount');
  t.match(by.mount!.message, 'the daemon exited without unmounting');
  t.match(by.mount!.fix, `umount -l ${fx.mountpoint}`);
  t.same(fx.pidReads, [], 'the process\'s view is not read through a dead mount');
});

t.test('hung daemon: mount fails as hung', async (t) => {
  const { by } = await statuses(t, { liveness: { state: 'hung' } });
  t.match(by.mount!.message, /hung.*500 ms/);
  t.notOk(by.files, 'files left out');
});

t.test('an empty file fails the files check by name', async (t) => {
  const { by, report } = await statuses(t, { emptyFiles: ['proc/stat'] });
  t.equal(by.files!.status, 'fail');
  t.match(by.files!.message, '1 of 8 files fail: proc/stat: empty');
  t.equal(report.exit, 1);
});

t.test('process not covered: pid-covered fails with the bind mounts; pid-stale and pid-values left out', async (t) => {
  const { fx, list, by, report } = await statuses(t, { pidCover: 'none' });
  t.same(list.slice(4), ['pid-exists=ok', 'pid-covered=fail']);
  t.match(by['pid-covered']!.message, 'sees none of the files');
  t.match(by['pid-covered']!.fix, `-v ${fx.mountpoint}/proc/meminfo:/proc/meminfo:rw`);
  t.match(by['pid-covered']!.fix, 'lxcfs-node.io/inject=enabled');
  t.equal(report.exit, 1);
});

t.test('partly covered: the missing file is named; pid-values left out without meminfo', async (t) => {
  const { list, by } = await statuses(t, { pidCover: 'partial' });
  t.same(list.slice(4), ['pid-exists=ok', 'pid-covered=fail', 'pid-stale=ok']);
  t.match(by['pid-covered']!.message, 'does not see /proc/meminfo from the mount');
});

t.test('stale mount: pid-stale fails with restart the pod; pid-values left out', async (t) => {
  const { list, by } = await statuses(t, { pidDevice: '0:59' });
  t.same(list.slice(4), ['pid-exists=ok', 'pid-covered=ok', 'pid-stale=fail']);
  t.match(by['pid-stale']!.message, /previous daemon's mount .*device 0:59; the live mount is 0:60/);
  t.match(by['pid-stale']!.fix, /^restart the pod/);
});

t.test('wrong values: the host MemTotal instead of the limit fails pid-values', async (t) => {
  const { by, report } = await statuses(t, { viewKb: HOST_KB });
  t.equal(by['pid-values']!.status, 'fail');
  t.match(by['pid-values']!.message, `sees MemTotal ${HOST_KB} kB (the host's), expected MemTotal ${LIMIT_KB} kB`);
  t.equal(report.exit, 1);
});

t.test('the reference lxcfs at the mountpoint and in the process: warnings only, exit 2', async (t) => {
  const { list, report } = await statuses(t, { hostMount: 'reference', pidCover: 'reference' });
  t.same(list, ['fuse-device=ok', 'cgroup-layout=ok', 'mount=warn', 'files=ok', 'pid-exists=ok', 'pid-covered=warn', 'pid-stale=ok', 'pid-values=ok']);
  t.equal(report.exit, 2);
});

t.test('another filesystem at the mountpoint fails and is not probed', async (t) => {
  const fx = buildFixture(t, { hostMount: 'tmpfs', pidCover: 'tmpfs' });
  let probed = 0;
  const report = await runDoctor(fx.options, { ...fx.deps, probe: async () => { probed++; return { state: 'live' }; } });
  t.same(report.findings.map((f) => `${f.check}=${f.status}`).slice(2), ['mount=fail', 'pid-exists=ok', 'pid-covered=fail']);
  t.equal(probed, 0);
});

t.test('a pid that does not exist: pid-exists fails, the other pid checks are left out', async (t) => {
  const fx = buildFixture(t);
  const report = await runDoctor({ ...fx.options, pid: 999 }, fx.deps);
  t.same(report.findings.map((f) => `${f.check}=${f.status}`).slice(4), ['pid-exists=fail']);
});
