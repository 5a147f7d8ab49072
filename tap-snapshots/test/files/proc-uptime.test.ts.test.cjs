/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/files/proc-uptime.test.ts > TAP > a young container: 0.5 s old, idle summed over its visible CPUs > uptime young container 1`] = `
0.50 1.80

`

exports[`test/files/proc-uptime.test.ts > TAP > v2: busy from cpu.stat (lxcfs: 0) > uptime v2 1`] = `
100.00 380.66

`
