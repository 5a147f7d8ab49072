/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/files/proc-cpuinfo.test.ts > TAP > --enable-cfs: quota 1.5 on cpuset 0-7 → 2 blocks > x86 8 CPUs, cfs quota 1.5 1`] = `
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

exports[`test/files/proc-cpuinfo.test.ts > TAP > 256 CPUs > 256 CPUs, all visible (outline) 1`] = `
processor=0 physical id=0 core id=0 apicid=0 cpu MHz=2050.000
processor=1 physical id=0 core id=1 apicid=2 cpu MHz=2087.125
processor=2 physical id=0 core id=2 apicid=4 cpu MHz=2124.250
processor=3 physical id=0 core id=3 apicid=6 cpu MHz=2161.375
processor=4 physical id=0 core id=4 apicid=8 cpu MHz=2198.500
processor=5 physical id=0 core id=5 apicid=10 cpu MHz=2235.625
processor=6 physical id=0 core id=6 apicid=12 cpu MHz=2272.750
processor=7 physical id=0 core id=7 apicid=14 cpu MHz=2309.000
processor=8 physical id=0 core id=8 apicid=16 cpu MHz=2346.125
processor=9 physical id=0 core id=9 apicid=18 cpu MHz=2383.250
processor=10 physical id=0 core id=10 apicid=20 cpu MHz=2420.375
processor=11 physical id=0 core id=11 apicid=22 cpu MHz=2457.500
processor=12 physical id=0 core id=12 apicid=24 cpu MHz=2494.625
processor=13 physical id=0 core id=13 apicid=26 cpu MHz=2531.750
processor=14 physical id=0 core id=14 apicid=28 cpu MHz=2068.000
processor=15 physical id=0 core id=15 apicid=30 cpu MHz=2105.125
processor=16 physical id=0 core id=16 apicid=32 cpu MHz=2142.250
processor=17 physical id=0 core id=17 apicid=34 cpu MHz=2179.375
processor=18 physical id=0 core id=18 apicid=36 cpu MHz=2216.500
processor=19 physical id=0 core id=19 apicid=38 cpu MHz=2253.625
processor=20 physical id=0 core id=20 apicid=40 cpu MHz=2290.750
processor=21 physical id=0 core id=21 apicid=42 cpu MHz=2327.000
processor=22 physical id=0 core id=22 apicid=44 cpu MHz=2364.125
processor=23 physical id=0 core id=23 apicid=46 cpu MHz=2401.250
processor=24 physical id=0 core id=24 apicid=48 cpu MHz=2438.375
processor=25 physical id=0 core id=25 apicid=50 cpu MHz=2475.500
processor=26 physical id=0 core id=26 apicid=52 cpu MHz=2512.625
processor=27 physical id=0 core id=27 apicid=54 cpu MHz=2549.750
processor=28 physical id=0 core id=28 apicid=56 cpu MHz=2086.000
processor=29 physical id=0 core id=29 apicid=58 cpu MHz=2123.125
processor=30 physical id=0 core id=30 apicid=60 cpu MHz=2160.250
processor=31 physical id=0 core id=31 apicid=62 cpu MHz=2197.375
processor=32 physical id=0 core id=32 apicid=64 cpu MHz=2234.500
processor=33 physical id=0 core id=33 apicid=66 cpu MHz=2271.625
processor=34 physical id=0 core id=34 apicid=68 cpu MHz=2308.750
processor=35 physical id=0 core id=35 apicid=70 cpu MHz=2345.000
processor=36 physical id=0 core id=36 apicid=72 cpu MHz=2382.125
processor=37 physical id=0 core id=37 apicid=74 cpu MHz=2419.250
processor=38 physical id=0 core id=38 apicid=76 cpu MHz=2456.375
processor=39 physical id=0 core id=39 apicid=78 cpu MHz=2493.500
processor=40 physical id=0 core id=40 apicid=80 cpu MHz=2530.625
processor=41 physical id=0 core id=41 apicid=82 cpu MHz=2067.750
processor=42 physical id=0 core id=42 apicid=84 cpu MHz=2104.000
processor=43 physical id=0 core id=43 apicid=86 cpu MHz=2141.125
processor=44 physical id=0 core id=44 apicid=88 cpu MHz=2178.250
processor=45 physical id=0 core id=45 apicid=90 cpu MHz=2215.375
processor=46 physical id=0 core id=46 apicid=92 cpu MHz=2252.500
processor=47 physical id=0 core id=47 apicid=94 cpu MHz=2289.625
processor=48 physical id=0 core id=48 apicid=96 cpu MHz=2326.750
processor=49 physical id=0 core id=49 apicid=98 cpu MHz=2363.000
processor=50 physical id=0 core id=50 apicid=100 cpu MHz=2400.125
processor=51 physical id=0 core id=51 apicid=102 cpu MHz=2437.250
processor=52 physical id=0 core id=52 apicid=104 cpu MHz=2474.375
processor=53 physical id=0 core id=53 apicid=106 cpu MHz=2511.500
processor=54 physical id=0 core id=54 apicid=108 cpu MHz=2548.625
processor=55 physical id=0 core id=55 apicid=110 cpu MHz=2085.750
processor=56 physical id=0 core id=56 apicid=112 cpu MHz=2122.000
processor=57 physical id=0 core id=57 apicid=114 cpu MHz=2159.125
processor=58 physical id=0 core id=58 apicid=116 cpu MHz=2196.250
processor=59 physical id=0 core id=59 apicid=118 cpu MHz=2233.375
processor=60 physical id=0 core id=60 apicid=120 cpu MHz=2270.500
processor=61 physical id=0 core id=61 apicid=122 cpu MHz=2307.625
processor=62 physical id=0 core id=62 apicid=124 cpu MHz=2344.750
processor=63 physical id=0 core id=63 apicid=126 cpu MHz=2381.000
processor=64 physical id=1 core id=0 apicid=128 cpu MHz=2418.125
processor=65 physical id=1 core id=1 apicid=130 cpu MHz=2455.250
processor=66 physical id=1 core id=2 apicid=132 cpu MHz=2492.375
processor=67 physical id=1 core id=3 apicid=134 cpu MHz=2529.500
processor=68 physical id=1 core id=4 apicid=136 cpu MHz=2066.625
processor=69 physical id=1 core id=5 apicid=138 cpu MHz=2103.750
processor=70 physical id=1 core id=6 apicid=140 cpu MHz=2140.000
processor=71 physical id=1 core id=7 apicid=142 cpu MHz=2177.125
processor=72 physical id=1 core id=8 apicid=144 cpu MHz=2214.250
processor=73 physical id=1 core id=9 apicid=146 cpu MHz=2251.375
processor=74 physical id=1 core id=10 apicid=148 cpu MHz=2288.500
processor=75 physical id=1 core id=11 apicid=150 cpu MHz=2325.625
processor=76 physical id=1 core id=12 apicid=152 cpu MHz=2362.750
processor=77 physical id=1 core id=13 apicid=154 cpu MHz=2399.000
processor=78 physical id=1 core id=14 apicid=156 cpu MHz=2436.125
processor=79 physical id=1 core id=15 apicid=158 cpu MHz=2473.250
processor=80 physical id=1 core id=16 apicid=160 cpu MHz=2510.375
processor=81 physical id=1 core id=17 apicid=162 cpu MHz=2547.500
processor=82 physical id=1 core id=18 apicid=164 cpu MHz=2084.625
processor=83 physical id=1 core id=19 apicid=166 cpu MHz=2121.750
processor=84 physical id=1 core id=20 apicid=168 cpu MHz=2158.000
processor=85 physical id=1 core id=21 apicid=170 cpu MHz=2195.125
processor=86 physical id=1 core id=22 apicid=172 cpu MHz=2232.250
processor=87 physical id=1 core id=23 apicid=174 cpu MHz=2269.375
processor=88 physical id=1 core id=24 apicid=176 cpu MHz=2306.500
processor=89 physical id=1 core id=25 apicid=178 cpu MHz=2343.625
processor=90 physical id=1 core id=26 apicid=180 cpu MHz=2380.750
processor=91 physical id=1 core id=27 apicid=182 cpu MHz=2417.000
processor=92 physical id=1 core id=28 apicid=184 cpu MHz=2454.125
processor=93 physical id=1 core id=29 apicid=186 cpu MHz=2491.250
processor=94 physical id=1 core id=30 apicid=188 cpu MHz=2528.375
processor=95 physical id=1 core id=31 apicid=190 cpu MHz=2065.500
processor=96 physical id=1 core id=32 apicid=192 cpu MHz=2102.625
processor=97 physical id=1 core id=33 apicid=194 cpu MHz=2139.750
processor=98 physical id=1 core id=34 apicid=196 cpu MHz=2176.000
processor=99 physical id=1 core id=35 apicid=198 cpu MHz=2213.125
processor=100 physical id=1 core id=36 apicid=200 cpu MHz=2250.250
processor=101 physical id=1 core id=37 apicid=202 cpu MHz=2287.375
processor=102 physical id=1 core id=38 apicid=204 cpu MHz=2324.500
processor=103 physical id=1 core id=39 apicid=206 cpu MHz=2361.625
processor=104 physical id=1 core id=40 apicid=208 cpu MHz=2398.750
processor=105 physical id=1 core id=41 apicid=210 cpu MHz=2435.000
processor=106 physical id=1 core id=42 apicid=212 cpu MHz=2472.125
processor=107 physical id=1 core id=43 apicid=214 cpu MHz=2509.250
processor=108 physical id=1 core id=44 apicid=216 cpu MHz=2546.375
processor=109 physical id=1 core id=45 apicid=218 cpu MHz=2083.500
processor=110 physical id=1 core id=46 apicid=220 cpu MHz=2120.625
processor=111 physical id=1 core id=47 apicid=222 cpu MHz=2157.750
processor=112 physical id=1 core id=48 apicid=224 cpu MHz=2194.000
processor=113 physical id=1 core id=49 apicid=226 cpu MHz=2231.125
processor=114 physical id=1 core id=50 apicid=228 cpu MHz=2268.250
processor=115 physical id=1 core id=51 apicid=230 cpu MHz=2305.375
processor=116 physical id=1 core id=52 apicid=232 cpu MHz=2342.500
processor=117 physical id=1 core id=53 apicid=234 cpu MHz=2379.625
processor=118 physical id=1 core id=54 apicid=236 cpu MHz=2416.750
processor=119 physical id=1 core id=55 apicid=238 cpu MHz=2453.000
processor=120 physical id=1 core id=56 apicid=240 cpu MHz=2490.125
processor=121 physical id=1 core id=57 apicid=242 cpu MHz=2527.250
processor=122 physical id=1 core id=58 apicid=244 cpu MHz=2064.375
processor=123 physical id=1 core id=59 apicid=246 cpu MHz=2101.500
processor=124 physical id=1 core id=60 apicid=248 cpu MHz=2138.625
processor=125 physical id=1 core id=61 apicid=250 cpu MHz=2175.750
processor=126 physical id=1 core id=62 apicid=252 cpu MHz=2212.000
processor=127 physical id=1 core id=63 apicid=254 cpu MHz=2249.125
processor=128 physical id=0 core id=0 apicid=1 cpu MHz=2286.250
processor=129 physical id=0 core id=1 apicid=3 cpu MHz=2323.375
processor=130 physical id=0 core id=2 apicid=5 cpu MHz=2360.500
processor=131 physical id=0 core id=3 apicid=7 cpu MHz=2397.625
processor=132 physical id=0 core id=4 apicid=9 cpu MHz=2434.750
processor=133 physical id=0 core id=5 apicid=11 cpu MHz=2471.000
processor=134 physical id=0 core id=6 apicid=13 cpu MHz=2508.125
processor=135 physical id=0 core id=7 apicid=15 cpu MHz=2545.250
processor=136 physical id=0 core id=8 apicid=17 cpu MHz=2082.375
processor=137 physical id=0 core id=9 apicid=19 cpu MHz=2119.500
processor=138 physical id=0 core id=10 apicid=21 cpu MHz=2156.625
processor=139 physical id=0 core id=11 apicid=23 cpu MHz=2193.750
processor=140 physical id=0 core id=12 apicid=25 cpu MHz=2230.000
processor=141 physical id=0 core id=13 apicid=27 cpu MHz=2267.125
processor=142 physical id=0 core id=14 apicid=29 cpu MHz=2304.250
processor=143 physical id=0 core id=15 apicid=31 cpu MHz=2341.375
processor=144 physical id=0 core id=16 apicid=33 cpu MHz=2378.500
processor=145 physical id=0 core id=17 apicid=35 cpu MHz=2415.625
processor=146 physical id=0 core id=18 apicid=37 cpu MHz=2452.750
processor=147 physical id=0 core id=19 apicid=39 cpu MHz=2489.000
processor=148 physical id=0 core id=20 apicid=41 cpu MHz=2526.125
processor=149 physical id=0 core id=21 apicid=43 cpu MHz=2063.250
processor=150 physical id=0 core id=22 apicid=45 cpu MHz=2100.375
processor=151 physical id=0 core id=23 apicid=47 cpu MHz=2137.500
processor=152 physical id=0 core id=24 apicid=49 cpu MHz=2174.625
processor=153 physical id=0 core id=25 apicid=51 cpu MHz=2211.750
processor=154 physical id=0 core id=26 apicid=53 cpu MHz=2248.000
processor=155 physical id=0 core id=27 apicid=55 cpu MHz=2285.125
processor=156 physical id=0 core id=28 apicid=57 cpu MHz=2322.250
processor=157 physical id=0 core id=29 apicid=59 cpu MHz=2359.375
processor=158 physical id=0 core id=30 apicid=61 cpu MHz=2396.500
processor=159 physical id=0 core id=31 apicid=63 cpu MHz=2433.625
processor=160 physical id=0 core id=32 apicid=65 cpu MHz=2470.750
processor=161 physical id=0 core id=33 apicid=67 cpu MHz=2507.000
processor=162 physical id=0 core id=34 apicid=69 cpu MHz=2544.125
processor=163 physical id=0 core id=35 apicid=71 cpu MHz=2081.250
processor=164 physical id=0 core id=36 apicid=73 cpu MHz=2118.375
processor=165 physical id=0 core id=37 apicid=75 cpu MHz=2155.500
processor=166 physical id=0 core id=38 apicid=77 cpu MHz=2192.625
processor=167 physical id=0 core id=39 apicid=79 cpu MHz=2229.750
processor=168 physical id=0 core id=40 apicid=81 cpu MHz=2266.000
processor=169 physical id=0 core id=41 apicid=83 cpu MHz=2303.125
processor=170 physical id=0 core id=42 apicid=85 cpu MHz=2340.250
processor=171 physical id=0 core id=43 apicid=87 cpu MHz=2377.375
processor=172 physical id=0 core id=44 apicid=89 cpu MHz=2414.500
processor=173 physical id=0 core id=45 apicid=91 cpu MHz=2451.625
processor=174 physical id=0 core id=46 apicid=93 cpu MHz=2488.750
processor=175 physical id=0 core id=47 apicid=95 cpu MHz=2525.000
processor=176 physical id=0 core id=48 apicid=97 cpu MHz=2062.125
processor=177 physical id=0 core id=49 apicid=99 cpu MHz=2099.250
processor=178 physical id=0 core id=50 apicid=101 cpu MHz=2136.375
processor=179 physical id=0 core id=51 apicid=103 cpu MHz=2173.500
processor=180 physical id=0 core id=52 apicid=105 cpu MHz=2210.625
processor=181 physical id=0 core id=53 apicid=107 cpu MHz=2247.750
processor=182 physical id=0 core id=54 apicid=109 cpu MHz=2284.000
processor=183 physical id=0 core id=55 apicid=111 cpu MHz=2321.125
processor=184 physical id=0 core id=56 apicid=113 cpu MHz=2358.250
processor=185 physical id=0 core id=57 apicid=115 cpu MHz=2395.375
processor=186 physical id=0 core id=58 apicid=117 cpu MHz=2432.500
processor=187 physical id=0 core id=59 apicid=119 cpu MHz=2469.625
processor=188 physical id=0 core id=60 apicid=121 cpu MHz=2506.750
processor=189 physical id=0 core id=61 apicid=123 cpu MHz=2543.000
processor=190 physical id=0 core id=62 apicid=125 cpu MHz=2080.125
processor=191 physical id=0 core id=63 apicid=127 cpu MHz=2117.250
processor=192 physical id=1 core id=0 apicid=129 cpu MHz=2154.375
processor=193 physical id=1 core id=1 apicid=131 cpu MHz=2191.500
processor=194 physical id=1 core id=2 apicid=133 cpu MHz=2228.625
processor=195 physical id=1 core id=3 apicid=135 cpu MHz=2265.750
processor=196 physical id=1 core id=4 apicid=137 cpu MHz=2302.000
processor=197 physical id=1 core id=5 apicid=139 cpu MHz=2339.125
processor=198 physical id=1 core id=6 apicid=141 cpu MHz=2376.250
processor=199 physical id=1 core id=7 apicid=143 cpu MHz=2413.375
processor=200 physical id=1 core id=8 apicid=145 cpu MHz=2450.500
processor=201 physical id=1 core id=9 apicid=147 cpu MHz=2487.625
processor=202 physical id=1 core id=10 apicid=149 cpu MHz=2524.750
processor=203 physical id=1 core id=11 apicid=151 cpu MHz=2061.000
processor=204 physical id=1 core id=12 apicid=153 cpu MHz=2098.125
processor=205 physical id=1 core id=13 apicid=155 cpu MHz=2135.250
processor=206 physical id=1 core id=14 apicid=157 cpu MHz=2172.375
processor=207 physical id=1 core id=15 apicid=159 cpu MHz=2209.500
processor=208 physical id=1 core id=16 apicid=161 cpu MHz=2246.625
processor=209 physical id=1 core id=17 apicid=163 cpu MHz=2283.750
processor=210 physical id=1 core id=18 apicid=165 cpu MHz=2320.000
processor=211 physical id=1 core id=19 apicid=167 cpu MHz=2357.125
processor=212 physical id=1 core id=20 apicid=169 cpu MHz=2394.250
processor=213 physical id=1 core id=21 apicid=171 cpu MHz=2431.375
processor=214 physical id=1 core id=22 apicid=173 cpu MHz=2468.500
processor=215 physical id=1 core id=23 apicid=175 cpu MHz=2505.625
processor=216 physical id=1 core id=24 apicid=177 cpu MHz=2542.750
processor=217 physical id=1 core id=25 apicid=179 cpu MHz=2079.000
processor=218 physical id=1 core id=26 apicid=181 cpu MHz=2116.125
processor=219 physical id=1 core id=27 apicid=183 cpu MHz=2153.250
processor=220 physical id=1 core id=28 apicid=185 cpu MHz=2190.375
processor=221 physical id=1 core id=29 apicid=187 cpu MHz=2227.500
processor=222 physical id=1 core id=30 apicid=189 cpu MHz=2264.625
processor=223 physical id=1 core id=31 apicid=191 cpu MHz=2301.750
processor=224 physical id=1 core id=32 apicid=193 cpu MHz=2338.000
processor=225 physical id=1 core id=33 apicid=195 cpu MHz=2375.125
processor=226 physical id=1 core id=34 apicid=197 cpu MHz=2412.250
processor=227 physical id=1 core id=35 apicid=199 cpu MHz=2449.375
processor=228 physical id=1 core id=36 apicid=201 cpu MHz=2486.500
processor=229 physical id=1 core id=37 apicid=203 cpu MHz=2523.625
processor=230 physical id=1 core id=38 apicid=205 cpu MHz=2060.750
processor=231 physical id=1 core id=39 apicid=207 cpu MHz=2097.000
processor=232 physical id=1 core id=40 apicid=209 cpu MHz=2134.125
processor=233 physical id=1 core id=41 apicid=211 cpu MHz=2171.250
processor=234 physical id=1 core id=42 apicid=213 cpu MHz=2208.375
processor=235 physical id=1 core id=43 apicid=215 cpu MHz=2245.500
processor=236 physical id=1 core id=44 apicid=217 cpu MHz=2282.625
processor=237 physical id=1 core id=45 apicid=219 cpu MHz=2319.750
processor=238 physical id=1 core id=46 apicid=221 cpu MHz=2356.000
processor=239 physical id=1 core id=47 apicid=223 cpu MHz=2393.125
processor=240 physical id=1 core id=48 apicid=225 cpu MHz=2430.250
processor=241 physical id=1 core id=49 apicid=227 cpu MHz=2467.375
processor=242 physical id=1 core id=50 apicid=229 cpu MHz=2504.500
processor=243 physical id=1 core id=51 apicid=231 cpu MHz=2541.625
processor=244 physical id=1 core id=52 apicid=233 cpu MHz=2078.750
processor=245 physical id=1 core id=53 apicid=235 cpu MHz=2115.000
processor=246 physical id=1 core id=54 apicid=237 cpu MHz=2152.125
processor=247 physical id=1 core id=55 apicid=239 cpu MHz=2189.250
processor=248 physical id=1 core id=56 apicid=241 cpu MHz=2226.375
processor=249 physical id=1 core id=57 apicid=243 cpu MHz=2263.500
processor=250 physical id=1 core id=58 apicid=245 cpu MHz=2300.625
processor=251 physical id=1 core id=59 apicid=247 cpu MHz=2337.750
processor=252 physical id=1 core id=60 apicid=249 cpu MHz=2374.000
processor=253 physical id=1 core id=61 apicid=251 cpu MHz=2411.125
processor=254 physical id=1 core id=62 apicid=253 cpu MHz=2448.250
processor=255 physical id=1 core id=63 apicid=255 cpu MHz=2485.375
bytes=393614 sha256=da867f40e75c3e60400515dbb737661afb267ed7ee21775a1d6ebf585487f0f6

`

