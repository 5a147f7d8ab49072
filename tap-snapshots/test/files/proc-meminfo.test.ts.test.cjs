/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/files/proc-meminfo.test.ts > TAP > a truncated host file still renders; its partial line is copied > meminfo truncated host 1`] = `
MemTotal:         262144 kB
MemFree:          218640 kB
MemAvailable:     259912 kB
Buffers:               0 kB
Cached:            41272 kB
SwapCached:            0 kB
Active:            31200 kB
Inactive:          12304 kB
Active(anon):       1200 kB
Inactive(anon):     1032 kB
Active(file):      30000 kB
Inactive(file):    11272 kB
Unevictable:           8 kB
Mlocked:           14836 kB
SwapTotal:        524284 kB
SwapFree:         524284 kB
SwapFr

`

exports[`test/files/proc-meminfo.test.ts > TAP > limit 0 → MemTotal one page (never 0: procps divides by it) > meminfo limit 0 1`] = `
MemTotal:              4 kB
MemFree:               4 kB
MemAvailable:          4 kB
Buffers:               0 kB
Cached:            41272 kB
SwapCached:            0 kB
Active:            31200 kB
Inactive:          12304 kB
Active(anon):       1200 kB
Inactive(anon):     1032 kB
Active(file):      30000 kB
Inactive(file):    11272 kB
Unevictable:           8 kB
Mlocked:           14836 kB
SwapTotal:        524284 kB
SwapFree:         524284 kB
Zswap:                 0 kB
Zswapped:              0 kB
Dirty:                12 kB
Writeback:             4 kB
AnonPages:          2072 kB
Mapped:             5120 kB
Shmem:               160 kB
KReclaimable:      70432 kB
Slab:                  0 kB
SReclaimable:          0 kB
SUnreclaim:            0 kB
KernelStack:        1428 kB
PageTables:         1688 kB
SecPageTables:         0 kB
NFS_Unstable:          0 kB
Bounce:                0 kB
WritebackTmp:          0 kB
CommitLimit:    12866328 kB
Committed_AS:      62168 kB
VmallocTotal:   34359738367 kB
VmallocUsed:       14204 kB
VmallocChunk:          0 kB
Percpu:              688 kB
AnonHugePages:         0 kB
ShmemHugePages:        0 kB
ShmemPmdMapped:        0 kB
FileHugePages:      4096 kB
FilePmdMapped:         0 kB
Balloon:               0 kB
HugePages_Total:       0
HugePages_Free:        0
HugePages_Rsvd:        0
HugePages_Surp:        0
Hugepagesize:       2048 kB
Hugetlb:               0 kB
DirectMap4k:       30720 kB
DirectMap2M:     2066432 kB
DirectMap1G:    25165824 kB

`

exports[`test/files/proc-meminfo.test.ts > TAP > limit above host RAM is capped at host MemTotal > meminfo limit above host RAM 1`] = `
MemTotal:       24684092 kB
MemFree:        24640588 kB
MemAvailable:   24681860 kB
Buffers:               0 kB
Cached:            41272 kB
SwapCached:            0 kB
Active:            31200 kB
Inactive:          12304 kB
Active(anon):       1200 kB
Inactive(anon):     1032 kB
Active(file):      30000 kB
Inactive(file):    11272 kB
Unevictable:           8 kB
Mlocked:           14836 kB
SwapTotal:        524284 kB
SwapFree:         524284 kB
Zswap:                 0 kB
Zswapped:              0 kB
Dirty:                12 kB
Writeback:             4 kB
AnonPages:          2072 kB
Mapped:             5120 kB
Shmem:               160 kB
KReclaimable:      70432 kB
Slab:                  0 kB
SReclaimable:          0 kB
SUnreclaim:            0 kB
KernelStack:        1428 kB
PageTables:         1688 kB
SecPageTables:         0 kB
NFS_Unstable:          0 kB
Bounce:                0 kB
WritebackTmp:          0 kB
CommitLimit:    12866328 kB
Committed_AS:      62168 kB
VmallocTotal:   34359738367 kB
VmallocUsed:       14204 kB
VmallocChunk:          0 kB
Percpu:              688 kB
AnonHugePages:         0 kB
ShmemHugePages:        0 kB
ShmemPmdMapped:        0 kB
FileHugePages:      4096 kB
FilePmdMapped:         0 kB
Balloon:               0 kB
HugePages_Total:       0
HugePages_Free:        0
HugePages_Rsvd:        0
HugePages_Surp:        0
Hugepagesize:       2048 kB
Hugetlb:               0 kB
DirectMap4k:       30720 kB
DirectMap2M:     2066432 kB
DirectMap1G:    25165824 kB

