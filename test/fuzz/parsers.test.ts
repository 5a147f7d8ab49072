// Every parser of kernel text under hostile input (see targets.ts): only LxcfsError may escape,
// and results are well-formed — values non-negative, ids unique, lists sorted, nothing undefined.
import fc from 'fast-check';
import t from 'tap';
import { detectLayout } from '../../src/cgroup/layout.js';
import { parseKv } from '../../src/cgroup/parse-kv.js';
import { cgroupPathsOf } from '../../src/cgroup/parse-proc-cgroup.js';
import { startTimeOf } from '../../src/caller/proc-stat.js';
import { parseNsPid, parsePpid, parseTgid } from '../../src/caller/proc-status.js';
import { parseHostCpuinfo } from '../../src/host/cpuinfo.js';
import { parseHostDiskstats } from '../../src/host/diskstats.js';
import { findMeminfoValue, parseHostMeminfo } from '../../src/host/meminfo.js';
import { parseMountinfo } from '../../src/host/mountinfo.js';
import { parseUptimeTicks } from '../../src/host/process-age.js';
import { parseHostStat } from '../../src/host/stat.js';
import { splitOptions } from '../../src/mount-options.js';
import { formatCpuList, parseCpuList } from '../../src/parse/cpu-list.js';
import { REPO } from '../helpers/daemon.js';
import { kernelText, runTargets, samples, target, typedOrResult } from '../helpers/fuzz.js';

function fail(message: string): never {
  throw new Error(message);
}

const STATUS = 'Name:\tbash\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4242\nNgid:\t0\nPid:\t4242\nPPid:\t4100\nTracerPid:\t0\nNSpid:\t4242\t17\t1\nNSpgid:\t4242\t17\t1\n';
const STAT = '4242 (my (odd) name) S 4100 4242 4242 34816 4242 4194304 1021 0 0 0 1 2 0 0 20 0 1 0 123456 9068544 1300 18446744073709551615 1 1 0 0 0 0 65536 3686404 1266761467 0 0 0 17 1 0 0 0 0 0\n';
const MOUNTINFO = '22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n35 22 0:30 / /var/lib/lxcfs rw,nosuid,nodev,relatime - fuse.lxcfs-node lxcfs-node rw,user_id=0,group_id=0,allow_other\n40 22 0:31 / /tmp/with\\040space rw - tmpfs tmpfs rw\n';
const CGROUP_V1 = '12:memory:/kubepods/burstable/pod1/abc\n11:cpu,cpuacct:/kubepods/burstable/pod1/abc\n10:cpuset:/kubepods/pod1\n9:blkio:/x\n0::/system.slice/containerd.service\n';
const CGROUP_V2 = '0::/kubepods.slice/kubepods-burstable.slice/cri-containerd-1.scope\n';
const MEMORY_STAT = 'cache 1048576\nrss 2097152\nrss_huge 0\nshmem 0\nmapped_file 4096\ntotal_cache 1048576\ntotal_rss 2097152\nhierarchical_memory_limit 268435456\n';

const layouts = [detectLayout(`${REPO}/test/fixtures/cgroup-hybrid`), detectLayout(`${REPO}/test/fixtures/cgroup-v2`), detectLayout(`${REPO}/test/fixtures/cgroup-v1`)];

runTargets(t, [
  target('host meminfo', kernelText(samples('meminfo')), (text) => {
    const m = typedOrResult(() => parseHostMeminfo(text));
    if (m === null) return;
    if (m.lines.length !== m.labels.length) fail('labels not parallel to lines');
    for (const v of m.values.values()) if (v < 0n) fail(`negative ${v}`);
    const total = typedOrResult(() => findMeminfoValue(text, 'MemTotal'));
    if (total !== null && total < 0n) fail('negative MemTotal');
  }),
  target('host stat', kernelText(samples('stat')), (text) => {
    const s = typedOrResult(() => parseHostStat(text));
    if (s === null) return;
    const ids = s.cpus.map((c) => c.id);
    if (new Set(ids).size !== ids.length) fail('a cpu twice');
    for (const c of s.cpus) for (const f of c.fields) if (f < 0n) fail('negative ticks');
  }),
  target('host cpuinfo', kernelText(samples('cpuinfo')), (text) => {
    typedOrResult(() => parseHostCpuinfo(text));
  }),
  target('host diskstats', kernelText(samples('diskstats')), (text) => {
    const lines = typedOrResult(() => parseHostDiskstats(text));
    for (const l of lines ?? []) if (!(l.major >= 0 && l.minor >= 0 && l.name !== '')) fail(`bad line ${JSON.stringify(l)}`);
  }),
  target('mountinfo', kernelText([MOUNTINFO]), (text) => {
    for (const e of parseMountinfo(text)) if (typeof e.mountPoint !== 'string' || typeof e.fsType !== 'string') fail('undefined field');
  }),
  target('cgroup key-value files', kernelText([MEMORY_STAT, 'usage_usec 123\nuser_usec 100\nsystem_usec 23\nnr_periods 0\n']), (text) => {
    // Values are signed decimals by contract (renderers clamp); keys are whole words.
    for (const [k, v] of parseKv(text)) if (k === '' || /[ \n]/.test(k) || typeof v !== 'bigint') fail(`bad entry ${k} ${v}`);
  }),
  target('/proc/<pid>/cgroup', fc.tuple(kernelText([CGROUP_V1, CGROUP_V2]), fc.constantFrom(...layouts)), ([text, layout]) => {
    const paths = typedOrResult(() => cgroupPathsOf(text, layout));
    for (const p of paths?.values() ?? []) if (!p.startsWith('/')) fail(`relative path ${p}`);
  }),
  target('/proc/<pid>/status', kernelText([STATUS]), (text) => {
    for (const v of [parseTgid(text), parsePpid(text)]) if (v !== null && !(Number.isSafeInteger(v) && v >= 0)) fail(`bad pid ${v}`);
    const ns = parseNsPid(text);
    if (ns !== null && (ns.length === 0 || ns.some((p) => !(Number.isSafeInteger(p) && p >= 0)))) fail(`bad NSpid ${ns}`);
  }),
  target('/proc/<pid>/stat', kernelText([STAT]), (text) => {
    const start = startTimeOf(text);
    if (start !== null && !(Number.isSafeInteger(start) && start >= 0)) fail(`bad start time ${start}`);
  }),
  target('/proc/uptime', kernelText(['12345.67 23456.78\n', '0.01 0.00\n']), (text) => {
    const ticks = parseUptimeTicks(text);
    if (ticks !== null && !(Number.isFinite(ticks) && ticks >= 0)) fail(`bad ticks ${ticks}`);
  }),
  target('cpu lists', kernelText(['0-3,8,10-11\n', '0\n', '\n']), (text) => {
    const ids = parseCpuList(text);
    if (ids === null) return;
    for (let i = 0; i < ids.length; i++) {
      if (!Number.isSafeInteger(ids[i]) || ids[i]! < 0) fail(`bad id ${ids[i]}`);
      if (i > 0 && ids[i]! <= ids[i - 1]!) fail('not sorted and unique');
    }
    if (JSON.stringify(parseCpuList(formatCpuList(ids))) !== JSON.stringify(ids)) fail('format does not round-trip');
  }),
  target('-o mount options', fc.string({ maxLength: 200 }), (text) => {
    for (const o of splitOptions(text)) if (o === '' || o.includes(',')) fail(`bad option ${JSON.stringify(o)}`);
  }),
], 20261206);
