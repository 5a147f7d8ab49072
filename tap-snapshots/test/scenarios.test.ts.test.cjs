/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/scenarios.test.ts > TAP > v1 docker with --enable-cfs > proc/cpuinfo 1`] = `
processor	: 0
vendor_id	: GenuineIntel
cpu family	: 6
model		: 106
model name	: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
stepping	: 6
microcode	: 0xd0003a5
cpu MHz		: 2500.000
cache size	: 55296 KB
physical id	: 0
siblings	: 8
core id		: 0
cpu cores	: 8
apicid		: 0
initial apicid	: 0
fpu		: yes
fpu_exception	: yes
cpuid level	: 27
wp		: yes
flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq monitor ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch invpcid_single ssbd ibrs ibpb stibp ibrs_enhanced fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves wbnoinvd ida arat avx512vbmi pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg tme avx512_vpopcntdq rdpid md_clear flush_l1d arch_capabilities
bugs		: spectre_v1 spectre_v2 spec_store_bypass swapgs mmio_stale_data eibrs_pbrsb gds bhi
bogomips	: 5800.00
clflush size	: 64
cache_alignment	: 64
address sizes	: 46 bits physical, 57 bits virtual
power management:


`

exports[`test/scenarios.test.ts > TAP > v1 docker with --enable-cfs > proc/diskstats 1`] = `
   8       0 sda 1822 0 145752 0 6431 0 514456 0 0 0 0 0 0 0 0 0 0

`

exports[`test/scenarios.test.ts > TAP > v1 docker with --enable-cfs > proc/loadavg 1`] = `
0.52 0.31 0.20 3/412 98231

`

exports[`test/scenarios.test.ts > TAP > v1 docker with --enable-cfs > proc/meminfo 1`] = `
MemTotal:         262144 kB
MemFree:          192816 kB
MemAvailable:     259096 kB
Buffers:               0 kB
Cached:            66280 kB
SwapCached:            0 kB
Active:            40080 kB
Inactive:          27712 kB
Active(anon):         12 kB
Inactive(anon):     1500 kB
Active(file):      40068 kB
Inactive(file):    26212 kB
Unevictable:           0 kB
Mlocked:           14836 kB
SwapTotal:        393216 kB
SwapFree:         393168 kB
Zswap:                 0 kB
Zswapped:              0 kB
Dirty:                36 kB
Writeback:             4 kB
AnonPages:          1508 kB
Mapped:                8 kB
Shmem:                 4 kB
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
AnonHugePages:      2048 kB
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

exports[`test/scenarios.test.ts > TAP > v1 docker with --enable-cfs > proc/stat 1`] = `
cpu  0 0 0 0 0 0 0 0 0 0
cpu0 0 0 0 0 0 0 0 0 0 0
intr 160630732 0 0 0 1259322 3334337 1431303 0 0 4016528 0 0 0 0 0 2770373 0 0 0 0 0 0 2595912 0 0 3199097 0 0 0 0 0 0 0 0 2844783 0 0 0 0 4670992 1216178 0 0 0 0 4023265 0 0 1612505 0 0 0 0 0 0 0 1270935 0 0 0 0 0 0 0 0 2848661 3381802 0 0 0 0 0 1656223 2715822 0 0 0 0 0 0 0 0 4435992 0 3043623 0 654320 617559 0 0 0 0 2355079 0 0 4430240 0 0 1247682 0 0 0 0 0 0 0 0 0 0 0 0 0 3847115 648681 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 2017049 0 0 0 2077841 0 4490372 0 0 0 0 0 0 0 0 0 0 0 0 0 4551636 0 3281062 0 0 0 0 0 0 616558 4543425 0 0 0 0 0 0 0 4148714 0 0 770890 1223741 0 0 0 1628672 0 0 209522 0 0 0 0 0 4046542 0 0 0 0 2935921 0 0 0 4956652 0 0 983899 0 0 0 0 0 0 0 0 0 0 0 0 0 0 806558 0 0 0 510717 0 0 0 0 0 0 0 0 0 0 3970518 0 0 0 0 0 3356973 766769 0 0 0 4624147 0 0 0 0 0 0 3623871 129284 0 0 0 0 0 425136 0 0 0 1386357 0 907657 1417471 0 2419893 0 3523363 0 0 679015 3486303 0 0 2407539 3869774 1348220 0 0 0 0 224229 0 2608719 0 0 314230 4606249 0 0 0 0 1793869 0 0 0 0 0 0 2813046 0 0 0 0
ctxt 1479072093
btime 1795130733
processes 5014293
procs_running 11
procs_blocked 0
softirq 557057113 31592833 47141206 80561244 48418653 40359580 82111108 96284472 48676335 38857161 43054521

`