`

exports[`test/files/proc-meminfo.test.ts > TAP > no limit → host MemTotal > meminfo no limit 1`] = `
MemTotal:       24684092 kB
MemFree:        24640588 kB
MemAvailable:   24681860 kB
Buffers:               0 kB
Cached:            41272 kB
SwapCached:            0 kB
Active:            31200 kB
Inactive:          12304 kB
Active(anon):       1200 kB
Inactive(anon):     1032 kB
Active(file):      30000 kB
Inactive(file):    11272 kB
Unevictable:           8 kB
Mlocked:           14836 kB
SwapTotal:        524284 kB
SwapFree:         524284 kB
Zswap:                 0 kB
Zswapped:              0 kB
Dirty:                12 kB
Writeback:             4 kB
AnonPages:          2072 kB
Mapped:             5120 kB
Shmem:               160 kB
KReclaimable:      70432 kB
Slab:                  0 kB
SReclaimable:          0 kB
SUnreclaim:            0 kB
KernelStack:        1428 kB
PageTables:         1688 kB
SecPageTables:         0 kB
NFS_Unstable:          0 kB
Bounce:                0 kB
WritebackTmp:          0 kB
CommitLimit:    12866328 kB
Committed_AS:      62168 kB
VmallocTotal:   34359738367 kB
VmallocUsed:       14204 kB
VmallocChunk:          0 kB
Percpu:              688 kB
AnonHugePages:         0 kB
ShmemHugePages:        0 kB
ShmemPmdMapped:        0 kB
FileHugePages:      4096 kB
FilePmdMapped:         0 kB
Balloon:               0 kB
HugePages_Total:       0
HugePages_Free:        0
HugePages_Rsvd:        0
HugePages_Surp:        0
Hugepagesize:       2048 kB
Hugetlb:               0 kB
DirectMap4k:       30720 kB
DirectMap2M:     2066432 kB
DirectMap1G:    25165824 kB

`

exports[`test/files/proc-meminfo.test.ts > TAP > swap > -u: 0 and 0 even with host swap > meminfo swap off 1`] = `
MemTotal:         262144 kB
MemFree:          218640 kB
MemAvailable:     259912 kB
Buffers:               0 kB
Cached:            41272 kB
SwapCached:            0 kB
Active:            31200 kB
Inactive:          12304 kB
Active(anon):       1200 kB
Inactive(anon):     1032 kB
Active(file):      30000 kB
Inactive(file):    11272 kB
Unevictable:           8 kB
Mlocked:           14836 kB
SwapTotal:             0 kB
SwapFree:              0 kB
Zswap:                 0 kB
Zswapped:              0 kB
Dirty:                12 kB
Writeback:             4 kB
AnonPages:          2072 kB
Mapped:             5120 kB
Shmem:               160 kB
KReclaimable:      70432 kB
Slab:                  0 kB
SReclaimable:          0 kB
SUnreclaim:            0 kB
KernelStack:        1428 kB
PageTables:         1688 kB
SecPageTables:         0 kB
NFS_Unstable:          0 kB
Bounce:                0 kB
WritebackTmp:          0 kB
CommitLimit:    12866328 kB
Committed_AS:      62168 kB
VmallocTotal:   34359738367 kB
VmallocUsed:       14204 kB
VmallocChunk:          0 kB
Percpu:              688 kB
AnonHugePages:         0 kB
ShmemHugePages:        0 kB
ShmemPmdMapped:        0 kB
FileHugePages:      4096 kB
FilePmdMapped:         0 kB
Balloon:               0 kB
HugePages_Total:       0
HugePages_Free:        0
HugePages_Rsvd:        0
HugePages_Surp:        0
Hugepagesize:       2048 kB
Hugetlb:               0 kB
DirectMap4k:       30720 kB
DirectMap2M:     2066432 kB
DirectMap1G:    25165824 kB

