// `lxcfs-node serve-connection` is started by a keeper only (test/keeper/keeper.test.ts and the
// chaos test run it for real): run by hand, without the keeper's environment, it refuses
// with a clear line and status 1 — it never guesses at fds it was not given.
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { CHILD_CONNECTION_ENV } from '../../src/keeper/connection-state.js';
import { CLI } from '../helpers/daemon.js';
import { cleanCommand } from '../helpers/env.js';

function run(env: Record<string, string>, ...args: string[]) {
  const [command, argv] = cleanCommand('/usr/bin/env', [...Object.entries(env).map(([k, v]) => `${k}=${v}`), CLI, ...args]);
  return spawnSync(command, argv, { encoding: 'utf8', timeout: 20_000 });
}

t.test('without the keeper\'s environment: one line naming the variable, status 1', async (t) => {
  const r = run({}, 'serve-connection', '/tmp/nowhere');
  t.equal(r.status, 1);
  t.match(r.stderr, new RegExp(`^lxcfs-node: .*${CHILD_CONNECTION_ENV} is not set.*\\[LXCFS_USAGE\\]\\n$`));
});

t.test('a damaged connection state is refused the same way', async (t) => {
  for (const value of ['{', '{"fds":0,"firstFh":1,"negotiated":null}', '{"fds":1,"firstFh":1,"negotiated":{"major":8}}']) {
    const r = run({ [CHILD_CONNECTION_ENV]: value }, 'serve-connection', '/tmp/nowhere');
    t.equal(r.status, 1, value);
    t.match(r.stderr, /^lxcfs-node: .*\[LXCFS_(USAGE|HAND_OVER_FAILED)\]\n$/, value);
  }
});

t.test('its options are the daemon\'s', async (t) => {
  const r = run({}, 'serve-connection', '--no-such-flag');
  t.equal(r.status, 1);
  t.match(r.stderr, /no-such-flag.*\[LXCFS_USAGE\]/);
});