exports[`test/scenarios.test.ts > TAP > v1 docker with --enable-cfs > proc/swaps 1`] = `
Filename				Type		Size	Used	Priority
none                                    virtual		393216	48	0

`

exports[`test/scenarios.test.ts > TAP > v1 docker with --enable-cfs > proc/uptime 1`] = `
3600.00 3451.82

`

exports[`test/scenarios.test.ts > TAP > v1 docker with --enable-cfs > sys/devices/system/cpu/online 1`] = `
0

`

exports[`test/scenarios.test.ts > TAP > v1 docker: sparse cpuset 0,2-3, quota 0.5 > proc/cpuinfo 1`] = `
processor	: 0
vendor_id	: GenuineIntel
cpu family	: 6
model		: 106
model name	: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
stepping	: 6
microcode	: 0xd0003a5
cpu MHz		: 2500.000
cache size	: 55296 KB
physical id	: 0
siblings	: 8
core id		: 0
cpu cores	: 8
apicid		: 0
initial apicid	: 0
fpu		: yes
fpu_exception	: yes
cpuid level	: 27
wp		: yes
flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq monitor ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch invpcid_single ssbd ibrs ibpb stibp ibrs_enhanced fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves wbnoinvd ida arat avx512vbmi pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg tme avx512_vpopcntdq rdpid md_clear flush_l1d arch_capabilities
bugs		: spectre_v1 spectre_v2 spec_store_bypass swapgs mmio_stale_data eibrs_pbrsb gds bhi
bogomips	: 5800.00
clflush size	: 64
cache_alignment	: 64
address sizes	: 46 bits physical, 57 bits virtual
power management:

processor	: 1
vendor_id	: GenuineIntel
cpu family	: 6
model		: 106
model name	: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
stepping	: 6
microcode	: 0xd0003a5
cpu MHz		: 2574.250
cache size	: 55296 KB
physical id	: 0
siblings	: 8
core id		: 2
cpu cores	: 8
apicid		: 2
initial apicid	: 2
fpu		: yes
fpu_exception	: yes
cpuid level	: 27
wp		: yes
flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq monitor ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch invpcid_single ssbd ibrs ibpb stibp ibrs_enhanced fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves wbnoinvd ida arat avx512vbmi pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg tme avx512_vpopcntdq rdpid md_clear flush_l1d arch_capabilities
bugs		: spectre_v1 spectre_v2 spec_store_bypass swapgs mmio_stale_data eibrs_pbrsb gds bhi
bogomips	: 5800.00
clflush size	: 64
cache_alignment	: 64
address sizes	: 46 bits physical, 57 bits virtual
power management:

processor	: 2
vendor_id	: GenuineIntel
cpu family	: 6
model		: 106
model name	: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
stepping	: 6
microcode	: 0xd0003a5
cpu MHz		: 2611.375
cache size	: 55296 KB
physical id	: 0
siblings	: 8
core id		: 3
cpu cores	: 8
apicid		: 3
initial apicid	: 3
fpu		: yes
fpu_exception	: yes
cpuid level	: 27
wp		: yes
flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq monitor ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch invpcid_single ssbd ibrs ibpb stibp ibrs_enhanced fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves wbnoinvd ida arat avx512vbmi pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg tme avx512_vpopcntdq rdpid md_clear flush_l1d arch_capabilities
bugs		: spectre_v1 spectre_v2 spec_store_bypass swapgs mmio_stale_data eibrs_pbrsb gds bhi
bogomips	: 5800.00
clflush size	: 64
cache_alignment	: 64
address sizes	: 46 bits physical, 57 bits virtual
power management:


`

