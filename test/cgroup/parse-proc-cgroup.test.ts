import t from 'tap';
import { join } from 'node:path';
import { detectLayout } from '../../src/cgroup/layout.js';
import { cgroupPathsOf } from '../../src/cgroup/parse-proc-cgroup.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const v1 = detectLayout(join(fixtures, 'cgroup-v1'));
const hybrid = detectLayout(join(fixtures, 'cgroup-hybrid'));
const v2 = detectLayout(join(fixtures, 'cgroup-v2'));

const DOCKER = '/docker/3f9c2a7d1b8e4c6f0a5d9e2b7c1f8a4d6e3b0c9f2a5d8e1b4c7f0a3d6e9b2c5f';

// a docker container on a systemd v1 host (cpu,cpuacct and net_cls,net_prio co-mounted)
const V1_TEXT = `12:pids:${DOCKER}
11:hugetlb:${DOCKER}
10:net_cls,net_prio:${DOCKER}
9:perf_event:${DOCKER}
8:cpuset:${DOCKER}
7:blkio:${DOCKER}
6:memory:${DOCKER}
5:freezer:${DOCKER}
4:cpu,cpuacct:${DOCKER}
3:devices:${DOCKER}
2:rdma:/
1:name=systemd:${DOCKER}
0::/system.slice/containerd.service
`;

t.test('v1: each controller from its own line; cpu,cpuacct serves both', async (t) => {
  const paths = cgroupPathsOf(V1_TEXT, v1);
  t.same(Object.fromEntries(paths), { memory: DOCKER, cpu: DOCKER, cpuacct: DOCKER, cpuset: DOCKER, blkio: DOCKER });
});

t.test('v1: exact names — cpu does not match a cpuacct-only line', async (t) => {
  const text = '3:cpuacct:/acct\n2:cpu:/quota\n1:memory:/m\n';
  const paths = cgroupPathsOf(text, hybrid);
  t.equal(paths.get('cpu'), '/quota');
  t.equal(paths.get('cpuacct'), '/acct');
  const onlyAcct = cgroupPathsOf('3:cpuacct:/acct\n', hybrid);
  t.equal(onlyAcct.has('cpu'), false);
});

t.test('hybrid: the real shape of this machine\'s /proc/self/cgroup', async (t) => {
  const text = [
    '9:name=systemd:/', '8:pids:/', '7:blkio:/', '6:freezer:/', '5:devices:/',
    '4:memory:/process_api/c0149c198bf02f4cb30366c9544e9a2f', '3:cpuset:/', '2:cpuacct:/', '1:cpu:/', '0::/', '',
  ].join('\n');
  t.same(Object.fromEntries(cgroupPathsOf(text, hybrid)), {
    memory: '/process_api/c0149c198bf02f4cb30366c9544e9a2f', cpu: '/', cpuacct: '/', cpuset: '/', blkio: '/',
  });
});

t.test('hybrid: a controller on the unified hierarchy takes the 0:: line', async (t) => {
  const layout = detectLayout(t.testdir({
    memory: { 'cgroup.procs': '' },
    unified: { 'cgroup.controllers': 'cpuset\n', 'cgroup.procs': '' },
  }));
  const paths = cgroupPathsOf('2:memory:/m\n1:name=systemd:/s\n0::/u/x\n', layout);
  t.same(Object.fromEntries(paths), { memory: '/m', cpuset: '/u/x' });
});

t.test('v2: the 0:: line for every enabled controller (io included), none for cpuacct/blkio', async (t) => {
  const pod = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7c1e4f2a_93b8_4d5e_a6f1_2b9c8d7e6f50.slice/cri-containerd-9e8d.scope';
  const paths = cgroupPathsOf(`0::${pod}\n`, v2);
  t.same(Object.fromEntries(paths), { memory: pod, cpu: pod, cpuset: pod, io: pod });
});

t.test('hybrid: io only from the 0:: line, and only when unified lists io', async (t) => {
  const text = '7:blkio:/b\n1:name=systemd:/s\n0::/u\n';
  t.equal(cgroupPathsOf(text, hybrid).has('io'), false, 'this machine: blkio on v1, no io');
  t.equal(cgroupPathsOf(text, hybrid).get('blkio'), '/b');
  const withIo = detectLayout(t.testdir({
    memory: { 'cgroup.procs': '' },
    unified: { 'cgroup.controllers': 'io\n', 'cgroup.procs': '' },
  }));
  t.same(Object.fromEntries(cgroupPathsOf('6:memory:/m\n3:io:/not-v1\n0::/u/x\n', withIo)), { memory: '/m', io: '/u/x' });
});

t.test('paths keep spaces and colons (everything after the second colon)', async (t) => {
  const odd = '/machine.slice/my vm:1/with  two spaces/a:b';
  t.equal(cgroupPathsOf(`0::${odd}\n`, v2).get('memory'), odd);
  t.equal(cgroupPathsOf(`6:memory:${odd}`, v1).get('memory'), odd, 'no trailing newline');
});

t.test('init.scope is pruned', async (t) => {
  t.equal(cgroupPathsOf('0::/init.scope\n', v2).get('memory'), '/');
  t.equal(cgroupPathsOf('0::/spec-q/init.scope\n', v2).get('memory'), '/spec-q');
  t.equal(cgroupPathsOf('6:memory:/lxc.payload.c1/init.scope\n', v1).get('memory'), '/lxc.payload.c1');
  t.equal(cgroupPathsOf('0::/x/init.scope.d\n', v2).get('memory'), '/x/init.scope.d', 'only a whole segment');
  t.equal(cgroupPathsOf('0::/x/my-init.scope\n', v2).get('memory'), '/x/my-init.scope');
});

t.test('a path outside the daemon\'s cgroup namespace is an error', async (t) => {
  t.throws(() => cgroupPathsOf('0::/../../kubepods.slice/x\n', v2), { code: 'LXCFS_CGROUP_OUTSIDE_NS' });
  t.throws(() => cgroupPathsOf('0::/..\n', v2), { code: 'LXCFS_CGROUP_OUTSIDE_NS' });
  t.throws(() => cgroupPathsOf('6:memory:/../docker/x\n', v1), { code: 'LXCFS_CGROUP_OUTSIDE_NS' });
  t.equal(cgroupPathsOf('0::/..hidden\n', v2).get('memory'), '/..hidden', 'a name starting with .. is fine');
  t.same(
    Object.fromEntries(cgroupPathsOf('1:name=systemd:/../x\n6:memory:/m\n', v1)),
    { memory: '/m' },
    'a hierarchy we do not use may be outside without harm',
  );
});

t.test('malformed lines are ignored, never thrown on', async (t) => {
  const text = [
    '', 'garbage', '6memory/x', ':memory:/a', 'x:memory:/b', '6:memory', '6:memory:relative',
    '-1:memory:/c', '6:memory:/good', '6:memory:/second-wins-not', '\u0000', '0::',
  ].join('\n');
  t.same(Object.fromEntries(cgroupPathsOf(text, v1)), { memory: '/good' });
  t.same(Object.fromEntries(cgroupPathsOf('', v1)), {});
  t.same(Object.fromEntries(cgroupPathsOf('0::\n0::relative\n', v2)), {});
});

t.test('no line for a controller → absent from the map', async (t) => {
  const paths = cgroupPathsOf('6:memory:/m\n', v1);
  t.equal(paths.has('cpu'), false);
  t.equal(cgroupPathsOf('6:memory:/m\n', v2).size, 0, 'v2 ignores v1 lines');
});
