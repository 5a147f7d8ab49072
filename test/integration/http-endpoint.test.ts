// The daemon's --http endpoint on a real mount: /metrics moves when containers read,
// /readyz is 200 only while our mount is the one at the mountpoint and a read through
// the kernel answers, and it recovers when the mount is back. Loopback only.
import t, { type Test } from 'tap';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startLxcfsNode, tempDir, type MountedFs } from '../helpers/daemon.js';
import { requirePrivileges } from '../helpers/env.js';

const run = promisify(execFile);

async function withHttp(t: Test, mountpoint?: string): Promise<{ fs: MountedFs; get: (path: string) => Promise<{ status: number; body: string }> }> {
  const fs = await startLxcfsNode(t, ['--http', '127.0.0.1:0'], { mountpoint });
  const log = await fs.waitForStderr(/"msg":"serving http"/);
  const port = Number(/"address":\{"host":"127\.0\.0\.1","port":(\d+)\}/.exec(log)?.[1]);
  t.ok(port > 0, `listening on loopback port ${port}`);
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: res.status, body: await res.text() };
  };
  return { fs, get };
}

function sample(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? NaN : Number(line.slice(series.length + 1));
}

async function waitFor(what: string, probe: () => Promise<boolean>): Promise<void> {
  for (let waited = 0; !(await probe()); waited += 100) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

t.test('metrics move when reads happen', async (t) => {
  if (!requirePrivileges(t)) return;
  const { fs, get } = await withHttp(t);
  const before = (await get('/metrics')).body;
  const meminfo = join(fs.mountpoint, 'proc/meminfo');
  for (let i = 0; i < 5; i++) await run('cat', [meminfo]);
  // A container-like reader: its own pid namespace, two reads (a miss, then a validated hit).
  await run('unshare', ['--pid', '--fork', 'sh', '-c', `cat ${meminfo} >/dev/null; cat ${meminfo} >/dev/null`]);
  const after = (await get('/metrics')).body;
  const moved = (series: string) => sample(after, series) - sample(before, series);
  const reads = moved('lxcfs_node_reads_total{file="proc/meminfo",outcome="rendered"}')
    + moved('lxcfs_node_reads_total{file="proc/meminfo",outcome="coalesced"}');
  t.equal(reads, 7, 'every read of meminfo');
  t.ok(moved('lxcfs_node_render_seconds_count{file="proc/meminfo"}') >= 1, 'render times observed');
  t.ok(moved('lxcfs_node_caller_resolutions_total{result="own_namespace"}') >= 5, 'host readers');
  t.ok(moved('lxcfs_node_caller_resolutions_total{result="cache_miss"}') >= 1, 'the first read in a new pid namespace');
  t.ok(moved('lxcfs_node_caller_resolutions_total{result="cache_hit"}') >= 1, 'the second one');
  t.equal(moved('lxcfs_node_reads_total{file="proc/stat",outcome="rendered"}'), 0, 'other files untouched');
  t.equal(sample(after, 'lxcfs_node_mounted'), 1);
  t.ok(sample(after, 'process_resident_memory_bytes') > 0);
  t.match(after, /^lxcfs_node_info\{version="[^"]+",layout="hybrid",threads="\d+"\} 1$/m);
  t.equal(sample(after, 'lxcfs_node_snapshots_dropped_total'), 0);
});

t.test('open handles and their snapshot bytes show while a reader holds a file open', async (t) => {
  if (!requirePrivileges(t)) return;
  const { fs, get } = await withHttp(t);
  const meminfo = join(fs.mountpoint, 'proc/meminfo');
  const holder = spawn('sh', ['-c', `exec 3<${meminfo}; head -c 1 <&3 >/dev/null; echo held; exec sleep 60`], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => { holder.kill('SIGKILL'); }); // by pid, and never once it was reaped
  await once(holder.stdout, 'data');
  const held = (await get('/metrics')).body;
  t.equal(sample(held, 'lxcfs_node_open_files'), 1);
  t.ok(sample(held, 'lxcfs_node_snapshot_bytes') > 1000, 'the whole rendered meminfo, though one byte was read');
  holder.kill('SIGKILL');
  await waitFor('the handle released', async () => sample((await get('/metrics')).body, 'lxcfs_node_open_files') === 0);
  t.equal(sample((await get('/metrics')).body, 'lxcfs_node_snapshot_bytes'), 0);
});

t.test('readiness fails while the mount is covered or detached, and recovers when it is back', async (t) => {
  if (!requirePrivileges(t)) return;
  const { fs, get } = await withHttp(t);
  t.same(await get('/readyz'), { status: 200, body: 'ok\n' });
  t.same(await get('/livez'), { status: 200, body: 'ok\n' });

  // Something mounted over ours: our files are no longer what the path shows.
  t.equal(spawnSync('mount', ['-t', 'tmpfs', 'cover', fs.mountpoint]).status, 0, 'covered by a tmpfs');
  t.match(await get('/readyz'), { status: 503, body: /^not mounted at / });
  t.equal(sample((await get('/metrics')).body, 'lxcfs_node_mounted'), 0);
  t.equal((await get('/livez')).status, 200, 'alive: it still serves what containers hold');
  t.equal(spawnSync('umount', [fs.mountpoint]).status, 0, 'uncovered');
  await waitFor('readiness after the cover is gone', async () => (await get('/readyz')).status === 200);
  t.equal(sample((await get('/metrics')).body, 'lxcfs_node_mounted'), 1);

  // Detached while a container still holds a file of it: the connection lives on, the
  // mountpoint is empty, so new containers would get nothing — not ready.
  const holder = join(tempDir(t), 'meminfo');
  writeFileSync(holder, '');
  t.equal(spawnSync('mount', ['--bind', join(fs.mountpoint, 'proc/meminfo'), holder]).status, 0, 'a container\'s bind mount');
  t.teardown(() => { spawnSync('umount', ['-l', holder]); });
  t.equal(spawnSync('umount', ['-l', fs.mountpoint]).status, 0, 'detached');
  t.match(await get('/readyz'), { status: 503, body: /^not mounted at / });
  t.match((await run('cat', [holder])).stdout, /^MemTotal:/, 'the holder is still served');
});

t.test('readiness is back after a restart on the same mountpoint', async (t) => {
  if (!requirePrivileges(t)) return;
  const first = await withHttp(t);
  t.equal(await first.fs.stop(), 0, 'SIGTERM: a clean stop');
  await t.rejects(first.get('/livez'), 'the endpoint went with the daemon');
  const again = await withHttp(t, first.fs.mountpoint);
  t.same(await again.get('/readyz'), { status: 200, body: 'ok\n' });
});