exports[`test/scenarios.test.ts > TAP > v1 docker: sparse cpuset 0,2-3, quota 0.5 > proc/diskstats 1`] = `
   8       0 sda 1822 0 145752 0 6431 0 514456 0 0 0 0 0 0 0 0 0 0

`

exports[`test/scenarios.test.ts > TAP > v1 docker: sparse cpuset 0,2-3, quota 0.5 > proc/loadavg 1`] = `
0.52 0.31 0.20 3/412 98231

`

exports[`test/scenarios.test.ts > TAP > v1 docker: sparse cpuset 0,2-3, quota 0.5 > proc/meminfo 1`] = `
MemTotal:         262144 kB
MemFree:          192816 kB
MemAvailable:     259096 kB
Buffers:               0 kB
Cached:            66280 kB
SwapCached:            0 kB
Active:            40080 kB
Inactive:          27712 kB
Active(anon):         12 kB
Inactive(anon):     1500 kB
Active(file):      40068 kB
Inactive(file):    26212 kB
Unevictable:           0 kB
Mlocked:           14836 kB
SwapTotal:        393216 kB
SwapFree:         393168 kB
Zswap:                 0 kB
Zswapped:              0 kB
Dirty:                36 kB
Writeback:             4 kB
AnonPages:          1508 kB
Mapped:                8 kB
Shmem:                 4 kB
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
AnonHugePages:      2048 kB
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

exports[`test/scenarios.test.ts > TAP > v1 docker: sparse cpuset 0,2-3, quota 0.5 > proc/stat 1`] = `
cpu  12118 0 2699 11535537 0 0 0 0 0 0
cpu0 4187 0 912 3930846 0 0 0 0 0 0
cpu2 3921 0 887 3797547 0 0 0 0 0 0
cpu3 4010 0 900 3807144 0 0 0 0 0 0
intr 160630732 0 0 0 1259322 3334337 1431303 0 0 4016528 0 0 0 0 0 2770373 0 0 0 0 0 0 2595912 0 0 3199097 0 0 0 0 0 0 0 0 2844783 0 0 0 0 4670992 1216178 0 0 0 0 4023265 0 0 1612505 0 0 0 0 0 0 0 1270935 0 0 0 0 0 0 0 0 2848661 3381802 0 0 0 0 0 1656223 2715822 0 0 0 0 0 0 0 0 4435992 0 3043623 0 654320 617559 0 0 0 0 2355079 0 0 4430240 0 0 1247682 0 0 0 0 0 0 0 0 0 0 0 0 0 3847115 648681 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 2017049 0 0 0 2077841 0 4490372 0 0 0 0 0 0 0 0 0 0 0 0 0 4551636 0 3281062 0 0 0 0 0 0 616558 4543425 0 0 0 0 0 0 0 4148714 0 0 770890 1223741 0 0 0 1628672 0 0 209522 0 0 0 0 0 4046542 0 0 0 0 2935921 0 0 0 4956652 0 0 983899 0 0 0 0 0 0 0 0 0 0 0 0 0 0 806558 0 0 0 510717 0 0 0 0 0 0 0 0 0 0 3970518 0 0 0 0 0 3356973 766769 0 0 0 4624147 0 0 0 0 0 0 3623871 129284 0 0 0 0 0 425136 0 0 0 1386357 0 907657 1417471 0 2419893 0 3523363 0 0 679015 3486303 0 0 2407539 3869774 1348220 0 0 0 0 224229 0 2608719 0 0 314230 4606249 0 0 0 0 1793869 0 0 0 0 0 0 2813046 0 0 0 0
ctxt 1479072093
btime 1795130733
processes 5014293
procs_running 11
procs_blocked 0
softirq 557057113 31592833 47141206 80561244 48418653 40359580 82111108 96284472 48676335 38857161 43054521

