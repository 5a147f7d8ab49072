import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { LxcfsError, errnoOf, ERROR_CODES, isGone, type ErrorCode } from '../src/errors.js';

const E = constants.errno;
const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

t.test('errnoOf', async (t) => {
  t.equal(errnoOf(new LxcfsError('LXCFS_NOT_FOUND')), ERROR_CODES.LXCFS_NOT_FOUND.errno);
});

t.test('every code has a positive errno and a message', async (t) => {
  t.ok(CODES.length >= 28, `${CODES.length} codes`);
  t.ok(Object.isFrozen(ERROR_CODES));
  for (const code of CODES) {
    const entry = ERROR_CODES[code];
    t.match(code, /^LXCFS_[A-Z0-9_]+$/, `${code}: naming`);
    t.ok(Number.isInteger(entry.errno) && entry.errno > 0, `${code}: errno ${entry.errno} is a positive integer`);
    t.ok(Object.values(E).includes(entry.errno), `${code}: errno ${entry.errno} is a real errno`);
    t.equal(typeof entry.message, 'string');
    t.ok(entry.message.length > 0, `${code}: has a message`);
    t.equal(entry.message, entry.message.trim(), `${code}: no stray whitespace`);
  }
});

t.test('the errnos the FUSE edge relies on', async (t) => {
  const expected: Partial<Record<ErrorCode, number>> = {
    LXCFS_USAGE: E.EINVAL,
    LXCFS_NOT_FOUND: E.ENOENT,
    LXCFS_READ_ONLY: E.EACCES,
    LXCFS_NOT_PERMITTED: E.EPERM,
    LXCFS_IS_DIR: E.EISDIR,
    LXCFS_NOT_DIR: E.ENOTDIR,
    LXCFS_BAD_OFFSET: E.EINVAL,
    LXCFS_BAD_HANDLE: E.EBADF,
    LXCFS_NOT_IMPLEMENTED: E.ENOSYS,
    LXCFS_FUSE_PROTOCOL: E.EPROTO,
    LXCFS_FUSE_VERSION: E.EPROTO,
    LXCFS_HOST_UNREADABLE: E.EIO,
    LXCFS_INTERNAL: E.EIO,
    LXCFS_MOUNTPOINT_BUSY: E.EBUSY,
    LXCFS_MOUNTPOINT_NOT_DIR: E.ENOTDIR,
    LXCFS_MOUNTPOINT_NOT_EMPTY: E.ENOTEMPTY,
    LXCFS_PIDFILE_LOCKED: E.EAGAIN,
  };
  for (const [code, errno] of Object.entries(expected)) t.equal(ERROR_CODES[code as ErrorCode].errno, errno, code);
});

t.test('LxcfsError carries code, errno, message, detail and cause', async (t) => {
  const plain = new LxcfsError('LXCFS_BAD_HANDLE');
  t.ok(plain instanceof Error);
  t.equal(plain.name, 'LxcfsError');
  t.equal(plain.code, 'LXCFS_BAD_HANDLE');
  t.equal(plain.errno, E.EBADF);
  t.equal(plain.message, 'unknown file handle');
  t.equal(plain.cause, undefined);
  const cause = new Error('ENOENT');
  const detailed = new LxcfsError('LXCFS_HOST_UNREADABLE', '/proc/meminfo', { cause });
  t.equal(detailed.message, 'a host file could not be read: /proc/meminfo');
  t.equal(detailed.cause, cause);
  t.equal(new LxcfsError('LXCFS_USAGE', '').message, 'invalid command line: ', 'an empty detail is still a detail');
  t.match(String(new LxcfsError('LXCFS_NOT_FOUND', 'x')), /^LxcfsError: no such file: x$/);
  t.ok(typeof plain.stack === 'string' && plain.stack.includes('LxcfsError'));
});

t.test('errnoOf: an LxcfsError gives its errno, for every code', async (t) => {
  for (const code of CODES) t.equal(errnoOf(new LxcfsError(code)), ERROR_CODES[code].errno, code);
});

t.test('errnoOf: Node system errors give their errno', async (t) => {
  t.equal(errnoOf({ code: 'ENOENT' }), 2);
  t.equal(errnoOf(Object.assign(new Error('x'), { code: 'EACCES' })), 13);
  t.equal(errnoOf({ code: 'ESRCH' }), 3);
  t.equal(errnoOf({ code: 'ENOTCONN' }), E.ENOTCONN);
  try {
    readFileSync(join(t.testdir({}), 'missing'));
    t.fail('read a missing file');
  } catch (err) {
    t.equal(errnoOf(err), E.ENOENT, 'a real fs error');
  }
});

t.test('errnoOf: anything else is EIO', async (t) => {
  for (const value of [new Error('plain'), new TypeError('bug'), { code: 'EWHATEVER' }, { code: 42 }, { code: 'toString' },
    { code: '__proto__' }, {}, null, undefined, 'ENOENT', 2, Symbol('x')]) {
    t.equal(errnoOf(value), E.EIO, String(typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)));
  }
  t.equal(errnoOf({ code: 'ERR_INVALID_ARG_TYPE' }), E.EIO, 'Node non-system codes');
});

t.test('isGone: ENOENT, ESRCH, ENOTDIR only', async (t) => {
  t.equal(isGone({ code: 'ENOENT' }), true);
  t.equal(isGone({ code: 'ESRCH' }), true);
  t.equal(isGone({ code: 'ENOTDIR' }), true);
  t.equal(isGone({ code: 'EACCES' }), false);
  t.equal(isGone(new LxcfsError('LXCFS_NOT_FOUND')), false, 'LxcfsError codes are not system codes');
  t.equal(isGone(null), false);
  t.equal(isGone(undefined), false);
  t.equal(isGone('ENOENT'), false);
});

/** The "## Error codes" section of README.md: from its heading to the next "## " heading. */
function readmeErrorSection(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const start = readme.search(/^## Error codes[ \t]*$/m);
  if (start === -1) throw new Error('README.md has no "## Error codes" section');
  const rest = readme.slice(start + 3);
  const end = rest.search(/^## /m);
  return end === -1 ? rest : rest.slice(0, end);
}

t.test('the README\'s error-code table lists every code with its errno', async (t) => {
  let section: string;
  try {
    section = readmeErrorSection();
  } catch (err) {
    t.fail(`README.md error-code section: ${(err as Error).message}`);
    return;
  }
  for (const code of CODES) {
    const row = section.split('\n').find((line) => line.includes(`\`${code}\``) || new RegExp(`\\b${code}\\b`).test(line));
    t.ok(row !== undefined, `README lists ${code}`);
    if (row === undefined) continue;
    const names = row.match(/\bE[A-Z0-9]+\b/g) ?? [];
    const errnoNames = names.filter((n) => n in E);
    t.ok(errnoNames.some((n) => E[n as keyof typeof E] === ERROR_CODES[code].errno),
      `README row of ${code} names errno ${ERROR_CODES[code].errno} (found ${errnoNames.join(', ') || 'none'})`);
  }
  const listed = new Set(section.match(/\bLXCFS_[A-Z0-9_]+\b/g) ?? []);
  for (const code of listed) t.ok(code in ERROR_CODES, `README's ${code} exists in ERROR_CODES`);
});
