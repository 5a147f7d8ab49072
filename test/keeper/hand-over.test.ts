// The hand-over protocol over real Unix seqpacket sockets and real fd passing (no root, no
// FUSE): the fds a successor receives are the holder's open files (a file here), and every
// failure leaves the holder serving.
import { execFile } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import t, { type Test } from 'tap';
import { native } from '../../src/native/addon.js';
import { HAND_OVER_PROTOCOL, type ConnectionState } from '../../src/keeper/connection-state.js';
import { requirePrivileges } from '../helpers/env.js';
import { handOverSocketPath, HandOverListener, requestHandOver, type HolderDeps } from '../../src/keeper/hand-over.js';

const INIT = { major: 7, minor: 38, maxReadahead: 131072, flags: 1, maxBackground: 64, congestionThreshold: 48, maxWrite: 131072, timeGran: 1, maxPages: 32 };
const STATE: ConnectionState = { protocol: HAND_OVER_PROTOCOL, version: '0.1.0', mountpoint: '/mnt/x', device: '0:45', negotiated: INIT, generation: 2 };

function holder(t: Test, overrides: Partial<HolderDeps> = {}) {
  const dir = shortDir(t);
  const path = handOverSocketPath(join(dir, 'lxcfs.pid'));
  const file = join(dir, 'connection');
  const fd = openSync(file, 'w+');
  const events: string[] = [];
  const listener = new HandOverListener(path, {
    api: native,
    current: () => ({ state: STATE, fds: [fd] }),
    release: async () => { events.push('release'); },
    resend: () => events.push('resend'),
    resume: () => events.push('resume'),
    onHandedOver: (pid) => events.push(`handed-over ${pid}`),
    log: (_level, _fields, message) => events.push(`log ${message}`),
    ...overrides,
  });
  t.teardown(() => {
    listener.close();
    closeSync(fd);
  });
  return { path, file, events, listener };
}

/** Socket paths must fit sockaddr_un (108 bytes): tap's fixture directories are too deep. */
function shortDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'ho-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A successor in its own process (requestHandOver blocks its thread, and the holder is polled
 * by this one's loop): `then` is 'confirm', 'abandon', or 'write' (writes "hello" into the
 * first fd received, then abandons). Resolves with what it printed: the state's generation
 * and fd count, or the error's code and message.
 */
function successor(path: string, then: 'confirm' | 'abandon' | 'write', prefix: readonly string[] = []): Promise<{ out: string; pid: number }> {
  const script = `
    import { writeSync } from 'node:fs';
    import { native } from ${JSON.stringify(new URL('../../src/native/addon.ts', import.meta.url).href)};
    import { requestHandOver } from ${JSON.stringify(new URL('../../src/keeper/hand-over.ts', import.meta.url).href)};
    try {
      const taken = requestHandOver(native, process.argv[1], '0.2.0');
      if (process.argv[2] === 'write') writeSync(taken.fds[0], 'hello');
      if (process.argv[2] === 'confirm') taken.confirm(5000); else taken.abandon();
      process.stdout.write(JSON.stringify({ fds: taken.fds.length, state: taken.state }));
    } catch (err) {
      process.stdout.write(err.code + ' ' + err.message);
    }`;
  return new Promise((resolve) => {
    const argv = [process.execPath, ...process.execArgv, '--input-type=module', '-e', script, path, then];
    const [file, ...args] = [...prefix, ...argv];
    const child = execFile(file!, args, (_err, out) => resolve({ out, pid: child.pid! }));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i > 200) throw new Error('timed out');
    await sleep(10);
  }
}

t.test('the successor gets the state and the holder\'s open files', async (t) => {
  const h = holder(t);
  const { out } = await successor(h.path, 'write');
  t.same(JSON.parse(out), { fds: 1, state: STATE });
  t.equal(readFileSync(h.file, 'utf8'), 'hello', 'the fd received is the holder\'s open file');
});

t.test('confirm: the holder releases, lets go of socket and pidfile, then answers "released"', async (t) => {
  const h = holder(t);
  const { out, pid } = await successor(h.path, 'confirm');
  t.same(JSON.parse(out), { fds: 1, state: STATE });
  t.same(h.events.filter((e) => !e.startsWith('log')), ['release', `handed-over ${pid}`]);
  t.notOk(existsSync(h.path), 'the socket path is free for the successor');
});

t.test('a successor that goes away after receiving the fds: the holder asks for a resend and stays available', async (t) => {
  const h = holder(t);
  await successor(h.path, 'abandon');
  await until(() => h.events.includes('resend'));
  t.notOk(h.events.includes('release'), 'never released');
  const again = await successor(h.path, 'abandon');
  t.same(JSON.parse(again.out).state, STATE, 'a later successor is served');
});