`

exports[`test/scenarios.test.ts > TAP > v1 docker: sparse cpuset 0,2-3, quota 0.5 > proc/swaps 1`] = `
Filename				Type		Size	Used	Priority
none                                    virtual		393216	48	0

`

exports[`test/scenarios.test.ts > TAP > v1 docker: sparse cpuset 0,2-3, quota 0.5 > proc/uptime 1`] = `
3600.00 10651.82

`

exports[`test/scenarios.test.ts > TAP > v1 docker: sparse cpuset 0,2-3, quota 0.5 > sys/devices/system/cpu/online 1`] = `
0,2-3

`

exports[`test/scenarios.test.ts > TAP > v1 Kubernetes: cpu and cpuset at different paths, quota 1.5, --enable-cfs > proc/cpuinfo 1`] = `
processor	: 0
vendor_id	: GenuineIntel
cpu family	: 6
model		: 106
model name	: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
stepping	: 6
microcode	: 0xd0003a5
cpu MHz		: 2500.000
cache size	: 55296 KB
physical id	: 0
siblings	: 8
core id		: 0
cpu cores	: 8
apicid		: 0
initial apicid	: 0
fpu		: yes
fpu_exception	: yes
cpuid level	: 27
wp		: yes
flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq monitor ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch invpcid_single ssbd ibrs ibpb stibp ibrs_enhanced fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves wbnoinvd ida arat avx512vbmi pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg tme avx512_vpopcntdq rdpid md_clear flush_l1d arch_capabilities
bugs		: spectre_v1 spectre_v2 spec_store_bypass swapgs mmio_stale_data eibrs_pbrsb gds bhi
bogomips	: 5800.00
clflush size	: 64
cache_alignment	: 64
address sizes	: 46 bits physical, 57 bits virtual
power management:

processor	: 1
vendor_id	: GenuineIntel
cpu family	: 6
model		: 106
model name	: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
stepping	: 6
microcode	: 0xd0003a5
cpu MHz		: 2537.125
cache size	: 55296 KB
physical id	: 0
siblings	: 8
core id		: 1
cpu cores	: 8
apicid		: 1
initial apicid	: 1
fpu		: yes
fpu_exception	: yes
cpuid level	: 27
wp		: yes
flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq monitor ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch invpcid_single ssbd ibrs ibpb stibp ibrs_enhanced fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves wbnoinvd ida arat avx512vbmi pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg tme avx512_vpopcntdq rdpid md_clear flush_l1d arch_capabilities
bugs		: spectre_v1 spectre_v2 spec_store_bypass swapgs mmio_stale_data eibrs_pbrsb gds bhi
bogomips	: 5800.00
clflush size	: 64
cache_alignment	: 64
address sizes	: 46 bits physical, 57 bits virtual
power management:


`

exports[`test/scenarios.test.ts > TAP > v1 Kubernetes: cpu and cpuset at different paths, quota 1.5, --enable-cfs > proc/diskstats 1`] = `
   8       0 sda 1822 0 145752 0 6431 0 514456 0 0 0 0 0 0 0 0 0 0

`

exports[`test/scenarios.test.ts > TAP > v1 Kubernetes: cpu and cpuset at different paths, quota 1.5, --enable-cfs > proc/loadavg 1`] = `
0.52 0.31 0.20 3/412 98231

`

exports[`test/scenarios.test.ts > TAP > v1 Kubernetes: cpu and cpuset at different paths, quota 1.5, --enable-cfs > proc/meminfo 1`] = `
MemTotal:         262144 kB
MemFree:          192816 kB
MemAvailable:     259096 kB
Buffers:               0 kB
Cached:            66280 kB
SwapCached:            0 kB
Active:            40080 kB
Inactive:          27712 kB
Active(anon):         12 kB
Inactive(anon):     1500 kB
Active(file):      40068 kB
Inactive(file):    26212 kB
Unevictable:           0 kB
Mlocked:           14836 kB
SwapTotal:        393216 kB
SwapFree:         393168 kB
Zswap:                 0 kB
Zswapped:              0 kB
Dirty:                36 kB
Writeback:             4 kB
AnonPages:          1508 kB
Mapped:                8 kB
Shmem:                 4 kB
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
AnonHugePages:      2048 kB
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

