// The in-flight journal (native/journal.cc) with a FIFO standing in for /dev/fuse (one write
// is one read when written one at a time): what a DeviceReader records and clears, what
// readJournal returns (oldest first, a long request cut to its slot, the landing's request
// last and once), answered() and clearJournal() dropping one, the ring's bound, and that a
// journal outlives the process that wrote it — the point of it — even one killed the moment
// read(2) returned (stopped there by strace).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { native, type DeviceReaderHandle } from '../../src/native/addon.js';
import { childrenOf } from '../helpers/processes.js';

const ADDON = fileURLToPath(new URL('../../build/Release/lxcfs_node.node', import.meta.url));
const SLOTS = 512;
const RING_END = 4096 + SLOTS * 512;
const LANDING_BYTES = 128 * 1024 + 4096;
const REGION_BYTES = RING_END + LANDING_BYTES;
const LANDING_SLOT = SLOTS;

function mkfifo(dir: string): string {
  const path = join(dir, 'fifo');
  const res = spawnSync('mkfifo', [path], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`mkfifo failed: ${res.stderr}`);
  return path;
}

/** A request-like record: its length first and a unique at 8, as a FUSE header has them; the label after. */
function request(label: string, length = 64, unique = 0n): Buffer {
  const buf = Buffer.alloc(length, 0x2e);
  buf.writeUInt32LE(length, 0);
  buf.writeBigUInt64LE(unique, 8);
  buf.write(label, 16);
  return buf;
}
/** The 16-byte header of a reply to `unique`. */
function replyTo(unique: bigint): Buffer {
  const out = Buffer.alloc(16);
  out.writeUInt32LE(16, 0);
  out.writeBigUInt64LE(unique, 8);
  return out;
}
const requests = (journal: number, region: number): Buffer[] => native.readJournal(journal, region).map((e) => e.request);
const labelOf = (raw: Buffer): string => raw.subarray(16).toString().replace(/\.+$/, '').replace(/\0.*$/s, '');

interface Rig {
  readonly write: (raw: Buffer) => Promise<void>;
  readonly reader: DeviceReaderHandle;
}

/** A started reader of a FIFO recording in `journal` region `region`; `answer` says per batch whether it handed a request over. */
function rig(t: Test, journal: number, region: number, answer: (batch: Buffer[]) => boolean): Rig {
  const fifo = mkfifo(t.testdir({}));
  const rd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const wr = openSync(fifo, constants.O_WRONLY);
  let delivered: (() => void) | undefined;
  const reader = new native.DeviceReader(rd, 8192, (batch) => {
    const handedOver = answer(batch);
    delivered?.();
    return handedOver;
  }, () => {}, 0, undefined, journal, region);
  reader.start();
  t.teardown(() => { reader.stop(); closeSync(wr); closeSync(rd); });
  const write = (raw: Buffer) => new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the reader never delivered')), 2000);
    // Not before the callback has returned: the reader clears the batch after it, and
    // MakeCallback runs the microtasks (this promise's continuation) before that.
    delivered = () => { clearTimeout(timer); setImmediate(resolve); };
    writeSync(wr, raw);
  });
  return { write, reader };
}

t.test('createJournal: a zeroed memfd of one region per fd, arguments checked', async (t) => {
  const fd = native.createJournal(3);
  t.teardown(() => closeSync(fd));
  t.equal(fstatSync(fd).size, 3 * REGION_BYTES);
  t.same(native.readJournal(fd, 2), [], 'a region never written holds nothing');
  t.throws(() => native.createJournal(0), RangeError);
  t.throws(() => native.createJournal(65), RangeError);
  t.throws(() => native.readJournal(fd, 64), RangeError);
  t.throws(() => native.readJournal(-1, 0), TypeError);
  const fifo = mkfifo(t.testdir({}));
  const rd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  t.teardown(() => closeSync(rd));
  t.throws(() => new native.DeviceReader(rd, 8192, () => {}, () => {}, 0, undefined, fd, 3), { code: 'EINVAL' },
    'a region past the memfd\'s end is refused, not mapped (touching it would be SIGBUS)');
});

t.test('a batch answered by JS is cleared; one with a request handed over stays, oldest first', async (t) => {
  const journal = native.createJournal(2);
  t.teardown(() => closeSync(journal));
  let handOver = false;
  const seen: string[] = [];
  const { write } = rig(t, journal, 1, (batch) => { seen.push(...batch.map(labelOf)); return handOver; });
  await write(request('answered'));
  t.same(native.readJournal(journal, 1), [], 'answered within the call: cleared');
  handOver = true;
  await write(request('first'));
  await write(request('second'));
  handOver = false;
  await write(request('third'));
  t.same(seen, ['answered', 'first', 'second', 'third']);
  t.same(requests(journal, 1).map(labelOf), ['first', 'second'], 'handed over: kept, in the order read');
  t.same(native.readJournal(journal, 0), [], 'another fd\'s region is untouched');
  const [first] = requests(journal, 1);
  t.same(first, request('first'), 'byte for byte as read');
});

