import { readFileSync } from 'node:fs';
import t from 'tap';
import { type CpuinfoBlock, type HostCpuinfo, parseHostCpuinfo } from '../../src/host/cpuinfo.js';
import { X86_256, X86_8, x86Block, x86Cpuinfo } from '../fixtures/host-cpuinfo-generated/x86-cpuinfo.js';

const fixture = (dir: string): string =>
  readFileSync(new URL(`../fixtures/host-cpuinfo-${dir}/cpuinfo`, import.meta.url), 'utf8');

const text = (b: CpuinfoBlock): string => `${b.head}${b.cpu}${b.body}`;

/** The host text back from a 'blocks' parse: the parse must lose no byte. */
function rebuilt(info: HostCpuinfo): string {
  if (info.layout !== 'blocks') throw new Error('not a blocks layout');
  return info.preamble + info.cpus.map(text).join('') + info.trailer;
}

function blocks(host: string): Extract<HostCpuinfo, { layout: 'blocks' }> {
  const info = parseHostCpuinfo(host);
  if (info.layout !== 'blocks') throw new Error('expected the blocks layout');
  return info;
}

t.test('x86, this machine: two blocks, nothing before or after', async (t) => {
  const host = fixture('x86-2');
  const info = blocks(host);
  t.same(info.cpus.map((b) => b.cpu), [0, 1]);
  t.same(info.cpus.map((b) => b.head), ['processor\t: ', 'processor\t: ']);
  t.equal(info.preamble, '');
  t.equal(info.trailer, '');
  t.match(info.cpus[1]!.body, /^\nvendor_id\t: AuthenticAMD\n/);
  t.match(info.cpus[1]!.body, /\ncore id\t\t: 1\n/);
  t.ok(info.cpus[1]!.body.endsWith('power management:\n\n'), 'the blank separator stays in the block');
  t.equal(rebuilt(info), host, 'lossless');
});

t.test('the 8-CPU fixture is what the generator makes', async (t) => {
  t.equal(fixture('x86-8'), x86Cpuinfo(X86_8));
  const info = blocks(fixture('x86-8'));
  t.same(info.cpus.map((b) => b.cpu), [0, 1, 2, 3, 4, 5, 6, 7]);
  info.cpus.forEach((b) => t.equal(text(b), x86Block(X86_8, b.cpu), `cpu ${b.cpu} is its host block`));
});

t.test('256 CPUs', async (t) => {
  const host = x86Cpuinfo(X86_256);
  const info = blocks(host);
  t.equal(info.cpus.length, 256);
  t.ok(info.cpus.every((b, i) => b.cpu === i && text(b) === x86Block(X86_256, i)));
  t.equal(rebuilt(info), host);
});

t.test('arm64: blocks only', async (t) => {
  const host = fixture('arm64');
  const info = blocks(host);
  t.same(info.cpus.map((b) => b.cpu), [0, 1, 2, 3]);
  t.equal(info.preamble, '');
  t.equal(info.trailer, '');
  t.match(info.cpus[0]!.body, /^\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd /);
  t.equal(rebuilt(info), host);
});

t.test('arm32: the machine-wide lines after the last block are the trailer', async (t) => {
  const host = fixture('arm32');
  const info = blocks(host);
  t.same(info.cpus.map((b) => b.cpu), [0, 1, 2, 3]);
  t.equal(info.trailer, 'Hardware\t: BCM2835\nRevision\t: a02082\nSerial\t\t: 00000000a1b2c3d4\nModel\t\t: Raspberry Pi 3 Model B Rev 1.2\n');
  t.equal(info.cpus[3]!.body, info.cpus[0]!.body, 'the last block ends at its blank line, like the others');
  t.match(info.cpus[0]!.body, /crc32 \n/, 'trailing blank of the Features line kept');
  t.equal(rebuilt(info), host);
});

t.test('ppc64le: sparse CPU ids and a trailer', async (t) => {
  const host = fixture('ppc64le');
  const info = blocks(host);
  t.same(info.cpus.map((b) => b.cpu), [0, 1, 4, 5, 8, 9, 12, 13]);
  t.match(info.trailer, /^timebase\t: 512000000\nplatform\t: pSeries\n/);
  t.ok(info.trailer.endsWith('MMU\t\t: Radix\n'));
  t.equal(rebuilt(info), host);
});

