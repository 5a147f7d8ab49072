import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LxcfsError } from '../../src/errors.js';
import {
  completeLines, parseBigintValue, parseKv, parseLimitValue, readBigint, readCgroupFile, readKv, readOptionalCgroupFile,
  requireCgroupDir,
} from '../../src/cgroup/parse-kv.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const v1Stat = readFileSync(join(fixtures, 'cgroup-v1/memory/docker/3f9c2a7d1b8e4c6f0a5d9e2b7c1f8a4d6e3b0c9f2a5d8e1b4c7f0a3d6e9b2c5f/memory.stat'), 'utf8');
const v2Stat = readFileSync(join(fixtures, 'cgroup-v2/kubepods.slice/memory.stat'), 'utf8');

t.test('parseKv matches keys exactly (lxcfs quirks Q1/Q2 fixed)', async (t) => {
  const v1 = parseKv(v1Stat);
  t.equal(v1.get('total_rss'), 1720320n);
  t.equal(v1.get('total_rss_huge'), 2097152n, 'total_rss_huge is not shadowed by total_rss');
  t.equal(v1.get('rss_huge'), 2097152n);
  t.equal(v1.get('hierarchical_memory_limit'), 268435456n);
  const v2 = parseKv(v2Stat);
  t.equal(v2.get('file'), 2684354560n);
  t.equal(v2.get('file_mapped'), 201326592n, 'file_mapped is not shadowed by file');
  t.equal(v2.get('file_thp'), 0n);
  t.equal(v2.get('anon_thp'), 419430400n);
  t.equal(v2.has('fil'), false);
});

t.test('parseKv with a wanted set skips other keys', async (t) => {
  const kv = parseKv(v2Stat, new Set(['file_mapped', 'slab', 'nonexistent']));
  t.same([...kv.entries()], [['file_mapped', 201326592n], ['slab', 201326592n]]);
});

t.test('parseKv ignores malformed and truncated lines', async (t) => {
  const text = [
    'cache 4096',
    '',
    'novalue',
    ' leading 5',
    'double  space 7',
    'hex 0x10',
    'neg -3',
    'cache 8192', // a duplicate: the first wins
    'crlf 12\r',
    'text max',
    'total_ca', // truncated last line, no value
  ].join('\n');
  const kv = parseKv(text);
  t.same(Object.fromEntries(kv), { cache: 4096n, neg: -3n, crlf: 12n });
  t.same([...parseKv('').entries()], []);
  t.same([...parseKv('total_cache 40').entries()], [['total_cache', 40n]], 'no trailing newline');
  t.same([...parseKv('total_cache 4').entries()], [['total_cache', 4n]], 'truncated value is still a number');
});

t.test('single values and limits', async (t) => {
  t.equal(parseBigintValue('268435456\n', 'f'), 268435456n);
  t.equal(parseLimitValue('max\n', 'f'), null);
  t.equal(parseLimitValue('536870912\n', 'f'), 536870912n);
  for (const bad of ['', '\n', 'maxx\n', '12 kB\n']) {
    t.throws(() => parseBigintValue(bad, '/x/memory.current'), { code: 'LXCFS_PARSE' }, JSON.stringify(bad));
  }
  t.throws(() => parseLimitValue('unlimited\n', 'f'), { code: 'LXCFS_PARSE' });
});

t.test('file readers map failures to stable codes', async (t) => {
  const dir = t.testdir({
    'memory.current': '110100480\n',
    'memory.max': 'max\n',
    'memory.stat': 'anon 4096\nfile 8192\n',
    'garbage': 'hello\n',
  });
  t.equal(readBigint(join(dir, 'memory.current')), 110100480n);
  t.same(Object.fromEntries(readKv(join(dir, 'memory.stat'))), { anon: 4096n, file: 8192n });
  t.equal(readOptionalCgroupFile(join(dir, 'nope')), undefined);
  t.equal(readOptionalCgroupFile(join(dir, 'memory.max')), 'max\n');
  t.equal(readOptionalCgroupFile(join(dir, 'garbage', 'x')), undefined, 'ENOTDIR: a parent is a file');

  const missing = t.throws(() => readBigint(join(dir, 'nope'))) as unknown;
  t.ok(missing instanceof LxcfsError);
  t.match(missing, { code: 'LXCFS_CGROUP_UNREADABLE', cause: { code: 'ENOENT' } });
  t.throws(() => readCgroupFile(join(dir, 'memory.current', 'x')), { code: 'LXCFS_CGROUP_UNREADABLE' });
  t.throws(() => readBigint(join(dir, 'garbage')), { code: 'LXCFS_PARSE' });
  // EISDIR is not "absent": optional reads still report it
  t.throws(() => readOptionalCgroupFile(dir), { code: 'LXCFS_CGROUP_UNREADABLE', cause: { code: 'EISDIR' } });
});

t.test('completeLines: the text after the last newline is a cut read and dropped', async (t) => {
  t.same(completeLines('a\nb\n'), ['a', 'b']);
  t.same(completeLines('a\nb'), ['a']);
  t.same(completeLines('a\n\nb\n'), ['a', '', 'b']);
  t.same(completeLines(''), []);
  t.same(completeLines('no newline'), []);
});

t.test('requireCgroupDir: a directory passes; missing or a file → UNREADABLE', async (t) => {
  const dir = t.testdir({ sub: {}, file: 'x' });
  t.doesNotThrow(() => requireCgroupDir(join(dir, 'sub')));
  t.throws(() => requireCgroupDir(join(dir, 'gone')), { code: 'LXCFS_CGROUP_UNREADABLE', cause: { code: 'ENOENT' } });
  t.throws(() => requireCgroupDir(join(dir, 'file')), { code: 'LXCFS_CGROUP_UNREADABLE' });
});