t.test('answered(): one reply of a batch clears its entry at once; clearJournal() empties a slot', async (t) => {
  const journal = native.createJournal(1);
  t.teardown(() => closeSync(journal));
  let reader: DeviceReaderHandle | undefined;
  let during: string[] = [];
  const { write, reader: started } = rig(t, journal, 0, () => {
    reader!.answered(replyTo(41n));
    reader!.answered(replyTo(99n)); // a reply to a request of no batch of this reader: ignored
    reader!.answered(Buffer.alloc(8)); // too short to name one: ignored
    during = requests(journal, 0).map(labelOf);
    return true; // the rest was handed over
  });
  reader = started;
  await write(request('answered', 64, 41n));
  t.same(during, [], 'cleared as soon as its reply was written, before the batch ends');
  await write(request('handed over', 64, 42n));
  const entries = native.readJournal(journal, 0);
  t.same(entries.map((e) => labelOf(e.request)), ['handed over']);
  t.equal(entries[0]!.slot, 1, 'the second record of the ring');
  native.clearJournal(journal, 0, entries[0]!.slot);
  t.same(native.readJournal(journal, 0), [], 'replayed: cleared');
  t.throws(() => native.clearJournal(journal, 0, LANDING_SLOT + 1), RangeError);
  t.throws(() => native.clearJournal(journal, 64, 0), RangeError);
});

t.test('a request longer than a slot keeps its first 496 bytes; at most 256 handed over are held, the oldest let go', async (t) => {
  const journal = native.createJournal(1);
  t.teardown(() => closeSync(journal));
  const { write } = rig(t, journal, 0, () => true);
  await write(request('long', 2000, 1n));
  const [long] = requests(journal, 0);
  t.equal(long!.length, 496);
  t.equal(long!.readUInt32LE(0), 2000, 'its header still says how long it was, so a replay can tell');
  for (let i = 0; i < SLOTS + 10; i++) await write(request(`r${i}`, 64, BigInt(i + 2)));
  const kept = requests(journal, 0).map(labelOf);
  t.equal(kept.length, SLOTS / 2, 'never answered: the newest 256 held');
  t.equal(kept[0], `r${SLOTS + 10 - SLOTS / 2}`, 'the oldest let go');
  t.equal(kept.at(-1), `r${SLOTS + 9}`);
});

t.test('a request handed over is held past its batch until answered() names it; the ring passes over it', async (t) => {
  const journal = native.createJournal(1);
  t.teardown(() => closeSync(journal));
  let handOver = true;
  const { write, reader } = rig(t, journal, 0, () => handOver);
  await write(request('handed over', 64, 7n));
  handOver = false;
  for (let i = 0; i < SLOTS + 100; i++) await write(request(`r${i}`, 64, BigInt(100 + i)));
  t.same(requests(journal, 0).map(labelOf), ['handed over'], '612 requests answered since: it is still there, none of theirs');
  reader.answered(replyTo(8n));
  t.equal(native.readJournal(journal, 0).length, 1, 'another unique: kept');
  reader.answered(request('the header of the request itself', 64, 7n));
  t.same(native.readJournal(journal, 0), [], 'answered by the thread it went to: gone');
});

t.test('FORGET, BATCH_FORGET and INTERRUPT are never kept: nobody waits for a reply to them', async (t) => {
  const journal = native.createJournal(1);
  t.teardown(() => closeSync(journal));
  const { write } = rig(t, journal, 0, () => true);
  for (const [opcode, unique] of [[2, 1n], [42, 2n], [36, 3n], [15, 4n]] as const) {
    const raw = request(`op${opcode}`, 64, unique);
    raw.writeUInt32LE(opcode, 4);
    await write(raw);
  }
  t.same(requests(journal, 0).map(labelOf), ['op15'], 'only the READ, handed over, is held');
});