t.test('s390x: summary lines and cpu number blocks', async (t) => {
  const info = parseHostCpuinfo(fixture('s390x'));
  if (info.layout !== 's390x') throw new Error('expected s390x');
  t.equal(info.vendor, 'vendor_id       : IBM/S390\n');
  t.match(info.header, /^bogomips per cpu: 3241.00\nmax thread id   : 0\nfeatures\t: esan3 /);
  t.notMatch(info.header, /# processors/, 'the host count is dropped');
  t.ok(info.header.endsWith('associativity=60\n'));
  t.same(info.summaries.map((b) => b.cpu), [0, 1, 2, 3]);
  t.same(info.summaries[2], { cpu: 2, head: 'processor ', body: ': version = 00,  identification = 0F7E58,  machine = 8561\n' });
  t.equal(info.gap, '\n');
  t.same(info.cpus.map((b) => b.cpu), [0, 1, 2, 3]);
  t.equal(info.cpus[1]!.head, 'cpu number      : ');
  t.match(info.cpus[1]!.body, /^\nphysical id     : 1\ncore id         : 1\n/);
  t.ok(info.cpus[3]!.body.endsWith('cpu MHz static  : 5200\n\n'));
});

t.test('s390x without cpu number blocks (old kernels)', async (t) => {
  const info = parseHostCpuinfo('vendor_id       : IBM/S390\n# processors    : 2\nbogomips per cpu: 3033.00\n'
    + 'processor 7 is not a summary line\nprocessor\t: 7\n'
    + 'processor 0: version = FF,  identification = 233EF7,  machine = 3906\n'
    + 'processor  1: version = FF,  identification = 233EF7,  machine = 3906');
  if (info.layout !== 's390x') throw new Error('expected s390x');
  t.equal(info.header, 'bogomips per cpu: 3033.00\nprocessor 7 is not a summary line\nprocessor\t: 7\n');
  t.same(info.summaries.map((b) => b.cpu), [0, 1]);
  t.same(info.summaries[1], { cpu: 1, head: 'processor  ', body: ': version = FF,  identification = 233EF7,  machine = 3906' },
    'no newline at the end of the file: none added');
  t.equal(info.gap, '');
  t.same(info.cpus, []);
});

t.test('which lines start a CPU block', async (t) => {
  const cpuOf = (line: string): number | null => {
    try {
      const info = blocks(`${line}\nx\t: y\n\n`);
      return info.preamble === '' ? info.cpus[0]!.cpu : null;
    } catch {
      return null;
    }
  };
  t.equal(cpuOf('processor\t: 3'), 3);
  t.equal(cpuOf('processor\t\t: 12'), 12, 'mips: two tabs');
  t.equal(cpuOf('processor : 7'), 7);
  t.equal(cpuOf('processor:4'), 4);
  t.equal(cpuOf('processor\t: 5 \t'), 5, 'trailing blanks');
  t.equal(cpuOf('processor\t: 65536'), 65536);
  for (const bad of ['processors\t: 3', 'Processor\t: 3', 'processor\t: x', 'processor\t: 3x', 'processor\t: -1',
    'processor\t: +1', 'processor\t:', 'processor 3: version = 00', ' processor\t: 3', 'processor\t: 0x1']) {
    t.equal(cpuOf(bad), null, JSON.stringify(bad));
  }
});

t.test('the head and the rest of the id line are kept verbatim', async (t) => {
  const info = blocks('processor\t\t: 0 \nA\n\nprocessor  :  1\nB');
  t.same(info.cpus, [
    { cpu: 0, head: 'processor\t\t: ', body: ' \nA\n\n' },
    { cpu: 1, head: 'processor  :  ', body: '\nB' },
  ]);
  t.equal(info.trailer, '', 'no blank line in the last block: no trailer');
});

t.test('lines before the first processor are the preamble (old arm32, mips)', async (t) => {
  const arm = 'Processor\t: ARMv7 Processor rev 10 (v7l)\nprocessor\t: 0\nBogoMIPS\t: 790.52\n\nHardware\t: Freescale i.MX 6Quad\n';
  const info = blocks(arm);
  t.equal(info.preamble, 'Processor\t: ARMv7 Processor rev 10 (v7l)\n');
  t.equal(info.trailer, 'Hardware\t: Freescale i.MX 6Quad\n');
  t.equal(rebuilt(info), arm);
  const mips = 'system type\t\t: MT7621\nmachine\t\t\t: Ubiquiti EdgeRouter X\nprocessor\t\t: 0\ncpu model\t\t: MIPS 1004Kc V2.15\n\n';
  t.equal(blocks(mips).preamble, 'system type\t\t: MT7621\nmachine\t\t\t: Ubiquiti EdgeRouter X\n');
});

t.test('everything after the last block\'s first blank line is the trailer', async (t) => {
  const info = blocks('processor\t: 0\na\n\nprocessor\t: 1\nb\n\n\nHardware\t: X\n\nSerial\t: 1');
  t.equal(info.cpus[0]!.body, '\na\n\n', 'a middle block keeps all its lines');
  t.equal(info.cpus[1]!.body, '\nb\n\n');
  t.equal(info.trailer, '\nHardware\t: X\n\nSerial\t: 1');
});

t.test('no CPU at all → LXCFS_PARSE', async (t) => {
  for (const host of ['', '\n', 'cpu\t\t: TI UltraSparc IIIi\nncpus probed\t: 4\nncpus active\t: 4\n', 'processor\t: x\n']) {
    t.throws(() => parseHostCpuinfo(host), { name: 'LxcfsError', code: 'LXCFS_PARSE' }, JSON.stringify(host));
  }
  t.throws(() => parseHostCpuinfo('vendor_id       : IBM/S390\n# processors    : 4\ncpu number      : 0\n'),
    { code: 'LXCFS_PARSE' }, 's390x without summary lines');
});

t.test('a CPU listed twice → LXCFS_PARSE (as host/stat.ts): its blocks cannot be told apart', async (t) => {
  t.throws(() => parseHostCpuinfo('processor\t: 0\na\n\nprocessor\t: 1\nb\n\nprocessor\t: 0\nc\n\n'),
    { name: 'LxcfsError', code: 'LXCFS_PARSE', message: /processor 0 twice/ });
  t.throws(() => parseHostCpuinfo('processor\t: 3\n\nprocessor\t\t: 3\n'), { code: 'LXCFS_PARSE' }, 'whatever the spacing');
  const s390 = 'vendor_id       : IBM/S390\n# processors    : 2\n'
    + 'processor 0: version = FF,  identification = 233EF7,  machine = 3906\n'
    + 'processor 1: version = FF,  identification = 233EF7,  machine = 3906\n\n'
    + 'cpu number      : 0\ncpu MHz dynamic : 5200\n\ncpu number      : 1\ncpu MHz dynamic : 5200\n';
  t.equal(parseHostCpuinfo(s390).cpus.length, 2);
  t.throws(() => parseHostCpuinfo(s390.replace('processor 1:', 'processor 0:')), { code: 'LXCFS_PARSE', message: /summary processor 0 twice/ });
  t.throws(() => parseHostCpuinfo(s390.replace('cpu number      : 1', 'cpu number      : 0')), { code: 'LXCFS_PARSE', message: /cpu number 0 twice/ });
  t.equal(blocks('processor\t: 0\n\nprocessor 0: not an id line\n').cpus.length, 1, 'only id lines count');
});

t.test('a last line without its newline, CR before the newline, and a file that is one id line', async (t) => {
  t.same(blocks('processor\t: 7').cpus, [{ cpu: 7, head: 'processor\t: ', body: '' }]);
  t.throws(() => parseHostCpuinfo('processor\t: 7\r\n'), { code: 'LXCFS_PARSE' }, 'a CR is not a blank');
  const info = blocks('processor\t: 0\nA\n\nprocessor\t: 1\nB\n\n');
  t.equal(info.trailer, '');
  t.equal(info.cpus[1]!.body, '\nB\n\n');
});
