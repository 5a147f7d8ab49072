// Turns `-o` options into mount(2) flags and FUSE mount data, lxcfs-style: the options
// lxcfs sets itself (allow_other, direct_io, entry/attr timeouts, nonempty) are dropped
// from the user's list; flag words become MS_* flags; the rest go to the kernel as data.

const MS = Object.freeze({ ro: 1, nosuid: 2, nodev: 4, noexec: 8, noatime: 1024, nodiratime: 2048, relatime: 1 << 21 });
const IGNORED = /^(allow_other|direct_io|nonempty|entry_timeout(=.*)?|attr_timeout(=.*)?|rw|suid|dev|exec)$/;

export interface MountRequest {
  readonly flags: number;
  readonly data: string;
}

export function mountRequest(fd: number, options: readonly string[]): MountRequest {
  let flags = 0;
  const data = [`fd=${fd}`, 'rootmode=40000', 'user_id=0', 'group_id=0', 'allow_other'];
  for (const option of options) {
    if (option === '' || IGNORED.test(option)) continue;
    if (Object.hasOwn(MS, option)) flags |= MS[option as keyof typeof MS];
    else data.push(option);
  }
  return { flags, data: data.join(',') };
}

/** Splits a -o argument ("a,b=c") into options. */
export function splitOptions(arg: string): string[] {
  return arg.split(',').map((o) => o.trim()).filter((o) => o.length > 0);
}