t.test('the journal outlives its writer: a process killed mid-answer leaves its requests for the next', async (t) => {
  const journal = native.createJournal(1);
  t.teardown(() => closeSync(journal));
  const fifo = mkfifo(t.testdir({}));
  // The child reads one request with the journal inherited as fd 3 and never answers it:
  // it is SIGKILLed inside the callback, as a serving child dies while it renders.
  const script = `
    const addon = require(${JSON.stringify(ADDON)});
    const fs = require('fs');
    const rd = fs.openSync(${JSON.stringify(fifo)}, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    new addon.DeviceReader(rd, 8192, () => { process.kill(process.pid, 'SIGKILL'); }, () => {}, 0, undefined, 3, 0).start();
    process.send('reading');`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'inherit', 'inherit', journal, 'ipc'] });
  t.teardown(() => { child.kill('SIGKILL'); });
  await new Promise<void>((resolve) => child.once('message', () => resolve()));
  const wr = openSync(fifo, constants.O_WRONLY);
  t.teardown(() => closeSync(wr));
  writeSync(wr, request('in flight'));
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
  t.equal(signal, 'SIGKILL');
  t.same(requests(journal, 0).map(labelOf), ['in flight'], 'what the dead process held is there to replay');
});

t.test('readJournal: the landing\'s request comes last, whole, unless the ring has it; clearJournal(512) empties it', async (t) => {
  const journal = native.createJournal(1);
  t.teardown(() => closeSync(journal));
  const { write } = rig(t, journal, 0, () => true);
  await write(request('recorded', 64, 5n)); // a record in slot 0, and the region initialised
  t.same(native.readJournal(journal, 0).map((e) => e.slot), [0], 'recorded: the landing was emptied as it was');
  // A reader killed before it recorded leaves its request in the landing only; one killed
  // after recording, before emptying the landing, leaves it in both.
  const landed = request('landed', 3000, 6n);
  writeSync(journal, landed, 0, landed.length, RING_END);
  const entries = native.readJournal(journal, 0);
  t.same(entries.map((e) => [e.slot, labelOf(e.request)]), [[0, 'recorded'], [LANDING_SLOT, 'landed']]);
  t.same(entries[1]!.request, landed, 'whole: the landing has room for any request');
  writeSync(journal, request('recorded', 64, 5n), 0, 64, RING_END);
  t.same(native.readJournal(journal, 0).map((e) => e.slot), [0], 'the same unique as a record: not repeated');
  native.clearJournal(journal, 0, LANDING_SLOT);
  t.equal(readFileSync(`/proc/self/fd/${journal}`).readUInt32LE(RING_END), 0, 'emptied');
  t.throws(() => new native.DeviceReader(journal, LANDING_BYTES + 1, () => {}, () => {}, 0, undefined, journal, 0), RangeError,
    'a read buffer bigger than the landing is refused');
});

t.test('a reader SIGKILLed the moment read(2) returned, before it recorded anything, leaves the request in the journal', async (t) => {
  if (spawnSync('strace', ['-V']).status !== 0) {
    t.fail('strace is needed to stop a process at the return of read(2) (scripts/setup.sh --test installs it)');
    return;
  }
  const journal = native.createJournal(1);
  t.teardown(() => closeSync(journal));
  const fifo = mkfifo(t.testdir({}));
  const script = `
    const addon = require(${JSON.stringify(ADDON)});
    const fs = require('fs');
    const rd = fs.openSync(${JSON.stringify(fifo)}, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    new addon.DeviceReader(rd, 8192, () => { console.log('delivered'); }, () => {}, 0, undefined, 3, 0).start();
    console.log('reading');`;
  // strace holds every read(2) of the FIFO at its return for 3 s: the request is out of the
  // device (here, the FIFO) and in the reader's buffer, and the reader has not run on yet.
  const strace = spawn('strace', ['-f', '-qq', '-o', '/dev/null', '-P', fifo, '-e', 'trace=read', '-e', 'inject=read:delay_exit=3000000', process.execPath, '-e', script],
    { stdio: ['ignore', 'pipe', 'ignore', journal] });
  t.teardown(() => {
    for (const pid of childrenOf(strace.pid!)) process.kill(pid, 'SIGKILL');
    strace.kill('SIGKILL');
  });
  let stdout = '';
  strace.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  await until(() => stdout.includes('reading'), 'the reader to start');
  const [reader] = childrenOf(strace.pid!);
  const wr = openSync(fifo, constants.O_WRONLY);
  t.teardown(() => closeSync(wr));
  writeSync(wr, request('in flight', 64, 9n));
  // Well within the 3 s hold: a reader that has run on since would not prove anything.
  await until(() => native.readJournal(journal, 0).length > 0, 'the request to reach the journal', 1500);
  t.match(readFileSync(`/proc/${reader}/status`, 'utf8'), /State:\s+t \(tracing stop\)/, 'still held at the return of read(2)');
  const straceExited = new Promise((resolve) => strace.once('exit', resolve)); // once its tracee is gone
  process.kill(reader!, 'SIGKILL');
  await straceExited;
  t.notOk(stdout.includes('delivered'), 'it never got to handle it');
  t.same(native.readJournal(journal, 0).map((e) => [e.slot, labelOf(e.request)]), [[LANDING_SLOT, 'in flight']], 'in the landing, to be replayed');
});

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