`

exports[`test/files/proc-meminfo.test.ts > TAP > swap > memsw-style max: min(host swap, max) > meminfo memsw max 384 MiB 1`] = `
MemTotal:         262144 kB
MemFree:          218640 kB
MemAvailable:     259912 kB
Buffers:               0 kB
Cached:            41272 kB
SwapCached:            0 kB
Active:            31200 kB
Inactive:          12304 kB
Active(anon):       1200 kB
Inactive(anon):     1032 kB
Active(file):      30000 kB
Inactive(file):    11272 kB
Unevictable:           8 kB
Mlocked:           14836 kB
SwapTotal:        393216 kB
SwapFree:         333632 kB
Zswap:                 0 kB
Zswapped:              0 kB
Dirty:                12 kB
Writeback:             4 kB
AnonPages:          2072 kB
Mapped:             5120 kB
Shmem:               160 kB
KReclaimable:      70432 kB
Slab:                  0 kB
SReclaimable:          0 kB
SUnreclaim:            0 kB
KernelStack:        1428 kB
PageTables:         1688 kB
SecPageTables:         0 kB
NFS_Unstable:          0 kB
Bounce:                0 kB
WritebackTmp:          0 kB
CommitLimit:    12866328 kB
Committed_AS:      62168 kB
VmallocTotal:   34359738367 kB
VmallocUsed:       14204 kB
VmallocChunk:          0 kB
Percpu:              688 kB
AnonHugePages:         0 kB
ShmemHugePages:        0 kB
ShmemPmdMapped:        0 kB
FileHugePages:      4096 kB
FilePmdMapped:         0 kB
Balloon:               0 kB
HugePages_Total:       0
HugePages_Free:        0
HugePages_Rsvd:        0
HugePages_Surp:        0
Hugepagesize:       2048 kB
Hugetlb:               0 kB
DirectMap4k:       30720 kB
DirectMap2M:     2066432 kB
DirectMap1G:    25165824 kB

`

exports[`test/files/proc-meminfo.test.ts > TAP > unknown host lines are copied verbatim, in order > meminfo extra host lines 1`] = `
MemTotal:         262144 kB
MemFree:          218640 kB
MemAvailable:     259912 kB
MemTotalish:         99 kB
Buffers:               0 kB
Cached:            41272 kB
SwapCached:            0 kB
Active:            31200 kB
Inactive:          12304 kB
Active(anon):       1200 kB
Inactive(anon):     1032 kB
Active(file):      30000 kB
Inactive(file):    11272 kB
Unevictable:           8 kB
Mlocked2:          4242 kB
Mlocked:           14836 kB
SwapTotal:        524284 kB
SwapFree:         524284 kB
Zswap:                 0 kB
Zswapped:              0 kB
Dirty:                12 kB
Writeback:             4 kB
AnonPages:          2072 kB
Mapped:             5120 kB
Shmem:               160 kB
FutureCounter:        17 kB
KReclaimable:      70432 kB
Slab:                  0 kB
SReclaimable:          0 kB
SUnreclaim:            0 kB
KernelStack:        1428 kB
PageTables:         1688 kB
SecPageTables:         0 kB
NFS_Unstable:          0 kB
Bounce:                0 kB
WritebackTmp:          0 kB
CommitLimit:    12866328 kB
Committed_AS:      62168 kB
VmallocTotal:   34359738367 kB
VmallocUsed:       14204 kB
VmallocChunk:          0 kB
Percpu:              688 kB
Unaccepted:             0 kB
AnonHugePages:         0 kB
ShmemHugePages:        0 kB
ShmemPmdMapped:        0 kB
FileHugePages:      4096 kB
FilePmdMapped:         0 kB
Balloon:               0 kB
HugePages_Total:       0
HugePages_Free:        0
HugePages_Rsvd:        0
HugePages_Surp:        0
Hugepagesize:       2048 kB
Hugetlb:               0 kB
DirectMap4k:       30720 kB
DirectMap2M:     2066432 kB
DirectMap1G:    25165824 kB
GpuMem:                  12345
this line has no colon

`

exports[`test/files/proc-meminfo.test.ts > TAP > usage above the limit → MemFree 0, no underflow > meminfo usage above limit 1`] = `
MemTotal:          32768 kB
MemFree:               0 kB
MemAvailable:      32768 kB
Buffers:               0 kB
Cached:            41272 kB
SwapCached:            0 kB
Active:            31200 kB
Inactive:          12304 kB
Active(anon):       1200 kB
Inactive(anon):     1032 kB
Active(file):      30000 kB
Inactive(file):    11272 kB
Unevictable:           8 kB
Mlocked:           14836 kB
SwapTotal:        524284 kB
SwapFree:         524284 kB
Zswap:                 0 kB
Zswapped:              0 kB
Dirty:                12 kB
Writeback:             4 kB
AnonPages:          2072 kB
Mapped:             5120 kB
Shmem:               160 kB
KReclaimable:      70432 kB
Slab:                  0 kB
SReclaimable:          0 kB
SUnreclaim:            0 kB
KernelStack:        1428 kB
PageTables:         1688 kB
SecPageTables:         0 kB
NFS_Unstable:          0 kB
Bounce:                0 kB
WritebackTmp:          0 kB
CommitLimit:    12866328 kB
Committed_AS:      62168 kB
VmallocTotal:   34359738367 kB
VmallocUsed:       14204 kB
VmallocChunk:          0 kB
Percpu:              688 kB
AnonHugePages:         0 kB
ShmemHugePages:        0 kB
ShmemPmdMapped:        0 kB
FileHugePages:      4096 kB
FilePmdMapped:         0 kB
Balloon:               0 kB
HugePages_Total:       0
HugePages_Free:        0
HugePages_Rsvd:        0
HugePages_Surp:        0
Hugepagesize:       2048 kB
Hugetlb:               0 kB
DirectMap4k:       30720 kB
DirectMap2M:     2066432 kB
DirectMap1G:    25165824 kB

