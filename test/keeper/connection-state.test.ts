import t from 'tap';
import {
  CHILD_CONNECTION_ENV, firstFhOf, HAND_OVER_PROTOCOL, parseChildConnection, parseConnectionState, parseInitOut,
} from '../../src/keeper/connection-state.js';

const INIT = { major: 7, minor: 38, maxReadahead: 131072, flags: 4456449, maxBackground: 64, congestionThreshold: 48, maxWrite: 131072, timeGran: 1, maxPages: 32 };
const STATE = { protocol: HAND_OVER_PROTOCOL, version: '0.1.0', mountpoint: '/var/lib/lxcfs', device: '0:45', negotiated: INIT, generation: 3 };

t.test('a state round-trips through JSON', async (t) => {
  t.same(parseConnectionState(JSON.parse(JSON.stringify(STATE))), STATE);
  t.same(parseConnectionState({ ...STATE, negotiated: null }).negotiated, null, 'before INIT');
});

t.test('anything else is refused with LXCFS_HAND_OVER_FAILED, never guessed at', async (t) => {
  const bad: Array<[string, unknown]> = [
    ['not an object', 'x'], ['null', null], ['another protocol', { ...STATE, protocol: 2 }],
    ['relative mountpoint', { ...STATE, mountpoint: 'lxcfs' }], ['device', { ...STATE, device: '45' }],
    ['generation', { ...STATE, generation: -1 }], ['version', { ...STATE, version: 1 }],
    ['INIT field', { ...STATE, negotiated: { ...INIT, maxWrite: '1' } }], ['FUSE major', { ...STATE, negotiated: { ...INIT, major: 8 } }],
  ];
  for (const [what, value] of bad) t.throws(() => parseConnectionState(value), { code: 'LXCFS_HAND_OVER_FAILED' }, what);
  t.throws(() => parseInitOut(5), { code: 'LXCFS_HAND_OVER_FAILED' });
});

t.test('extra INIT keys are dropped', async (t) => {
  t.same(parseInitOut({ ...INIT, extra: 1 }), INIT);
});

t.test('handle generations never overlap and stay exact numbers', async (t) => {
  t.equal(firstFhOf(0), 2 ** 40 + 1);
  t.equal(firstFhOf(1), 2 ** 41 + 1);
  t.ok(firstFhOf(8190) < Number.MAX_SAFE_INTEGER, 'the last generation is exact');
  t.equal(firstFhOf(8191), firstFhOf(0), 'then they wrap');
});

t.test('the child connection comes from the environment', async (t) => {
  t.same(parseChildConnection(JSON.stringify({ fds: 2, negotiated: INIT, firstFh: 5, mountId: 45, standby: true, resend: true, journal: true })),
    { fds: 2, negotiated: INIT, firstFh: 5, mountId: 45, standby: true, resend: true, journal: true });
  t.equal(parseChildConnection(JSON.stringify({ fds: 1, negotiated: null, firstFh: 1, mountId: null })).journal, false, 'no journal unless said');
  t.equal(parseChildConnection(JSON.stringify({ fds: 1, negotiated: null, firstFh: 1, mountId: null })).standby, false, 'not in standby unless said');
  t.equal(parseChildConnection(JSON.stringify({ fds: 1, negotiated: null, firstFh: 1, mountId: null })).resend, false, 'no resend unless said');
  t.same(parseChildConnection(JSON.stringify({ fds: 1, negotiated: null, firstFh: 1, mountId: 'x' })).mountId, null);
  t.throws(() => parseChildConnection(undefined), { code: 'LXCFS_USAGE', message: new RegExp(CHILD_CONNECTION_ENV) });
  t.throws(() => parseChildConnection('{'), { code: 'LXCFS_USAGE' });
  t.throws(() => parseChildConnection(JSON.stringify({ fds: 0, firstFh: 1, negotiated: null })), { code: 'LXCFS_USAGE' });
});
