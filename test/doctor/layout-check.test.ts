// cgroup-layout over fixture trees: the repo's v1/hybrid/v2 fixtures and small ones made here.
import { join } from 'node:path';
import t from 'tap';
import { checkCgroupLayout } from '../../src/doctor/layout-check.js';

const FIXTURES = join(import.meta.dirname, '../fixtures');

t.test('the repository\'s v1, hybrid and v2 fixtures are ok', async (t) => {
  for (const [name, kind] of [['cgroup-v1', 'v1'], ['cgroup-hybrid', 'hybrid'], ['cgroup-v2', 'v2']] as const) {
    const { finding, layout } = checkCgroupLayout(join(FIXTURES, name));
    t.equal(layout?.kind, kind, name);
    t.equal(finding.status, 'ok', `${name}: ${finding.message}`);
    t.match(finding.message, `cgroup ${kind}: `);
    t.match(finding.message, 'memory');
  }
});

t.test('no memory controller fails with a plain fix', async (t) => {
  const v2 = t.testdir({ 'cgroup.controllers': 'cpuset cpu io pids\n' });
  t.match(checkCgroupLayout(v2).finding, { status: 'fail', message: /no memory controller.*host's values/, fix: /cgroup_disable=memory/ });
  const v1 = t.testdir({ cpuset: { 'cgroup.procs': '' }, 'cpu,cpuacct': { 'cgroup.procs': '' } });
  t.match(checkCgroupLayout(v1).finding, { status: 'fail', message: /^cgroup v1: no memory controller \(cpu, cpuacct, cpuset found/, fix: /mount the memory hierarchy/ });
});

t.test('memory without cpuset or cpu warns', async (t) => {
  const v2 = t.testdir({ 'cgroup.controllers': 'memory io pids\n' });
  t.match(checkCgroupLayout(v2).finding, { status: 'warn', message: /no cpuset controller.*no cpu controller/ });
});

t.test('nothing there, or unreadable, fails', async (t) => {
  t.match(checkCgroupLayout(t.testdir({})).finding, { status: 'fail', message: /no cgroup hierarchy found/ });
  const missing = checkCgroupLayout('/nonexistent/cgroup');
  t.match(missing, { layout: null, finding: { status: 'fail', message: /cannot be read/ } });
});
