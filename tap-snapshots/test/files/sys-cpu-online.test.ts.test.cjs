/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/files/sys-cpu-online.test.ts > TAP > the cases of the cpuinfo snapshots > online per case 1`] = `
x86 2 CPUs, cpuset 1: "1\\n"
x86 2 CPUs, no cpuset: "0-1\\n"
x86 8 CPUs, cpuset 0,2-3: "0,2-3\\n"
x86 8 CPUs, cfs quota 1.5: "0-1\\n"
256 CPUs, all visible: "0-255\\n"
256 CPUs, cpuset 128-255: "128-255\\n"
arm64, cpuset 1,3: "1,3\\n"
arm32, cpuset 0-1: "0-1\\n"
ppc64le SMT2, cpuset 4-7 (6-7 offline): "4-5\\n"
ppc64le SMT2, no cpuset: "0-1,4-5,8-9,12-13\\n"
s390x, cpuset 1,3: "1,3\\n"
`
