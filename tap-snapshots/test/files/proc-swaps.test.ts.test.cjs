/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/files/proc-swaps.test.ts > TAP > -u → header only (never empty) > swaps disabled 1`] = `
Filename				Type		Size	Used	Priority

`

exports[`test/files/proc-swaps.test.ts > TAP > lxcfs's exact bytes: header, \`none\` + 36 spaces, tabs > swaps host swap, nothing used 1`] = `
Filename				Type		Size	Used	Priority
none                                    virtual		524284	0	0

`

exports[`test/files/proc-swaps.test.ts > TAP > memsw-style max: Size = min(host swap, max), Used from usage > swaps memsw max 384 MiB 1`] = `
Filename				Type		Size	Used	Priority
none                                    virtual		393216	59584	0

`