t.test('before INIT is answered there is nothing to hand over: refused, the holder untouched', async (t) => {
  const h = holder(t, { current: () => ({ state: { ...STATE, negotiated: null }, fds: [] }) });
  const { out } = await successor(h.path, 'abandon');
  t.match(out, /^LXCFS_HAND_OVER_FAILED .*refused: the connection is not initialised yet/);
  t.same(h.events, []);
});

t.test('a successor gone while the holder stopped serving: the holder serves again, no hand-over', async (t) => {
  // release() takes a moment, as a real child's does; the successor says "serving" and dies.
  const h = holder(t, { release: () => new Promise((resolve) => setTimeout(resolve, 300)) });
  const fd = native.unixConnect(h.path);
  native.sendMessage(fd, Buffer.from(JSON.stringify({ type: 'take-over', protocol: HAND_OVER_PROTOCOL, pid: 1 })), []);
  let state: ReturnType<typeof native.receiveMessage> = null;
  await until(() => (state ??= native.receiveMessage(fd, 0)) !== null);
  for (const received of state!.fds) closeSync(received);
  native.sendMessage(fd, Buffer.from(JSON.stringify({ type: 'serving' })), []);
  await sleep(150);
  closeSync(fd);
  await until(() => h.events.includes('resume'));
  t.notOk(h.events.some((e) => e.startsWith('handed-over')), 'nothing handed over');
  t.ok(existsSync(h.path), 'still offering the connection');
});

t.test('a release that fails: no "released", the holder keeps serving and asks for a resend', async (t) => {
  const h = holder(t, { release: () => Promise.reject(new Error('child gone')) });
  const { out } = await successor(h.path, 'confirm');
  t.match(out, /^LXCFS_HAND_OVER_FAILED .*the peer closed the hand-over socket/, 'the holder hangs up');
  t.ok(h.events.includes('resend'));
  t.notOk(h.events.some((e) => e.startsWith('handed-over')));
});

t.test('a peer speaking another protocol is refused; a second one meanwhile is told it is busy', async (t) => {
  const h = holder(t);
  const first = native.unixConnect(h.path);
  const second = native.unixConnect(h.path);
  native.sendMessage(first, Buffer.from(JSON.stringify({ type: 'take-over', protocol: 99 })), []);
  let busy: ReturnType<typeof native.receiveMessage> = null;
  await until(() => (busy ??= native.receiveMessage(second, 0)) !== null);
  t.match(JSON.parse(busy!.data.toString()), { type: 'refused', reason: /already in progress/ });
  let refused: ReturnType<typeof native.receiveMessage> = null;
  await until(() => (refused ??= native.receiveMessage(first, 0)) !== null);
  t.match(JSON.parse(refused!.data.toString()), { type: 'refused', reason: /protocol 1/ });
  t.same(refused!.fds, [], 'no fds with a refusal');
  closeSync(first);
  closeSync(second);
  await until(() => h.events.some((e) => e.startsWith('log hand-over failed')));
  t.notOk(h.events.includes('resend'), 'nothing was handed out, nothing to resend');
});

t.test('a refusal reaches requestHandOver as LXCFS_HAND_OVER_FAILED with the reason', async (t) => {
  const dir = shortDir(t);
  const path = join(dir, 'fake.sock');
  const listener = native.unixListen(path);
  t.teardown(() => closeSync(listener));
  const answer = setInterval(() => {
    const fd = native.unixAccept(listener);
    if (fd < 0) return;
    native.receiveMessage(fd, 1000);
    native.sendMessage(fd, Buffer.from(JSON.stringify({ type: 'refused', reason: 'not today' })), []);
    closeSync(fd);
  }, 5);
  t.teardown(() => clearInterval(answer));
  const { out } = await successor(path, 'abandon');
  t.match(out, /^LXCFS_HAND_OVER_FAILED .*refused: not today/);
});

t.test('the socket is root\'s alone: mode 0600, and a non-root peer is hung up on', async (t) => {
  if (!requirePrivileges(t)) return;
  const h = holder(t);
  t.equal(statSync(h.path).mode & 0o777, 0o600);
  chmodSync(h.path, 0o666); // as if someone loosened it: the peer check still holds
  chmodSync(dirname(h.path), 0o755);
  const { out } = await successor(h.path, 'abandon', ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']);
  t.match(out, /^LXCFS_HAND_OVER_FAILED .*(the peer closed the hand-over socket|the peer hung up)/);
  await until(() => h.events.includes('log hand-over refused to a process not running as root'));
  t.notOk(h.events.includes('release'));
});

t.test('no holder: LXCFS_HAND_OVER_FAILED naming the socket', async (t) => {
  const path = join(shortDir(t), 'none.sock');
  t.throws(() => requestHandOver(native, path, '0'), { code: 'LXCFS_HAND_OVER_FAILED', message: /none\.sock.*too old/ });
});