exports[`test/scenarios.test.ts > TAP > v1 Kubernetes: cpu and cpuset at different paths, quota 1.5, --enable-cfs > proc/stat 1`] = `
cpu  0 0 0 0 0 0 0 0 0 0
cpu0 0 0 0 0 0 0 0 0 0 0
cpu1 0 0 0 0 0 0 0 0 0 0
intr 160630732 0 0 0 1259322 3334337 1431303 0 0 4016528 0 0 0 0 0 2770373 0 0 0 0 0 0 2595912 0 0 3199097 0 0 0 0 0 0 0 0 2844783 0 0 0 0 4670992 1216178 0 0 0 0 4023265 0 0 1612505 0 0 0 0 0 0 0 1270935 0 0 0 0 0 0 0 0 2848661 3381802 0 0 0 0 0 1656223 2715822 0 0 0 0 0 0 0 0 4435992 0 3043623 0 654320 617559 0 0 0 0 2355079 0 0 4430240 0 0 1247682 0 0 0 0 0 0 0 0 0 0 0 0 0 3847115 648681 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 2017049 0 0 0 2077841 0 4490372 0 0 0 0 0 0 0 0 0 0 0 0 0 4551636 0 3281062 0 0 0 0 0 0 616558 4543425 0 0 0 0 0 0 0 4148714 0 0 770890 1223741 0 0 0 1628672 0 0 209522 0 0 0 0 0 4046542 0 0 0 0 2935921 0 0 0 4956652 0 0 983899 0 0 0 0 0 0 0 0 0 0 0 0 0 0 806558 0 0 0 510717 0 0 0 0 0 0 0 0 0 0 3970518 0 0 0 0 0 3356973 766769 0 0 0 4624147 0 0 0 0 0 0 3623871 129284 0 0 0 0 0 425136 0 0 0 1386357 0 907657 1417471 0 2419893 0 3523363 0 0 679015 3486303 0 0 2407539 3869774 1348220 0 0 0 0 224229 0 2608719 0 0 314230 4606249 0 0 0 0 1793869 0 0 0 0 0 0 2813046 0 0 0 0
ctxt 1479072093
btime 1795130733
processes 5014293
procs_running 11
procs_blocked 0
softirq 557057113 31592833 47141206 80561244 48418653 40359580 82111108 96284472 48676335 38857161 43054521

`

exports[`test/scenarios.test.ts > TAP > v1 Kubernetes: cpu and cpuset at different paths, quota 1.5, --enable-cfs > proc/swaps 1`] = `
Filename				Type		Size	Used	Priority
none                                    virtual		393216	48	0

`

exports[`test/scenarios.test.ts > TAP > v1 Kubernetes: cpu and cpuset at different paths, quota 1.5, --enable-cfs > proc/uptime 1`] = `
3600.00 7150.87

`

exports[`test/scenarios.test.ts > TAP > v1 Kubernetes: cpu and cpuset at different paths, quota 1.5, --enable-cfs > sys/devices/system/cpu/online 1`] = `
0-1

`