exports[`test/files/proc-cpuinfo.test.ts > TAP > 256 CPUs > 256 CPUs, cpuset 128-255 (outline) 1`] = `
processor=0 physical id=0 core id=0 apicid=1 cpu MHz=2286.250
processor=1 physical id=0 core id=1 apicid=3 cpu MHz=2323.375
processor=2 physical id=0 core id=2 apicid=5 cpu MHz=2360.500
processor=3 physical id=0 core id=3 apicid=7 cpu MHz=2397.625
processor=4 physical id=0 core id=4 apicid=9 cpu MHz=2434.750
processor=5 physical id=0 core id=5 apicid=11 cpu MHz=2471.000
processor=6 physical id=0 core id=6 apicid=13 cpu MHz=2508.125
processor=7 physical id=0 core id=7 apicid=15 cpu MHz=2545.250
processor=8 physical id=0 core id=8 apicid=17 cpu MHz=2082.375
processor=9 physical id=0 core id=9 apicid=19 cpu MHz=2119.500
processor=10 physical id=0 core id=10 apicid=21 cpu MHz=2156.625
processor=11 physical id=0 core id=11 apicid=23 cpu MHz=2193.750
processor=12 physical id=0 core id=12 apicid=25 cpu MHz=2230.000
processor=13 physical id=0 core id=13 apicid=27 cpu MHz=2267.125
processor=14 physical id=0 core id=14 apicid=29 cpu MHz=2304.250
processor=15 physical id=0 core id=15 apicid=31 cpu MHz=2341.375
processor=16 physical id=0 core id=16 apicid=33 cpu MHz=2378.500
processor=17 physical id=0 core id=17 apicid=35 cpu MHz=2415.625
processor=18 physical id=0 core id=18 apicid=37 cpu MHz=2452.750
processor=19 physical id=0 core id=19 apicid=39 cpu MHz=2489.000
processor=20 physical id=0 core id=20 apicid=41 cpu MHz=2526.125
processor=21 physical id=0 core id=21 apicid=43 cpu MHz=2063.250
processor=22 physical id=0 core id=22 apicid=45 cpu MHz=2100.375
processor=23 physical id=0 core id=23 apicid=47 cpu MHz=2137.500
processor=24 physical id=0 core id=24 apicid=49 cpu MHz=2174.625
processor=25 physical id=0 core id=25 apicid=51 cpu MHz=2211.750
processor=26 physical id=0 core id=26 apicid=53 cpu MHz=2248.000
processor=27 physical id=0 core id=27 apicid=55 cpu MHz=2285.125
processor=28 physical id=0 core id=28 apicid=57 cpu MHz=2322.250
processor=29 physical id=0 core id=29 apicid=59 cpu MHz=2359.375
processor=30 physical id=0 core id=30 apicid=61 cpu MHz=2396.500
processor=31 physical id=0 core id=31 apicid=63 cpu MHz=2433.625
processor=32 physical id=0 core id=32 apicid=65 cpu MHz=2470.750
processor=33 physical id=0 core id=33 apicid=67 cpu MHz=2507.000
processor=34 physical id=0 core id=34 apicid=69 cpu MHz=2544.125
processor=35 physical id=0 core id=35 apicid=71 cpu MHz=2081.250
processor=36 physical id=0 core id=36 apicid=73 cpu MHz=2118.375
processor=37 physical id=0 core id=37 apicid=75 cpu MHz=2155.500
processor=38 physical id=0 core id=38 apicid=77 cpu MHz=2192.625
processor=39 physical id=0 core id=39 apicid=79 cpu MHz=2229.750
processor=40 physical id=0 core id=40 apicid=81 cpu MHz=2266.000
processor=41 physical id=0 core id=41 apicid=83 cpu MHz=2303.125
processor=42 physical id=0 core id=42 apicid=85 cpu MHz=2340.250
processor=43 physical id=0 core id=43 apicid=87 cpu MHz=2377.375
processor=44 physical id=0 core id=44 apicid=89 cpu MHz=2414.500
processor=45 physical id=0 core id=45 apicid=91 cpu MHz=2451.625
processor=46 physical id=0 core id=46 apicid=93 cpu MHz=2488.750
processor=47 physical id=0 core id=47 apicid=95 cpu MHz=2525.000
processor=48 physical id=0 core id=48 apicid=97 cpu MHz=2062.125
processor=49 physical id=0 core id=49 apicid=99 cpu MHz=2099.250
processor=50 physical id=0 core id=50 apicid=101 cpu MHz=2136.375
processor=51 physical id=0 core id=51 apicid=103 cpu MHz=2173.500
processor=52 physical id=0 core id=52 apicid=105 cpu MHz=2210.625
processor=53 physical id=0 core id=53 apicid=107 cpu MHz=2247.750
processor=54 physical id=0 core id=54 apicid=109 cpu MHz=2284.000
processor=55 physical id=0 core id=55 apicid=111 cpu MHz=2321.125
processor=56 physical id=0 core id=56 apicid=113 cpu MHz=2358.250
processor=57 physical id=0 core id=57 apicid=115 cpu MHz=2395.375
processor=58 physical id=0 core id=58 apicid=117 cpu MHz=2432.500
processor=59 physical id=0 core id=59 apicid=119 cpu MHz=2469.625
processor=60 physical id=0 core id=60 apicid=121 cpu MHz=2506.750
processor=61 physical id=0 core id=61 apicid=123 cpu MHz=2543.000
processor=62 physical id=0 core id=62 apicid=125 cpu MHz=2080.125
processor=63 physical id=0 core id=63 apicid=127 cpu MHz=2117.250
processor=64 physical id=1 core id=0 apicid=129 cpu MHz=2154.375
processor=65 physical id=1 core id=1 apicid=131 cpu MHz=2191.500
processor=66 physical id=1 core id=2 apicid=133 cpu MHz=2228.625
processor=67 physical id=1 core id=3 apicid=135 cpu MHz=2265.750
processor=68 physical id=1 core id=4 apicid=137 cpu MHz=2302.000
processor=69 physical id=1 core id=5 apicid=139 cpu MHz=2339.125
processor=70 physical id=1 core id=6 apicid=141 cpu MHz=2376.250
processor=71 physical id=1 core id=7 apicid=143 cpu MHz=2413.375
processor=72 physical id=1 core id=8 apicid=145 cpu MHz=2450.500
processor=73 physical id=1 core id=9 apicid=147 cpu MHz=2487.625
processor=74 physical id=1 core id=10 apicid=149 cpu MHz=2524.750
processor=75 physical id=1 core id=11 apicid=151 cpu MHz=2061.000
processor=76 physical id=1 core id=12 apicid=153 cpu MHz=2098.125
processor=77 physical id=1 core id=13 apicid=155 cpu MHz=2135.250
processor=78 physical id=1 core id=14 apicid=157 cpu MHz=2172.375
processor=79 physical id=1 core id=15 apicid=159 cpu MHz=2209.500
processor=80 physical id=1 core id=16 apicid=161 cpu MHz=2246.625
processor=81 physical id=1 core id=17 apicid=163 cpu MHz=2283.750
processor=82 physical id=1 core id=18 apicid=165 cpu MHz=2320.000
processor=83 physical id=1 core id=19 apicid=167 cpu MHz=2357.125
processor=84 physical id=1 core id=20 apicid=169 cpu MHz=2394.250
processor=85 physical id=1 core id=21 apicid=171 cpu MHz=2431.375
processor=86 physical id=1 core id=22 apicid=173 cpu MHz=2468.500
processor=87 physical id=1 core id=23 apicid=175 cpu MHz=2505.625
processor=88 physical id=1 core id=24 apicid=177 cpu MHz=2542.750
processor=89 physical id=1 core id=25 apicid=179 cpu MHz=2079.000
processor=90 physical id=1 core id=26 apicid=181 cpu MHz=2116.125
processor=91 physical id=1 core id=27 apicid=183 cpu MHz=2153.250
processor=92 physical id=1 core id=28 apicid=185 cpu MHz=2190.375
processor=93 physical id=1 core id=29 apicid=187 cpu MHz=2227.500
processor=94 physical id=1 core id=30 apicid=189 cpu MHz=2264.625
processor=95 physical id=1 core id=31 apicid=191 cpu MHz=2301.750
processor=96 physical id=1 core id=32 apicid=193 cpu MHz=2338.000
processor=97 physical id=1 core id=33 apicid=195 cpu MHz=2375.125
processor=98 physical id=1 core id=34 apicid=197 cpu MHz=2412.250
processor=99 physical id=1 core id=35 apicid=199 cpu MHz=2449.375
processor=100 physical id=1 core id=36 apicid=201 cpu MHz=2486.500
processor=101 physical id=1 core id=37 apicid=203 cpu MHz=2523.625
processor=102 physical id=1 core id=38 apicid=205 cpu MHz=2060.750
processor=103 physical id=1 core id=39 apicid=207 cpu MHz=2097.000
processor=104 physical id=1 core id=40 apicid=209 cpu MHz=2134.125
processor=105 physical id=1 core id=41 apicid=211 cpu MHz=2171.250
processor=106 physical id=1 core id=42 apicid=213 cpu MHz=2208.375
processor=107 physical id=1 core id=43 apicid=215 cpu MHz=2245.500
processor=108 physical id=1 core id=44 apicid=217 cpu MHz=2282.625
processor=109 physical id=1 core id=45 apicid=219 cpu MHz=2319.750
processor=110 physical id=1 core id=46 apicid=221 cpu MHz=2356.000
processor=111 physical id=1 core id=47 apicid=223 cpu MHz=2393.125
processor=112 physical id=1 core id=48 apicid=225 cpu MHz=2430.250
processor=113 physical id=1 core id=49 apicid=227 cpu MHz=2467.375
processor=114 physical id=1 core id=50 apicid=229 cpu MHz=2504.500
processor=115 physical id=1 core id=51 apicid=231 cpu MHz=2541.625
processor=116 physical id=1 core id=52 apicid=233 cpu MHz=2078.750
processor=117 physical id=1 core id=53 apicid=235 cpu MHz=2115.000
processor=118 physical id=1 core id=54 apicid=237 cpu MHz=2152.125
processor=119 physical id=1 core id=55 apicid=239 cpu MHz=2189.250
processor=120 physical id=1 core id=56 apicid=241 cpu MHz=2226.375
processor=121 physical id=1 core id=57 apicid=243 cpu MHz=2263.500
processor=122 physical id=1 core id=58 apicid=245 cpu MHz=2300.625
processor=123 physical id=1 core id=59 apicid=247 cpu MHz=2337.750
processor=124 physical id=1 core id=60 apicid=249 cpu MHz=2374.000
processor=125 physical id=1 core id=61 apicid=251 cpu MHz=2411.125
processor=126 physical id=1 core id=62 apicid=253 cpu MHz=2448.250
processor=127 physical id=1 core id=63 apicid=255 cpu MHz=2485.375
bytes=196752 sha256=19cb620d47c1da7f1c91e6c60438d5b962b705e62d349d6a147c628d78a61108

`

