import t from 'tap';
import { fail, ok, warn } from '../../src/doctor/findings.js';
import { formatHuman, formatJson } from '../../src/doctor/report.js';

const report = {
  mountpoint: '/var/lib/lxcfs', pid: 7, exit: 1 as const,
  findings: [ok('mount', 'lxcfs-node is mounted at /var/lib/lxcfs and answers'), warn('cgroup-layout', 'hm', 'do x'), fail('pid-covered', 'bad', 'bind it')],
};

t.test('human: one aligned line per finding, fixes indented below', async (t) => {
  t.equal(formatHuman(report), [
    'ok    mount         lxcfs-node is mounted at /var/lib/lxcfs and answers',
    'warn  cgroup-layout hm',
    '                    fix: do x',
    'fail  pid-covered   bad',
    '                    fix: bind it',
    '',
  ].join('\n'));
  t.equal(formatHuman({ ...report, findings: [] }), '');
});

t.test('json: mountpoint, pid, findings, exit', async (t) => {
  const parsed = JSON.parse(formatJson(report));
  t.same(Object.keys(parsed), ['mountpoint', 'pid', 'findings', 'exit']);
  t.same(parsed, { mountpoint: '/var/lib/lxcfs', pid: 7, exit: 1, findings: report.findings });
  t.equal(JSON.parse(formatJson({ ...report, pid: null })).pid, null);
  t.ok(formatJson(report).endsWith('}\n'));
});