exports[`test/scenarios.test.ts > TAP > v2 Kubernetes container under a 512 MiB, 0.5-CPU pod > proc/cpuinfo 1`] = `
processor	: 0
vendor_id	: GenuineIntel
cpu family	: 6
model		: 106
model name	: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
stepping	: 6
microcode	: 0xd0003a5
cpu MHz		: 2500.000
cache size	: 55296 KB
physical id	: 0
siblings	: 8
core id		: 0
cpu cores	: 8
apicid		: 0
initial apicid	: 0
fpu		: yes
fpu_exception	: yes
cpuid level	: 27
wp		: yes
flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq monitor ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch invpcid_single ssbd ibrs ibpb stibp ibrs_enhanced fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves wbnoinvd ida arat avx512vbmi pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg tme avx512_vpopcntdq rdpid md_clear flush_l1d arch_capabilities
bugs		: spectre_v1 spectre_v2 spec_store_bypass swapgs mmio_stale_data eibrs_pbrsb gds bhi
bogomips	: 5800.00
clflush size	: 64
cache_alignment	: 64
address sizes	: 46 bits physical, 57 bits virtual
power management:

processor	: 1
vendor_id	: GenuineIntel
cpu family	: 6
model		: 106
model name	: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
stepping	: 6
microcode	: 0xd0003a5
cpu MHz		: 2574.250
cache size	: 55296 KB
physical id	: 0
siblings	: 8
core id		: 2
cpu cores	: 8
apicid		: 2
initial apicid	: 2
fpu		: yes
fpu_exception	: yes
cpuid level	: 27
wp		: yes
flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq monitor ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch invpcid_single ssbd ibrs ibpb stibp ibrs_enhanced fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves wbnoinvd ida arat avx512vbmi pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg tme avx512_vpopcntdq rdpid md_clear flush_l1d arch_capabilities
bugs		: spectre_v1 spectre_v2 spec_store_bypass swapgs mmio_stale_data eibrs_pbrsb gds bhi
bogomips	: 5800.00
clflush size	: 64
cache_alignment	: 64
address sizes	: 46 bits physical, 57 bits virtual
power management:

processor	: 2
vendor_id	: GenuineIntel
cpu family	: 6
model		: 106
model name	: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
stepping	: 6
microcode	: 0xd0003a5
cpu MHz		: 2611.375
cache size	: 55296 KB
physical id	: 0
siblings	: 8
core id		: 3
cpu cores	: 8
apicid		: 3
initial apicid	: 3
fpu		: yes
fpu_exception	: yes
cpuid level	: 27
wp		: yes
flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq monitor ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch invpcid_single ssbd ibrs ibpb stibp ibrs_enhanced fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves wbnoinvd ida arat avx512vbmi pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg tme avx512_vpopcntdq rdpid md_clear flush_l1d arch_capabilities
bugs		: spectre_v1 spectre_v2 spec_store_bypass swapgs mmio_stale_data eibrs_pbrsb gds bhi
bogomips	: 5800.00
clflush size	: 64
cache_alignment	: 64
address sizes	: 46 bits physical, 57 bits virtual
power management:


`

exports[`test/scenarios.test.ts > TAP > v2 Kubernetes container under a 512 MiB, 0.5-CPU pod > proc/diskstats 1`] = `
 259       0 nvme0n1 13 0 350 0 18 0 1656 0 0 0 0 0 0 0 0 0 0

`

exports[`test/scenarios.test.ts > TAP > v2 Kubernetes container under a 512 MiB, 0.5-CPU pod > proc/loadavg 1`] = `
0.52 0.31 0.20 3/412 98231

`

