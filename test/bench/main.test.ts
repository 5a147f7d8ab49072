// End to end: the compiled harness (dist/, built by the test set-up) against both daemons.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { mountsUnder } from '../../src/bench/daemons.js';
import { REPO } from '../helpers/daemon.js';
import { cleanCommand, requirePrivileges } from '../helpers/env.js';

const MAIN = join(REPO, 'dist/bench/main.js');

function bench(...args: string[]) {
  const [command, argv] = cleanCommand(process.execPath, [MAIN, ...args]);
  return spawnSync(command, argv, { encoding: 'utf8', timeout: 90_000 });
}

t.test('usage errors and --help need no privileges', async (t) => {
  const help = bench('--help');
  t.equal(help.status, 0);
  t.match(help.stdout, /^Usage: npm run bench -- \[options\]/);
  const bad = bench('--procs', '0');
  t.equal(bad.status, 1);
  t.equal(bad.stderr, 'bench: --procs: bad value "0" (--help for usage)\n');
});

t.test('one short cell against both daemons, and nothing left afterwards', async (t) => {
  if (!requirePrivileges(t)) return;
  const json = join(t.testdir(), 'result.json');
  const run = bench('--files', 'meminfo', '--modes', 'cat', '--procs', '1', '--seconds', '0.3', '--rounds', '1', '--json', json);
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, /\nproc\/meminfo +cat +1 +[\d,]+ +[\d,]+ +\d+\.\d\dx .* ok\n/);
  const doc = JSON.parse(readFileSync(json, 'utf8'));
  t.equal(doc.exitStatus, 0);
  t.equal(doc.environment.node, process.version);
  const [cell] = doc.passes[0].cells;
  for (const side of ['node', 'lxcfs']) {
    t.ok(cell[side].merged.ops > 0, `${side} ops`);
    t.equal(cell[side].merged.errors, 0, `${side} errors`);
    t.equal(cell[side].merged.empty, 0, `${side} empty reads`);
    t.ok(cell[side].merged.cpuUsPerRead > 0, `${side} CPU per read`);
  }
  t.same(mountsUnder(readFileSync('/proc/self/mountinfo', 'utf8'), doc.environment.tmpdir), [], 'nothing mounted');
  t.notOk(existsSync(doc.environment.tmpdir), 'temp dir removed');
  for (const dir of doc.environment.cgroup.dirs) t.notOk(existsSync(dir), `${dir} removed`);
  t.equal(doc.daemons.length, 2);
  for (const { name, pids } of doc.daemons) {
    for (const pid of pids) {
      // Gone, or a reused pid that is not our daemon.
      const cmdline = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
      t.notMatch(cmdline, doc.environment.tmpdir, `${name} (pid ${pid}) is not running`);
    }
  }
});
