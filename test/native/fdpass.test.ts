// fdpass.cc against the real kernel: seqpacket sockets keep message boundaries, fds arrive
// as new descriptors of the same open files, timeouts and end of stream are distinct, and
// bad arguments are refused before any syscall.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { native } from '../../src/native/addon.js';

/** sockaddr_un holds 108 bytes: tap's fixture directories are too deep for it. */
function shortDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'fdp-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A connected pair through a listening socket; every fd closed in teardown. */
function pair(t: Test): { listener: number; client: number; server: number; dir: string } {
  const dir = shortDir(t);
  const listener = native.unixListen(join(dir, 's'));
  t.equal(native.unixAccept(listener), -1, 'nobody waiting yet');
  const client = native.unixConnect(join(dir, 's'));
  const server = native.unixAccept(listener);
  t.ok(server >= 0);
  t.teardown(() => { for (const fd of [listener, client, server]) try { closeSync(fd); } catch { /* closed */ } });
  return { listener, client, server, dir };
}

t.test('messages keep their boundaries and carry open files', async (t) => {
  const { client, server, dir } = pair(t);
  const file = join(dir, 'f');
  const fd = openSync(file, 'w');
  native.sendMessage(client, Buffer.from('first'), [fd]);
  native.sendMessage(client, Buffer.from('second'), []);
  const one = native.receiveMessage(server, 1000)!;
  t.equal(one.data.toString(), 'first');
  t.equal(one.fds.length, 1);
  t.not(one.fds[0], fd, 'a new descriptor');
  closeSync(fd); // the receiver's copy keeps the open file
  writeSync(one.fds[0]!, 'via the passed fd');
  closeSync(one.fds[0]!);
  t.equal(readFileSync(file, 'utf8'), 'via the passed fd', 'of the same open file');
  const two = native.receiveMessage(server, 1000)!;
  t.same({ data: two.data.toString(), fds: two.fds }, { data: 'second', fds: [] });
});

t.test('peerCredentials: who connected, as the kernel recorded it', async (t) => {
  const { client, server } = pair(t);
  t.same(native.peerCredentials(server), { pid: process.pid, uid: process.getuid!(), gid: process.getgid!() });
  t.same(native.peerCredentials(client).pid, process.pid);
  t.throws(() => native.peerCredentials(0 + 1e6), { code: 'EBADF' });
});

t.test('a timeout is null; the peer closing is an empty message', async (t) => {
  const { client, server } = pair(t);
  t.equal(native.receiveMessage(server, 20), null);
  closeSync(client);
  const end = native.receiveMessage(server, 1000)!;
  t.same({ bytes: end.data.length, fds: end.fds }, { bytes: 0, fds: [] });
});

t.test('bad arguments and missing peers are errors, not crashes', async (t) => {
  const { client } = pair(t);
  t.throws(() => native.sendMessage(client, Buffer.alloc(0), []), RangeError, 'an empty message');
  t.throws(() => native.sendMessage(client, Buffer.alloc(65 * 1024), []), RangeError, 'over 64 KiB');
  t.throws(() => native.sendMessage(client, Buffer.from('x'), Array.from({ length: 65 }, () => 0)), RangeError, 'over 64 fds (a clone per thread of --threads 64 fits)');
  t.throws(() => native.sendMessage(client, 'x' as unknown as Buffer, []), TypeError);
  t.throws(() => native.unixConnect(join(shortDir(t), 'none')), { code: 'ENOENT', syscall: 'connect' });
  t.throws(() => native.unixListen(`/tmp/${'x'.repeat(120)}`), RangeError, 'a path sockaddr_un cannot hold');
  const dir = shortDir(t);
  const held = native.unixListen(join(dir, 's'));
  t.teardown(() => closeSync(held));
  t.throws(() => native.unixListen(join(dir, 's')), { code: 'EADDRINUSE' }, 'an existing path');
});
