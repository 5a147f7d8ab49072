/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/files/proc-diskstats.test.ts > TAP > 17 columns on a host whose kernel prints 11 (documented: the columns of kernel ≥ 5.5) > diskstats on a 4.15 host 1`] = `
   8       1 sda1 0 0 0 0 7 0 1 0 0 0 0 0 0 0 0 0 0
 259       0 nvme0n1 5 0 8 0 0 0 0 0 0 0 0 0 0 0 0 0 0

`

exports[`test/files/proc-diskstats.test.ts > TAP > a container that did no I/O: every host device with zero counters, never an empty file > diskstats of an idle container 1`] = `
   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       1 loop1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       2 loop2 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       3 loop3 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       4 loop4 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       5 loop5 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       6 loop6 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       7 loop7 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 254       0 vda 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 253       0 zram0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0

`

exports[`test/files/proc-diskstats.test.ts > TAP > CFQ-like: merged counts, times and ms doing I/O in their kernel columns > diskstats v1 cfq 1`] = `
 254       0 vda 812 40 65536 1532 96 211 16384 977 0 1204 0 2 1 128 3 0 0

`

exports[`test/files/proc-diskstats.test.ts > TAP > v1 throttle-like: operations and sectors only, one line for the one device used > diskstats v1 throttle 1`] = `
 254       0 vda 1520 0 122880 0 310 0 8192 0 0 0 0 0 0 0 0 0 0

`

exports[`test/files/proc-diskstats.test.ts > TAP > v2-like: discards, several devices in host order > diskstats v2 io.stat 1`] = `
 254       0 vda 4410 0 352256 0 2002 0 192000 0 0 0 0 17 0 2097152 0 0 0
 253       0 zram0 3 0 24 0 9 0 72 0 0 0 0 0 0 0 0 0 0

`