exports[`test/scenarios.test.ts > TAP > v2 Kubernetes container under a 512 MiB, 0.5-CPU pod > proc/meminfo 1`] = `
MemTotal:         524288 kB
MemFree:          416768 kB
MemAvailable:     458752 kB
Buffers:               0 kB
Cached:            40960 kB
SwapCached:            0 kB
Active:            36864 kB
Inactive:          65536 kB
Active(anon):      20480 kB
Inactive(anon):    40960 kB
Active(file):      16384 kB
Inactive(file):    24576 kB
Unevictable:           0 kB
Mlocked:           14836 kB
SwapTotal:        524284 kB
SwapFree:         473084 kB
Zswap:                 0 kB
Zswapped:              0 kB
Dirty:                 0 kB
Writeback:             0 kB
AnonPages:         61440 kB
Mapped:             4096 kB
Shmem:                 0 kB
KReclaimable:      70432 kB
Slab:               1536 kB
SReclaimable:       1024 kB
SUnreclaim:          512 kB
KernelStack:         128 kB
PageTables:          512 kB
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

exports[`test/scenarios.test.ts > TAP > v2 Kubernetes container under a 512 MiB, 0.5-CPU pod > proc/stat 1`] = `
cpu  677776 0 386098 16126 0 0 0 0 0 0
cpu0 225926 0 128700 5376 0 0 0 0 0 0
cpu2 225925 0 128699 5375 0 0 0 0 0 0
cpu3 225925 0 128699 5375 0 0 0 0 0 0
intr 160630732 0 0 0 1259322 3334337 1431303 0 0 4016528 0 0 0 0 0 2770373 0 0 0 0 0 0 2595912 0 0 3199097 0 0 0 0 0 0 0 0 2844783 0 0 0 0 4670992 1216178 0 0 0 0 4023265 0 0 1612505 0 0 0 0 0 0 0 1270935 0 0 0 0 0 0 0 0 2848661 3381802 0 0 0 0 0 1656223 2715822 0 0 0 0 0 0 0 0 4435992 0 3043623 0 654320 617559 0 0 0 0 2355079 0 0 4430240 0 0 1247682 0 0 0 0 0 0 0 0 0 0 0 0 0 3847115 648681 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 2017049 0 0 0 2077841 0 4490372 0 0 0 0 0 0 0 0 0 0 0 0 0 4551636 0 3281062 0 0 0 0 0 0 616558 4543425 0 0 0 0 0 0 0 4148714 0 0 770890 1223741 0 0 0 1628672 0 0 209522 0 0 0 0 0 4046542 0 0 0 0 2935921 0 0 0 4956652 0 0 983899 0 0 0 0 0 0 0 0 0 0 0 0 0 0 806558 0 0 0 510717 0 0 0 0 0 0 0 0 0 0 3970518 0 0 0 0 0 3356973 766769 0 0 0 4624147 0 0 0 0 0 0 3623871 129284 0 0 0 0 0 425136 0 0 0 1386357 0 907657 1417471 0 2419893 0 3523363 0 0 679015 3486303 0 0 2407539 3869774 1348220 0 0 0 0 224229 0 2608719 0 0 314230 4606249 0 0 0 0 1793869 0 0 0 0 0 0 2813046 0 0 0 0
ctxt 1479072093
btime 1795130733
processes 5014293
procs_running 11
procs_blocked 0
softirq 557057113 31592833 47141206 80561244 48418653 40359580 82111108 96284472 48676335 38857161 43054521

`

exports[`test/scenarios.test.ts > TAP > v2 Kubernetes container under a 512 MiB, 0.5-CPU pod > proc/swaps 1`] = `
Filename				Type		Size	Used	Priority
none                                    virtual		524284	51200	0

`

exports[`test/scenarios.test.ts > TAP > v2 Kubernetes container under a 512 MiB, 0.5-CPU pod > proc/uptime 1`] = `
3600.00 161.26

`

exports[`test/scenarios.test.ts > TAP > v2 Kubernetes container under a 512 MiB, 0.5-CPU pod > sys/devices/system/cpu/online 1`] = `
0,2-3

`

exports[`test/scenarios.test.ts > TAP > v2 Kubernetes container with --enable-cfs and -u > proc/cpuinfo 1`] = `
processor	: 0
vendor_id	: GenuineIntel
cpu family	: 6
model		: 106
model name	: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
stepping	: 6
microcode	: 0xd0003a5
cpu MHz		: 2500.000
cache size	: 55296 KB
physical id	: 0
siblings	: 8
core id		: 0
cpu cores	: 8
apicid		: 0
initial apicid	: 0
fpu		: yes
fpu_exception	: yes
cpuid level	: 27
wp		: yes
flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq monitor ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch invpcid_single ssbd ibrs ibpb stibp ibrs_enhanced fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves wbnoinvd ida arat avx512vbmi pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg tme avx512_vpopcntdq rdpid md_clear flush_l1d arch_capabilities
bugs		: spectre_v1 spectre_v2 spec_store_bypass swapgs mmio_stale_data eibrs_pbrsb gds bhi
bogomips	: 5800.00
clflush size	: 64
cache_alignment	: 64
address sizes	: 46 bits physical, 57 bits virtual
power management:


`

exports[`test/scenarios.test.ts > TAP > v2 Kubernetes container with --enable-cfs and -u > proc/diskstats 1`] = `
 259       0 nvme0n1 13 0 350 0 18 0 1656 0 0 0 0 0 0 0 0 0 0