exports[`test/files/proc-cpuinfo.test.ts > TAP > 256 CPUs > 256 CPUs, cpuset 128-255, first block 1`] = `
processor	: 0
vendor_id	: AuthenticAMD
cpu family	: 25
model		: 1
model name	: AMD EPYC 7763 64-Core Processor
stepping	: 1
microcode	: 0xa0011d1
cpu MHz		: 2286.250
cache size	: 512 KB
physical id	: 0
siblings	: 128
core id		: 0
cpu cores	: 64
apicid		: 1
initial apicid	: 1
fpu		: yes
fpu_exception	: yes
cpuid level	: 16
wp		: yes
flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid extd_apicid aperfmperf rapl pni pclmulqdq monitor ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw ibs skinit wdt tce topoext perfctr_core perfctr_nb bpext perfctr_llc mwaitx cpb cat_l3 cdp_l3 invpcid_single hw_pstate ssbd mba ibrs ibpb stibp vmmcall fsgsbase bmi1 avx2 smep bmi2 erms invpcid cqm rdt_a rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 xsaves cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local clzero irperf xsaveerptr rdpru wbnoinvd amd_ppin brs arat npt lbrv svm_lock nrip_save tsc_scale vmcb_clean flushbyasid decodeassists pausefilter pfthreshold v_vmsave_vmload vgif v_spec_ctrl umip pku ospke vaes vpclmulqdq rdpid overflow_recov succor smca sev sev_es
bugs		: sysret_ss_attrs spectre_v1 spectre_v2 spec_store_bypass srso
bogomips	: 4890.80
clflush size	: 64
cache_alignment	: 64
address sizes	: 48 bits physical, 48 bits virtual
power management:


`

