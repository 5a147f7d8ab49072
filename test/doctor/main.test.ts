// doctorCommand end to end over fixture nodes: argv in, text and exit status out.
import t from 'tap';
import { DOCTOR_USAGE, doctorCommand, doctorCommandWith, EXIT_USAGE } from '../../src/doctor/main.js';
import { buildFixture, PID } from './fixture.js';

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (s: string) => { out.stdout += s; }, stderr: (s: string) => { out.stderr += s; } } };
}

t.test('healthy node and process: exit 0, one ok line per check', async (t) => {
  const fx = buildFixture(t);
  const { out, io } = capture();
  t.equal(await doctorCommandWith(fx.argv, io, fx.deps), 0);
  const lines = out.stdout.trimEnd().split('\n');
  t.equal(lines.length, 8);
  t.ok(lines.every((l) => l.startsWith('ok    ')), out.stdout);
  t.match(lines[2], /^ok {4}mount {9}lxcfs-node is mounted at .* and answers$/);
  t.equal(out.stderr, '');
});

t.test('--json: the report as JSON, exit as returned', async (t) => {
  const fx = buildFixture(t, { pidDevice: '0:1' });
  const { out, io } = capture();
  t.equal(await doctorCommandWith(['--json', ...fx.argv], io, fx.deps), 1);
  const report = JSON.parse(out.stdout);
  t.match(report, { mountpoint: fx.mountpoint, pid: PID, exit: 1 });
  t.match(report.findings.at(-1), { check: 'pid-stale', status: 'fail', fix: /restart the pod/ });
});

t.test('warnings only: exit 2', async (t) => {
  const fx = buildFixture(t, { hostMount: 'reference', pidCover: 'reference' });
  t.equal(await doctorCommandWith(fx.argv, capture().io, fx.deps), 2);
});

t.test('help on stdout, exit 0; bad command line on stderr, exit 64', async (t) => {
  const help = capture();
  t.equal(await doctorCommand(['--help'], help.io), 0);
  t.equal(help.out.stdout, DOCTOR_USAGE);
  t.match(DOCTOR_USAGE, /^Usage: lxcfs-node doctor \[--pid PID\] \[--json\] \[--timeout-ms N\] \[mountpoint\]/);
  const bad = capture();
  t.equal(await doctorCommand(['--pid', 'nope'], bad.io), EXIT_USAGE);
  t.equal(EXIT_USAGE, 64);
  t.match(bad.out.stderr, /^lxcfs-node doctor: invalid command line: --pid takes an integer/);
  t.equal(bad.out.stdout, '');
});

t.test('the real dependencies on a fixture node without a mount: runs, fails, exit 1', async (t) => {
  const fx = buildFixture(t, { hostMount: null, pidCover: 'none' });
  const { out, io } = capture();
  t.equal(await doctorCommand(fx.argv, io), 1);
  t.match(out.stdout, /^fail  fuse-device   .*\/dev\/fuse is missing/m, 'a fixture dev root has no device');
  t.match(out.stdout, /^fail  mount         nothing is mounted at /m);
});