`

exports[`test/scenarios.test.ts > TAP > v2 Kubernetes container with --enable-cfs and -u > proc/loadavg 1`] = `
0.52 0.31 0.20 3/412 98231

`

exports[`test/scenarios.test.ts > TAP > v2 Kubernetes container with --enable-cfs and -u > proc/meminfo 1`] = `
MemTotal:         524288 kB
MemFree:          416768 kB
MemAvailable:     458752 kB
Buffers:               0 kB
Cached:            40960 kB
SwapCached:            0 kB
Active:            36864 kB
Inactive:          65536 kB
Active(anon):      20480 kB
Inactive(anon):    40960 kB
Active(file):      16384 kB
Inactive(file):    24576 kB
Unevictable:           0 kB
Mlocked:           14836 kB
SwapTotal:             0 kB
SwapFree:              0 kB
Zswap:                 0 kB
Zswapped:              0 kB
Dirty:                 0 kB
Writeback:             0 kB
AnonPages:         61440 kB
Mapped:             4096 kB
Shmem:                 0 kB
KReclaimable:      70432 kB
Slab:               1536 kB
SReclaimable:       1024 kB
SUnreclaim:          512 kB
KernelStack:         128 kB
PageTables:          512 kB
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

exports[`test/scenarios.test.ts > TAP > v2 Kubernetes container with --enable-cfs and -u > proc/stat 1`] = `
cpu  677776 0 386098 0 0 0 0 0 0 0
cpu0 677776 0 386098 0 0 0 0 0 0 0
intr 160630732 0 0 0 1259322 3334337 1431303 0 0 4016528 0 0 0 0 0 2770373 0 0 0 0 0 0 2595912 0 0 3199097 0 0 0 0 0 0 0 0 2844783 0 0 0 0 4670992 1216178 0 0 0 0 4023265 0 0 1612505 0 0 0 0 0 0 0 1270935 0 0 0 0 0 0 0 0 2848661 3381802 0 0 0 0 0 1656223 2715822 0 0 0 0 0 0 0 0 4435992 0 3043623 0 654320 617559 0 0 0 0 2355079 0 0 4430240 0 0 1247682 0 0 0 0 0 0 0 0 0 0 0 0 0 3847115 648681 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 2017049 0 0 0 2077841 0 4490372 0 0 0 0 0 0 0 0 0 0 0 0 0 4551636 0 3281062 0 0 0 0 0 0 616558 4543425 0 0 0 0 0 0 0 4148714 0 0 770890 1223741 0 0 0 1628672 0 0 209522 0 0 0 0 0 4046542 0 0 0 0 2935921 0 0 0 4956652 0 0 983899 0 0 0 0 0 0 0 0 0 0 0 0 0 0 806558 0 0 0 510717 0 0 0 0 0 0 0 0 0 0 3970518 0 0 0 0 0 3356973 766769 0 0 0 4624147 0 0 0 0 0 0 3623871 129284 0 0 0 0 0 425136 0 0 0 1386357 0 907657 1417471 0 2419893 0 3523363 0 0 679015 3486303 0 0 2407539 3869774 1348220 0 0 0 0 224229 0 2608719 0 0 314230 4606249 0 0 0 0 1793869 0 0 0 0 0 0 2813046 0 0 0 0
ctxt 1479072093
btime 1795130733
processes 5014293
procs_running 11
procs_blocked 0
softirq 557057113 31592833 47141206 80561244 48418653 40359580 82111108 96284472 48676335 38857161 43054521

`

exports[`test/scenarios.test.ts > TAP > v2 Kubernetes container with --enable-cfs and -u > proc/swaps 1`] = `
Filename				Type		Size	Used	Priority

`

exports[`test/scenarios.test.ts > TAP > v2 Kubernetes container with --enable-cfs and -u > proc/uptime 1`] = `
3600.00 0.00

`

exports[`test/scenarios.test.ts > TAP > v2 Kubernetes container with --enable-cfs and -u > sys/devices/system/cpu/online 1`] = `
0

`
