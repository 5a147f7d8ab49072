/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/files/proc-loadavg.test.ts > TAP > with -l: the first read registers the cpu cgroup and shows 0/1 <initpid> > loadavg first read 1`] = `
0.00 0.00 0.00 0/1 15217

`