exports[`test/files/proc-cpuinfo.test.ts > TAP > arm32: the machine-wide trailer is always printed (deviation: lxcfs only when the last CPU is visible) > arm32, cpuset 0-1 (last CPU hidden) 1`] = `
processor	: 0
model name	: ARMv7 Processor rev 4 (v7l)
BogoMIPS	: 38.40
Features	: half thumb fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt vfpd32 lpae evtstrm crc32 
CPU implementer	: 0x41
CPU architecture: 7
CPU variant	: 0x0
CPU part	: 0xd03
CPU revision	: 4

processor	: 1
model name	: ARMv7 Processor rev 4 (v7l)
BogoMIPS	: 38.40
Features	: half thumb fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt vfpd32 lpae evtstrm crc32 
CPU implementer	: 0x41
CPU architecture: 7
CPU variant	: 0x0
CPU part	: 0xd03
CPU revision	: 4

Hardware	: BCM2835
Revision	: a02082
Serial		: 00000000a1b2c3d4
Model		: Raspberry Pi 3 Model B Rev 1.2

`

exports[`test/files/proc-cpuinfo.test.ts > TAP > arm32: the machine-wide trailer is always printed (deviation: lxcfs only when the last CPU is visible) > arm32, cpuset 3 (last CPU visible: as lxcfs) 1`] = `
processor	: 0
model name	: ARMv7 Processor rev 4 (v7l)
BogoMIPS	: 38.40
Features	: half thumb fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt vfpd32 lpae evtstrm crc32 
CPU implementer	: 0x41
CPU architecture: 7
CPU variant	: 0x0
CPU part	: 0xd03
CPU revision	: 4

Hardware	: BCM2835
Revision	: a02082
Serial		: 00000000a1b2c3d4
Model		: Raspberry Pi 3 Model B Rev 1.2

`

