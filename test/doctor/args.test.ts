import t from 'tap';
import { DEFAULT_DEV_ROOT, parseDoctorArgs } from '../../src/doctor/args.js';
import { DEFAULT_TIMEOUT_MS } from '../../src/doctor/child.js';

t.test('defaults: /var/lib/lxcfs, the real roots, no pid, human output', async (t) => {
  t.same(parseDoctorArgs([]), {
    kind: 'run',
    options: {
      mountpoint: '/var/lib/lxcfs', pid: null, json: false, timeoutMs: DEFAULT_TIMEOUT_MS,
      procRoot: '/proc', sysRoot: '/sys', cgroupRoot: '/sys/fs/cgroup', devRoot: DEFAULT_DEV_ROOT,
    },
  });
});

t.test('every option', async (t) => {
  const command = parseDoctorArgs(['--pid', '4242', '--json', '--timeout-ms', '250', '--proc-root', 'p', '--sys-root', '/s',
    '--cgroup-root', '/c', '--dev-root', '/d', 'mnt']);
  t.match(command, { kind: 'run', options: { pid: 4242, json: true, timeoutMs: 250, sysRoot: '/s', cgroupRoot: '/c', devRoot: '/d' } });
  if (command.kind !== 'run') return;
  t.equal(command.options.mountpoint, `${process.cwd()}/mnt`, 'relative paths are resolved');
  t.equal(command.options.procRoot, `${process.cwd()}/p`);
});

t.test('help', async (t) => {
  t.same(parseDoctorArgs(['-h']), { kind: 'help' });
  t.same(parseDoctorArgs(['--pid', 'x', '--help']), { kind: 'help' }, 'help wins over bad values');
});

t.test('bad command lines are LXCFS_USAGE', async (t) => {
  const bad: string[][] = [['--pid', '0'], ['--pid', '-3'], ['--pid', '12x'], ['--pid', '99999999'], ['--timeout-ms', '0'],
    ['--timeout-ms', '1e3'], ['--frobnicate'], ['a', 'b'], ['--pid']];
  for (const argv of bad) {
    t.throws(() => parseDoctorArgs(argv), { name: 'LxcfsError', code: 'LXCFS_USAGE' }, argv.join(' '));
  }
});
