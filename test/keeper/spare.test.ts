// The keeper's spare (src/keeper/spare.ts) with stand-in processes: started only once a crash
// made one wanted and ensure() is called, promotable only once ready and still connected,
// gone after keepMs without a crash (each crash starting that time again), killed on drop(),
// and never with keepMs 0.
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import t from 'tap';
import { Spare } from '../../src/keeper/spare.js';

class FakeChild extends EventEmitter {
  connected = true;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  readonly kills: string[] = [];
  kill(signal: NodeJS.Signals): boolean {
    this.kills.push(signal);
    this.signalCode = signal;
    this.connected = false;
    return true;
  }
}

function rig(keepMs: number) {
  const launched: FakeChild[] = [];
  const spare = new Spare(keepMs, () => {
    const child = new FakeChild();
    launched.push(child);
    return child as unknown as ChildProcess;
  });
  const as = (child: FakeChild) => child as unknown as ChildProcess;
  return { spare, launched, as };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('none until a crash; then one, started by ensure(), promotable once ready', async (t) => {
  const { spare, launched, as } = rig(60_000);
  spare.ensure();
  t.equal(launched.length, 0, 'no crash yet: no spare');
  spare.crashed();
  t.equal(launched.length, 0, 'a crash alone starts nothing (the replacement boots first)');
  spare.ensure();
  spare.ensure();
  t.equal(launched.length, 1, 'one spare, however often ensured');
  const [child] = launched;
  t.ok(spare.is(as(child!)));
  t.equal(spare.take(), null, 'not ready yet: not promotable');
  spare.ready(as(new FakeChild()));
  t.equal(spare.take(), null, 'another process\'s "ready" does not count');
  spare.ready(as(child!));
  t.equal(spare.take(), as(child!), 'ready: taken');
  t.notOk(spare.is(as(child!)), 'taken: no longer the spare');
  t.equal(spare.take(), null, 'taken once');
  spare.ensure();
  t.equal(launched.length, 2, 'still wanted: the next one starts on ensure()');
  spare.drop();
  t.same(launched[1]!.kills, ['SIGKILL'], 'dropped: killed');
  t.same(child!.kills, [], 'the promoted one is not the spare\'s to kill');
});

t.test('a spare that exited or lost its channel is not promoted; one exited is started again', async (t) => {
  const { spare, launched, as } = rig(60_000);
  spare.crashed();
  spare.ensure();
  spare.ready(as(launched[0]!));
  launched[0]!.connected = false;
  t.equal(spare.take(), null, 'channel closed');
  spare.exited(as(launched[0]!));
  t.notOk(spare.is(as(launched[0]!)));
  spare.ensure();
  t.equal(launched.length, 2, 'a new one');
  spare.ready(as(launched[1]!));
  launched[1]!.exitCode = 1;
  t.equal(spare.take(), null, 'exited');
  t.teardown(() => spare.drop());
});

t.test('kept keepMs after the last crash, then killed; keepMs 0: never', async (t) => {
  const { spare, launched } = rig(150);
  spare.crashed();
  spare.ensure();
  await sleep(100);
  spare.crashed(); // starts the time again
  await sleep(100);
  t.same(launched[0]!.kills, [], '100 ms after the last crash: kept');
  await sleep(150);
  t.same(launched[0]!.kills, ['SIGKILL'], 'past keepMs: killed');
  spare.ensure();
  t.equal(launched.length, 1, 'and no longer wanted');
  const never = rig(0);
  never.spare.crashed();
  never.spare.ensure();
  t.equal(never.launched.length, 0, 'keepMs 0: no spare ever');
});
