// spawnServingChild with a stand-in command (a small node script, so no root or FUSE): the
// fds arrive as 3, 4, …, the connection state in the environment, messages both ways, and
// only well-formed messages reach the keeper.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { CHILD_CONNECTION_ENV } from '../../src/keeper/connection-state.js';
import { EXIT_CONNECTION_ENDED, RELEASE, spawnServingChild, START, thisCommand, type ChildMessage } from '../../src/keeper/serving-child.js';

const INIT = { major: 7, minor: 38, maxReadahead: 131072, flags: 1, maxBackground: 64, congestionThreshold: 48, maxWrite: 131072, timeGran: 1, maxPages: 32 };

/** Reports argv, env and what fds 3, 4 and 5 are; answers like a serving child, with some noise. */
const STAND_IN = `
const fs = require('fs');
fs.writeSync(3, 'written to fd 3');
fs.writeSync(4, 'written to fd 4');
fs.writeSync(5, 'written to fd 5');
const state = JSON.parse(process.env.${CHILD_CONNECTION_ENV});
process.send('not an object');
process.send({ type: 'init', negotiated: { major: 'x' } });
process.send({ type: 'bogus' });
process.send({ type: 'ready', argv: process.argv.slice(2), state });
process.on('message', (m) => {
  if (m.type === 'start') process.send({ type: 'init', negotiated: ${JSON.stringify(INIT)} });
  if (m.type === 'release') { process.send({ type: 'released' }); process.disconnect(); process.exitCode = ${EXIT_CONNECTION_ENDED}; }
});
`;

t.test('fds, state and argv reach the child; messages go both ways; malformed ones are dropped', async (t) => {
  const dir = t.testdir({ 'child.cjs': STAND_IN });
  const files = ['a', 'b', 'journal'].map((name) => join(dir, name));
  const [a, b, journal] = files.map((file) => openSync(file, 'w')) as [number, number, number];
  const fds = [a, b];
  t.teardown(() => [a, b, journal].forEach((fd) => closeSync(fd)));
  const messages: ChildMessage[] = [];
  let raw: unknown;
  const exit = new Promise<number | null>((resolve) => {
    const child = spawnServingChild({
      command: { file: process.execPath, args: [join(dir, 'child.cjs')] },
      argv: ['--threads', '2', '/mnt/x'],
      fds,
      journal,
      connection: { negotiated: null, firstFh: 2 ** 41 + 1, mountId: 45, standby: true, resend: true },
      onMessage: (message) => {
        messages.push(message);
        if (message.type === 'ready') child.send(START);
        if (message.type === 'init') child.send(RELEASE);
      },
      onExit: (code) => resolve(code),
    });
    child.on('message', (m: { type?: string }) => { if (m.type === 'ready') raw = m; });
  });
  t.equal(await exit, EXIT_CONNECTION_ENDED);
  t.same(messages, [{ type: 'ready' }, { type: 'init', negotiated: INIT }, { type: 'released' }], 'only well-formed messages, stripped to what they mean');
  t.match(raw, {
    argv: ['serve-connection', '--threads', '2', '/mnt/x'],
    state: { fds: 2, negotiated: null, firstFh: 2 ** 41 + 1, mountId: 45, standby: true, resend: true, journal: true },
  });
  t.same(files.map((file) => readFileSync(file, 'utf8')), ['written to fd 3', 'written to fd 4', 'written to fd 5'],
    'fd 3 and 4 are the keeper\'s open files, in order, and the journal comes after them');
});

t.test('the default command runs this node with its flags and script', async (t) => {
  const command = thisCommand();
  t.equal(command.file, process.execPath);
  t.same(command.args, [...process.execArgv, process.argv[1]]);
});
