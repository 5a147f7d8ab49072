// The mount check over fixture mount tables, with the probe injected: every verdict, and the
// probe asked only about FUSE mounts.
import { writeFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import type { Liveness } from '../../src/doctor/child.js';
import { checkMount, gatherMount, mountAnswers } from '../../src/doctor/mount-check.js';
import { hostMountinfo, LIVE_DEVICE, type FsKind } from './fixture.js';

const MNT = '/var/lib/lxcfs';

async function gather(t: Test, kind: FsKind | null, liveness: Liveness = { state: 'live' }) {
  const proc = t.testdir({ self: {} });
  writeFileSync(`${proc}/self/mountinfo`, hostMountinfo(MNT, kind));
  const probed: string[] = [];
  const state = await gatherMount({ procRoot: proc, mountpoint: MNT, timeoutMs: 700, probe: async (p, ms) => { probed.push(`${p} ${ms}`); return liveness; } });
  return { state, probed, finding: checkMount(state) };
}

t.test('our live mount is ok and answers', async (t) => {
  const { state, probed, finding } = await gather(t, 'ours');
  t.same(finding, { check: 'mount', status: 'ok', message: `lxcfs-node is mounted at ${MNT} and answers` });
  t.same(probed, [`${MNT} 700`]);
  t.equal(state.top?.device, LIVE_DEVICE);
  t.ok(mountAnswers(state));
});

t.test('nothing mounted fails and is not probed', async (t) => {
  const { probed, finding, state } = await gather(t, null);
  t.match(finding, { status: 'fail', message: `nothing is mounted at ${MNT}`, fix: /start lxcfs-node.*DaemonSet/ });
  t.same(probed, []);
  t.notOk(mountAnswers(state));
});

t.test('the reference lxcfs warns; another filesystem fails', async (t) => {
  t.match((await gather(t, 'reference')).finding, { status: 'warn', message: /reference lxcfs/, fix: /systemctl disable --now lxcfs/ });
  const other = await gather(t, 'tmpfs');
  t.match(other.finding, { status: 'fail', message: `${MNT} holds a tmpfs filesystem (from tmpfs), not lxcfs-node` });
  t.same(other.probed, []);
});

t.test('dead, hung and failing mounts fail', async (t) => {
  const dead = await gather(t, 'ours', { state: 'dead', detail: 'ENOTCONN' });
  t.match(dead.finding, { status: 'fail', message: `dead mount at ${MNT}: the daemon exited without unmounting (ENOTCONN)`, fix: /^umount -l \/var\/lib\/lxcfs, then start/ });
  t.notOk(mountAnswers(dead.state));
  t.match((await gather(t, 'reference', { state: 'dead', detail: 'ECONNABORTED' })).finding, { status: 'fail', message: /dead mount/ }, 'a dead lxcfs too');
  t.match((await gather(t, 'ours', { state: 'hung' })).finding, { status: 'fail', message: /is hung: .* 700 ms/, fix: /kill it/ });
  t.match((await gather(t, 'ours', { state: 'error', detail: 'EACCES' })).finding, { status: 'fail', message: /listing .* failed \(EACCES\)/ });
});

t.test('an unreadable mount table fails', async (t) => {
  const state = await gatherMount({ procRoot: t.testdir({}), mountpoint: MNT, timeoutMs: 1, probe: async () => ({ state: 'live' }) });
  t.match(checkMount(state), { status: 'fail', message: /the mount table cannot be read: ENOENT/ });
});
