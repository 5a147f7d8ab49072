// Thousands of handles open at once from one reader, each read twice (at 0 and at its end),
// while another process keeps reading: every read answers, and the daemon's memory stays
// bounded — each handle holds one snapshot (freed at close).
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { startLxcfsNode } from '../helpers/daemon.js';
import { requirePrivileges } from '../helpers/env.js';
import { sh } from '../helpers/run.js';

const HANDLES = 4000;

function rssKiB(pid: number): number {
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

t.test(`${HANDLES} handles open at once: every read answers, their snapshots cost bounded memory`, async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await startLxcfsNode(t);
  const meminfo = join(fs.mountpoint, 'proc/meminfo');
  const background = sh(t, `i=0; while [ $i -lt 300 ]; do head -c 10 ${meminfo} > /dev/null || exit 1; i=$((i+1)); done`, 60_000);
  const serving = fs.servingPid()!;
  const before = rssKiB(serving);
  const fds: number[] = [];
  t.teardown(() => { for (const fd of fds.splice(0)) closeSync(fd); });
  for (let i = 0; i < HANDLES; i++) fds.push(openSync(meminfo, 'r'));
  const buf = Buffer.alloc(8192);
  let bad = 0;
  for (const fd of fds) {
    const n = readSync(fd, buf, 0, buf.length, 0);
    if (!buf.subarray(0, n).toString().startsWith('MemTotal:')) bad++;
    if (readSync(fd, buf, 0, buf.length, n) !== 0) bad++; // the end of its own snapshot
  }
  t.equal(bad, 0, 'every handle read its own snapshot to the end');
  const open = rssKiB(serving);
  for (const fd of fds.splice(0)) closeSync(fd);
  t.equal((await background).code, 0, 'the other reader was answered throughout');
  t.ok(open - before < 64 * 1024, `${HANDLES} snapshots cost ${open - before} KiB`);
  t.match(readFileSync(meminfo, 'utf8'), /^MemTotal:/, 'still serving');
});