exports[`test/files/proc-cpuinfo.test.ts > TAP > arm64: blocks renumbered > arm64, cpuset 1,3 1`] = `
processor	: 0
BogoMIPS	: 50.00
Features	: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs
CPU implementer	: 0x41
CPU architecture: 8
CPU variant	: 0x3
CPU part	: 0xd0c
CPU revision	: 1

processor	: 1
BogoMIPS	: 50.00
Features	: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs
CPU implementer	: 0x41
CPU architecture: 8
CPU variant	: 0x3
CPU part	: 0xd0c
CPU revision	: 1


`

exports[`test/files/proc-cpuinfo.test.ts > TAP > ppc64le: sparse host online, trailer kept > ppc64le SMT2, cpuset 4-7 (6-7 offline) 1`] = `
processor	: 0
cpu		: POWER9 (architected), altivec supported
clock		: 2750.000000MHz
revision	: 2.2 (pvr 004e 0202)

processor	: 1
cpu		: POWER9 (architected), altivec supported
clock		: 2750.000000MHz
revision	: 2.2 (pvr 004e 0202)

timebase	: 512000000
platform	: pSeries
model		: IBM,9009-42A
machine		: CHRP IBM,9009-42A
MMU		: Radix

`

exports[`test/files/proc-cpuinfo.test.ts > TAP > s390x: own vendor and count, host summary, visible CPUs renumbered > s390x, cpuset 1,3 1`] = `
vendor_id       : IBM/S390
# processors    : 2
bogomips per cpu: 3241.00
max thread id   : 0
features	: esan3 zarch stfle msa ldisp eimm dfp edat etf3eh highgprs te vx vxd vxe gs vxe2 vxp sort dflt sie 
facilities      : 0 1 2 3 4 6 7 8 9 10 12 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 30 31 32 33 34 35 36 37 38 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 57 58 59 60 61 73 74 75 76 77 80 81 82 128 129 130 131 133 134 135 138 139 146 147 148 150 151 152 155 156 168
cache0          : level=1 type=Data scope=Private size=128K line_size=256 associativity=8
cache1          : level=1 type=Instruction scope=Private size=128K line_size=256 associativity=8
cache2          : level=2 type=Data scope=Private size=4096K line_size=256 associativity=8
cache3          : level=2 type=Instruction scope=Private size=4096K line_size=256 associativity=8
cache4          : level=3 type=Unified scope=Shared size=262144K line_size=256 associativity=32
cache5          : level=4 type=Unified scope=Shared size=983040K line_size=256 associativity=60
processor 0: version = 00,  identification = 0F7E58,  machine = 8561
processor 1: version = 00,  identification = 0F7E58,  machine = 8561

cpu number      : 0
physical id     : 1
core id         : 1
book id         : 1
drawer id       : 1
dedicated       : 0
address         : 1
siblings        : 4
cpu cores       : 4
version         : 00
identification  : 0F7E58
machine         : 8561
cpu MHz dynamic : 5200
cpu MHz static  : 5200

cpu number      : 1
physical id     : 1
core id         : 3
book id         : 1
drawer id       : 1
dedicated       : 0
address         : 3
siblings        : 4
cpu cores       : 4
version         : 00
identification  : 0F7E58
machine         : 8561
cpu MHz dynamic : 5200
cpu MHz static  : 5200


`

