// InitResolver against fixture /proc trees built in t.testdir(): ns/pid links are ordinary
// symlinks whose target text is "pid:[N]", which readlink returns just like the magic links.
// Cache hits are told from misses by deleting the caller's status file: a hit never reads it.
import t, { type Test } from 'tap';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { InitResolver } from '../../src/caller/init-resolver.js';

const HOST = 4026531836;
const X = 4026532001;
const Y = 4026532002;
const Z = 4026532003;

interface Proc {
  pid: number;
  ns: number;
  /** outermost (host) first, innermost last */
  nspid: number[];
  ppid: number;
  tgid?: number;
  start?: number;
  comm?: string;
}

function statusText(p: Proc): string {
  const tgid = p.tgid ?? p.pid;
  return [
    `Name:\t${p.comm ?? 'proc'}`, 'Umask:\t0022', 'State:\tS (sleeping)', `Tgid:\t${tgid}`,
    'Ngid:\t0', `Pid:\t${p.pid}`, `PPid:\t${p.ppid}`, 'TracerPid:\t0', 'Uid:\t0\t0\t0\t0',
    'Gid:\t0\t0\t0\t0', 'FDSize:\t64', 'Groups:\t ', `NStgid:\t${p.nspid.join('\t')}`,
    `NSpid:\t${p.nspid.join('\t')}`, 'Kthread:\t0', '',
  ].join('\n');
}

function statText(p: Proc): string {
  // fields 3..21 then starttime (22) then the rest, as the kernel writes them
  const mid = ['S', p.ppid, 1, 1, 0, -1, 4194560, 79, 0, 0, 0, 0, 0, 0, 0, 20, 0, 1, 0];
  return `${p.pid} (${p.comm ?? 'proc'}) ${mid.join(' ')} ${p.start ?? 1000 + p.pid} 2654208 357 0 0 0\n`;
}