`

exports[`test/files/proc-meminfo.test.ts > TAP > v1, limit 256 MiB, realistic memory.stat > meminfo v1 256 MiB 1`] = `
MemTotal:         262144 kB
MemFree:          218640 kB
MemAvailable:     259912 kB
Buffers:               0 kB
Cached:            41272 kB
SwapCached:            0 kB
Active:            31200 kB
Inactive:          12304 kB
Active(anon):       1200 kB
Inactive(anon):     1032 kB
Active(file):      30000 kB
Inactive(file):    11272 kB
Unevictable:           8 kB
Mlocked:           14836 kB
SwapTotal:        524284 kB
SwapFree:         524284 kB
Zswap:                 0 kB
Zswapped:              0 kB
Dirty:                12 kB
Writeback:             4 kB
AnonPages:          2072 kB
Mapped:             5120 kB
Shmem:               160 kB
KReclaimable:      70432 kB
Slab:                  0 kB
SReclaimable:          0 kB
SUnreclaim:            0 kB
KernelStack:        1428 kB
PageTables:         1688 kB
SecPageTables:         0 kB
NFS_Unstable:          0 kB
Bounce:                0 kB
WritebackTmp:          0 kB
CommitLimit:    12866328 kB
Committed_AS:      62168 kB
VmallocTotal:   34359738367 kB
VmallocUsed:       14204 kB
VmallocChunk:          0 kB
Percpu:              688 kB
AnonHugePages:         0 kB
ShmemHugePages:        0 kB
ShmemPmdMapped:        0 kB
FileHugePages:      4096 kB
FilePmdMapped:         0 kB
Balloon:               0 kB
HugePages_Total:       0
HugePages_Free:        0
HugePages_Rsvd:        0
HugePages_Surp:        0
Hugepagesize:       2048 kB
Hugetlb:               0 kB
DirectMap4k:       30720 kB
DirectMap2M:     2066432 kB
DirectMap1G:    25165824 kB

`

exports[`test/files/proc-meminfo.test.ts > TAP > v2: kernel_stack, pagetables, file_thp, slab, shmem_thp replace the host lines > meminfo v2 1`] = `
MemTotal:         524288 kB
MemFree:          217088 kB
MemAvailable:     431104 kB
Buffers:               0 kB
Cached:           204800 kB
SwapCached:            0 kB
Active:           163840 kB
Inactive:         133120 kB
Active(anon):      40960 kB
Inactive(anon):    51200 kB
Active(file):     122880 kB
Inactive(file):    81920 kB
Unevictable:           0 kB
Mlocked:           14836 kB
SwapTotal:        262144 kB
SwapFree:         251904 kB
Zswap:                 0 kB
Zswapped:              0 kB
Dirty:              1024 kB
Writeback:           256 kB
AnonPages:         83968 kB
Mapped:            30720 kB
Shmem:              8192 kB
KReclaimable:      70432 kB
Slab:              12288 kB
SReclaimable:       9216 kB
SUnreclaim:         3072 kB
KernelStack:         704 kB
PageTables:         1928 kB
SecPageTables:         0 kB
NFS_Unstable:          0 kB
Bounce:                0 kB
WritebackTmp:          0 kB
CommitLimit:    12866328 kB
Committed_AS:      62168 kB
VmallocTotal:   34359738367 kB
VmallocUsed:       14204 kB
VmallocChunk:          0 kB
Percpu:              688 kB
AnonHugePages:     16384 kB
ShmemHugePages:     2048 kB
ShmemPmdMapped:        0 kB
FileHugePages:         0 kB
FilePmdMapped:         0 kB
Balloon:               0 kB
HugePages_Total:       0
HugePages_Free:        0
HugePages_Rsvd:        0
HugePages_Surp:        0
Hugepagesize:       2048 kB
Hugetlb:               0 kB
DirectMap4k:       30720 kB
DirectMap2M:     2066432 kB
DirectMap1G:    25165824 kB

`