exports[`test/files/proc-cpuinfo.test.ts > TAP > sparse cpuset 0,2-3 on 8 CPUs → 3 blocks numbered 0-2 with apicids 0,2,3 > x86 8 CPUs, cpuset 0,2-3 1`] = `
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

exports[`test/files/proc-cpuinfo.test.ts > TAP > this machine, cpuset 1 → one block, renumbered, host topology kept > x86 2 CPUs, cpuset 1 1`] = `
processor	: 0
vendor_id	: AuthenticAMD
cpu family	: 25
model		: 17
model name	: AMD EPYC
stepping	: 1
microcode	: 0x1000065
cpu MHz		: 2596.144
cache size	: 1024 KB
physical id	: 0
siblings	: 2
core id		: 1
cpu cores	: 2
apicid		: 1
initial apicid	: 1
fpu		: yes
fpu_exception	: yes
cpuid level	: 28
wp		: yes
flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid extd_apicid tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw topoext vmmcall fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves avx512_bf16 clzero xsaveerptr arat avx512vbmi umip avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg avx512_vpopcntdq rdpid fsrm
bugs		: sysret_ss_attrs null_seg spectre_v1 spectre_v2 spec_store_bypass srso spectre_v2_user
bogomips	: 5192.28
TLB size	: 3584 4K pages
clflush size	: 64
cache_alignment	: 64
address sizes	: 48 bits physical, 48 bits virtual
power management:


`