function writeProc(root: string, p: Proc): void {
  const dir = `${root}/${p.pid}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(`${dir}/ns`, { recursive: true });
  symlinkSync(`pid:[${p.ns}]`, `${dir}/ns/pid`);
  writeFileSync(`${dir}/status`, statusText(p));
  writeFileSync(`${dir}/stat`, statText(p));
}

function fakeProc(t: Test, procs: Proc[]): string {
  const root = t.testdir({ self: { ns: {} }, sys: {}, meminfo: 'MemTotal: 1 kB\n' });
  symlinkSync(`pid:[${HOST}]`, `${root}/self/ns/pid`);
  for (const p of procs) writeProc(root, p);
  return root;
}

// A host with one container (ns X, init 100) holding a nested container (ns Y, init 200).
const HOST_INIT: Proc = { pid: 1, ns: HOST, nspid: [1], ppid: 0, comm: 'systemd' };
const SHIM: Proc = { pid: 50, ns: HOST, nspid: [50], ppid: 1, comm: 'containerd-shim' };
const NSENTER: Proc = { pid: 60, ns: HOST, nspid: [60], ppid: 1, comm: 'nsenter' };
const HOST_PROC: Proc = { pid: 70, ns: HOST, nspid: [70], ppid: 1, comm: 'bash' };
const INIT_X: Proc = { pid: 100, ns: X, nspid: [100, 1], ppid: 50, comm: 'tini' };
const CHILD_X: Proc = { pid: 101, ns: X, nspid: [101, 2], ppid: 100, comm: 'nginx' };
const GRANDCHILD_X: Proc = { pid: 102, ns: X, nspid: [102, 3], ppid: 101, comm: 'cat (a) b)' };
// A thread of init: its own NSpid is its tid, its PPid is the process's parent (outside X).
const THREAD_OF_INIT_X: Proc = { pid: 103, tgid: 100, ns: X, nspid: [103, 4], ppid: 50 };
const JOINED_X: Proc = { pid: 104, ns: X, nspid: [104, 5], ppid: 60, comm: 'sh' };
const INIT_Y: Proc = { pid: 200, ns: Y, nspid: [200, 6, 1], ppid: 101, comm: 'init' };
const CHILD_Y: Proc = { pid: 201, ns: Y, nspid: [201, 7, 2], ppid: 200, comm: 'sleep' };
const JOINED_Y: Proc = { pid: 202, ns: Y, nspid: [202, 8, 3], ppid: 60, comm: 'sleep' };
const BASE = [HOST_INIT, SHIM, NSENTER, HOST_PROC, INIT_X, CHILD_X, GRANDCHILD_X,
  THREAD_OF_INIT_X, JOINED_X, INIT_Y, CHILD_Y, JOINED_Y];

t.test('caller in the daemon\'s pid namespace is its own answer', async (t) => {
  const root = fakeProc(t, BASE);
  const r = new InitResolver({ procRoot: root });
  t.equal(r.initOf(70), 70);
  t.equal(r.initOf(1), 1);
  rmSync(`${root}/70/status`);
  t.equal(r.initOf(70), 70, 'needs nothing but the ns link');
  t.equal(r.size, 0, 'the daemon\'s namespace is never cached');
});

t.test('onResolve: own namespace, cache miss, validated hit, and a miss after pid reuse', async (t) => {
  const root = fakeProc(t, BASE);
  const seen: string[] = [];
  const r = new InitResolver({ procRoot: root, onResolve: (result) => seen.push(result) });
  r.initOf(70);
  r.initOf(102);
  r.initOf(101);
  writeProc(root, { ...INIT_X, start: 987654 }); // init 100 replaced: the entry no longer validates
  r.initOf(101);
  t.same(seen, ['own_namespace', 'cache_miss', 'cache_hit', 'cache_miss']);
});

t.test('caller is the init', async (t) => {
  const r = new InitResolver({ procRoot: fakeProc(t, BASE) });
  t.equal(r.initOf(100), 100);
  t.equal(r.initOf(200), 200, 'innermost init of a nested namespace');
  t.equal(r.size, 2);
});

t.test('caller descends from the init (PPid walk)', async (t) => {
  const r = new InitResolver({ procRoot: fakeProc(t, BASE) });
  t.equal(r.initOf(101), 100, 'child');
  t.equal(new InitResolver({ procRoot: fakeProc(t, BASE) }).initOf(102), 100, 'grandchild');
  t.equal(r.initOf(201), 200, 'nested namespace: the innermost init, not 100');
});

t.test('caller is a non-leader thread of the init', async (t) => {
  const r = new InitResolver({ procRoot: fakeProc(t, BASE) });
  t.equal(r.initOf(103), 100);
});

t.test('caller is a thread of a child of the init: the walk starts at its leader', async (t) => {
  const thread: Proc = { pid: 105, tgid: 101, ns: X, nspid: [105, 10], ppid: 100 };
  const r = new InitResolver({ procRoot: fakeProc(t, [...BASE, thread]) });
  t.equal(r.initOf(105), 100);
});

t.test('setns-joined caller whose parent is outside the namespace: found by the scan', async (t) => {
  const root = fakeProc(t, BASE);
  const r = new InitResolver({ procRoot: root });
  t.equal(r.initOf(104), 100);
  t.equal(r.initOf(202), 200, 'nested namespace');
  t.equal(r.size, 2);
});

t.test('a cached namespace is answered without reading the caller\'s status', async (t) => {
  const root = fakeProc(t, BASE);
  const r = new InitResolver({ procRoot: root });
  t.equal(r.initOf(102), 100);
  t.equal(r.size, 1);
  rmSync(`${root}/102/status`);
  rmSync(`${root}/104/status`);
  t.equal(r.initOf(102), 100, 'hit');
  t.equal(r.initOf(104), 100, 'same namespace, other caller: hit');
  t.equal(r.size, 1);
});

t.test('pid reuse: the cached init is validated and re-resolved', async (t) => {
  t.test('same pid, same namespace identity, different starttime', async (t) => {
    const root = fakeProc(t, BASE);
    const r = new InitResolver({ procRoot: root });
    t.equal(r.initOf(101), 100);
    // init 100 died; the namespace inode was reused by a new container whose init is 400 and
    // pid 100 now belongs to an ordinary process inside it, started later.
    writeProc(root, { pid: 100, ns: X, nspid: [100, 9], ppid: 400, start: 987654 });
    writeProc(root, { pid: 400, ns: X, nspid: [400, 1], ppid: 50 });
    writeProc(root, { ...CHILD_X, ppid: 400 });
    t.equal(r.initOf(101), 400);
    t.equal(r.size, 1, 'the stale entry was replaced, not added to');
    rmSync(`${root}/101/status`);
    t.equal(r.initOf(101), 400, 'the new answer is cached');
  });
  t.test('same pid and starttime but another namespace', async (t) => {
    const root = fakeProc(t, BASE);
    const r = new InitResolver({ procRoot: root });
    t.equal(r.initOf(101), 100);
    writeProc(root, { ...INIT_X, ns: Z });
    writeProc(root, { pid: 400, ns: X, nspid: [400, 1], ppid: 50 });
    writeProc(root, { ...CHILD_X, ppid: 400 });
    t.equal(r.initOf(101), 400);
  });
  t.test('init gone and nobody is pid 1 in the namespace: CALLER_GONE, entry dropped', async (t) => {
    const root = fakeProc(t, BASE);
    const r = new InitResolver({ procRoot: root });
    t.equal(r.initOf(104), 100);
    rmSync(`${root}/100`, { recursive: true });
    t.throws(() => r.initOf(104), { code: 'LXCFS_CALLER_GONE' });
    t.equal(r.size, 0);
  });
});

t.test('vanished caller: LXCFS_CALLER_GONE', async (t) => {
  const root = fakeProc(t, [...BASE, { pid: 300, ns: Z, nspid: [300, 9], ppid: 60 }]);
  mkdirSync(`${root}/4242`); // a process that exited mid-scan: no ns link any more
  const r = new InitResolver({ procRoot: root });
  t.throws(() => r.initOf(999), { code: 'LXCFS_CALLER_GONE' }, 'no /proc entry');
  rmSync(`${root}/101/status`);
  t.throws(() => r.initOf(101), { code: 'LXCFS_CALLER_GONE' }, 'exited between ns link and status');
  t.throws(() => r.initOf(300), { code: 'LXCFS_CALLER_GONE' }, 'its namespace has no init any more');
  t.equal(r.size, 0);
});

t.test('pid 0 (caller outside the daemon\'s pid namespace): LXCFS_CALLER_INVISIBLE', async (t) => {
  const r = new InitResolver({ procRoot: fakeProc(t, BASE) });
  t.throws(() => r.initOf(0), { code: 'LXCFS_CALLER_INVISIBLE' });
  t.throws(() => r.initOf(-1), { code: 'LXCFS_CALLER_INVISIBLE' });
});

t.test('cache is bounded and evicts the least recently used namespace', async (t) => {
  const procs: Proc[] = [HOST_INIT, SHIM];
  for (const [i, ns] of [[1, X], [2, Y], [3, Z]] as const) {
    procs.push({ pid: i * 100, ns, nspid: [i * 100, 1], ppid: 50 });
    procs.push({ pid: i * 100 + 1, ns, nspid: [i * 100 + 1, 2], ppid: i * 100 });
  }
  const root = fakeProc(t, procs);
  const r = new InitResolver({ procRoot: root, maxEntries: 2 });
  t.equal(r.initOf(101), 100);
  t.equal(r.initOf(201), 200);
  t.equal(r.initOf(101), 100, 'X used again: Y is now the least recent');
  t.equal(r.initOf(301), 300);
  t.equal(r.size, 2);
  for (const pid of [101, 201, 301]) rmSync(`${root}/${pid}/status`);
  t.equal(r.initOf(101), 100, 'X still cached');
  t.equal(r.initOf(301), 300, 'Z still cached');
  t.throws(() => r.initOf(201), { code: 'LXCFS_CALLER_GONE' }, 'Y was evicted: a miss needs the status');
});

t.test('the PPid walk is bounded; cycles and long chains fall back to the scan', async (t) => {
  const procs: Proc[] = [HOST_INIT, SHIM, INIT_X];
  let parent = 100;
  for (let pid = 1000; pid < 1080; pid++) {
    procs.push({ pid, ns: X, nspid: [pid, pid - 990], ppid: parent });
    parent = pid;
  }
  procs.push({ pid: 500, ns: X, nspid: [500, 5], ppid: 501 });
  procs.push({ pid: 501, ns: X, nspid: [501, 6], ppid: 500 });
  const root = fakeProc(t, procs);
  t.equal(new InitResolver({ procRoot: root }).initOf(1079), 100, '80-deep chain');
  t.equal(new InitResolver({ procRoot: root }).initOf(500), 100, 'PPid cycle');
});

t.test('a walk that lands in another namespace of equal depth is not trusted', async (t) => {
  // Impossible on a real kernel, but a race (pid reuse mid-walk) can produce it.
  const root = fakeProc(t, [HOST_INIT, SHIM, INIT_X,
    { pid: 600, ns: Z, nspid: [600, 1], ppid: 50 },
    { pid: 601, ns: X, nspid: [601, 2], ppid: 600 }]);
  t.equal(new InitResolver({ procRoot: root }).initOf(601), 100);
});

t.test('an init whose stat cannot be read is returned but not cached', async (t) => {
  const root = fakeProc(t, BASE);
  rmSync(`${root}/100/stat`);
  const r = new InitResolver({ procRoot: root });
  t.equal(r.initOf(101), 100);
  t.equal(r.size, 0);
});

t.test('a status without NSpid (kernel < 4.1) is LXCFS_PARSE', async (t) => {
  const root = fakeProc(t, BASE);
  writeFileSync(`${root}/101/status`, 'Name:\tx\nTgid:\t101\nPPid:\t100\n');
  t.throws(() => new InitResolver({ procRoot: root }).initOf(101), { code: 'LXCFS_PARSE' });
});

t.test('an unreadable ns link that is not "gone" is LXCFS_INTERNAL', async (t) => {
  const root = fakeProc(t, BASE);
  rmSync(`${root}/101/ns/pid`);
  writeFileSync(`${root}/101/ns/pid`, ''); // readlink: EINVAL
  t.throws(() => new InitResolver({ procRoot: root }).initOf(101), { code: 'LXCFS_INTERNAL' });
});

t.test('options', async (t) => {
  const root = fakeProc(t, BASE);
  t.equal(new InitResolver({ procRoot: root + '/' }).initOf(101), 100, 'trailing slash');
  t.throws(() => new InitResolver({ procRoot: root, maxEntries: 0 }), { code: 'LXCFS_USAGE' });
  t.throws(() => new InitResolver({ procRoot: root + '/nope' }), { code: 'ENOENT' },
    'a procRoot without self/ns/pid is a setup error');
});
