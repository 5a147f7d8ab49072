// lxcfs_node_loadgen: the benchmark's load generator. K reader processes read one file as
// hard as they can for a fixed time, the way real readers do: `cat` (open, read to EOF,
// close) or `top` (pread from offset 0 on a kept fd). Written in C so that the generator
// costs a few microseconds per read and never limits what it measures; every latency is
// recorded (1 µs buckets up to 20 ms, then 1 ms buckets up to 20 s) in shared memory.
//
//   lxcfs_node_loadgen --mode cat|pread --procs K --ms DURATION [--warmup-ms W] FILE...
//
// With several files each reader goes round them in turn (reader i starts at file i).
// Prints one JSON object: ops, errors, empty reads, ops/s, latency percentiles in µs and
// the latency histogram itself ("hist": [[upper bound µs, count], ...], non-empty buckets
// only) so that runs can be merged exactly.
// Exit status 0 unless the arguments or the set-up were wrong; failed reads are counted,
// not fatal (a benchmark must report them, not hide them behind an abort).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FINE_BUCKETS 20000     // 1 µs each: 0 .. 20 ms
#define COARSE_BUCKETS 20000   // 1 ms each: 20 ms .. 20 s
#define MAX_PROCS 1024
#define READ_SIZE (128 * 1024) // what cat asks for
#define MAX_FILES 64

struct stats {
  uint64_t ops, errors, empty, bytes, max_ns, sum_ns;
  int first_errno;
  uint32_t fine[FINE_BUCKETS];
  uint32_t coarse[COARSE_BUCKETS + 1];  // the last one: beyond 20 s
};

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void record(struct stats* s, uint64_t ns) {
  uint64_t us = ns / 1000;
  if (us < FINE_BUCKETS) {
    s->fine[us]++;
  } else {
    uint64_t ms = (us - FINE_BUCKETS) / 1000;
    s->coarse[ms < COARSE_BUCKETS ? ms : COARSE_BUCKETS]++;
  }
  if (ns > s->max_ns) s->max_ns = ns;
  s->sum_ns += ns;
  s->ops++;
}

static void failed(struct stats* s, int err) {
  if (s->errors++ == 0) s->first_errno = err;
}

// One `cat`: returns bytes read, or -errno.
static ssize_t cat_once(const char* path, char* buf) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  ssize_t total = 0;
  for (;;) {
    ssize_t n = read(fd, buf, READ_SIZE);
    if (n < 0) {
      int err = errno;
      if (err == EINTR) continue;
      close(fd);
      return -err;
    }
    if (n == 0) break;
    total += n;
  }
  if (close(fd) < 0) return -errno;
  return total;
}

static void reader(const char* const* paths, int nfiles, int first, int pread_mode, uint64_t start,
                   uint64_t measure_from, uint64_t end, struct stats* s) {
  static char buf[READ_SIZE];
  int fds[MAX_FILES];
  for (int i = 0; i < nfiles; i++) {
    fds[i] = -1;
    if (pread_mode && (fds[i] = open(paths[i], O_RDONLY | O_CLOEXEC)) < 0) {
      failed(s, errno);
      return;
    }
  }
  int next = first % nfiles;
  while (now_ns() < start) {
    struct timespec pause = {0, 100000};
    nanosleep(&pause, NULL);
  }
  for (;;) {
    uint64_t t0 = now_ns();
    if (t0 >= end) break;
    int which = next;
    next = (next + 1) % nfiles;
    ssize_t n = pread_mode ? pread(fds[which], buf, READ_SIZE, 0) : cat_once(paths[which], buf);
    if (n < 0 && pread_mode) n = -errno;
    uint64_t t1 = now_ns();
    if (t0 < measure_from) continue;  // warm-up: not recorded
    if (n < 0) {
      failed(s, (int)-n);
    } else {
      if (n == 0) s->empty++;
      s->bytes += (uint64_t)n;
      record(s, t1 - t0);
    }
  }
  for (int i = 0; i < nfiles; i++) if (fds[i] >= 0) close(fds[i]);
}

// The smallest latency (µs) below which `fraction` of all recorded reads fall.
static double percentile(const struct stats* total, double fraction) {
  if (total->ops == 0) return 0;
  uint64_t want = (uint64_t)(fraction * (double)total->ops);
  if (want == 0) want = 1;
  uint64_t seen = 0;
  for (int i = 0; i < FINE_BUCKETS; i++) {
    seen += total->fine[i];
    if (seen >= want) return i + 1;
  }
  for (int i = 0; i <= COARSE_BUCKETS; i++) {
    seen += total->coarse[i];
    if (seen >= want) return FINE_BUCKETS + (i + 1) * 1000.0;
  }
  return (double)total->max_ns / 1000;
}

static void usage(void) {
  fprintf(stderr, "usage: lxcfs_node_loadgen --mode cat|pread --procs K --ms DURATION [--warmup-ms W] FILE...\n");
  exit(2);
}

static long positive(const char* text, const char* what, long max) {
  char* end = NULL;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < 0 || v > max) {
    fprintf(stderr, "lxcfs_node_loadgen: bad %s: %s\n", what, text);
    exit(2);
  }
  return v;
}

int main(int argc, char** argv) {
  int pread_mode = -1;
  long procs = 1, ms = 1000, warmup = 200;
  const char* paths[MAX_FILES];
  int nfiles = 0;
  for (int i = 1; i < argc; i++) {
    const char* a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--mode") == 0 && v) {
      if (strcmp(v, "cat") == 0) pread_mode = 0;
      else if (strcmp(v, "pread") == 0) pread_mode = 1;
      else usage();
      i++;
    } else if (strcmp(a, "--procs") == 0 && v) {
      procs = positive(v, "--procs", MAX_PROCS), i++;
    } else if (strcmp(a, "--ms") == 0 && v) {
      ms = positive(v, "--ms", 3600000), i++;
    } else if (strcmp(a, "--warmup-ms") == 0 && v) {
      warmup = positive(v, "--warmup-ms", 600000), i++;
    } else if (a[0] != '-' && nfiles < MAX_FILES) {
      paths[nfiles++] = a;
    } else {
      usage();
    }
  }
  if (pread_mode < 0 || nfiles == 0 || procs < 1 || ms < 1) usage();

  size_t size = sizeof(struct stats) * (size_t)procs;
  struct stats* all = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (all == MAP_FAILED) {
    perror("lxcfs_node_loadgen: mmap");
    return 1;
  }
  // Forking takes a while for K=32: everyone starts together, 50 ms from now.
  uint64_t start = now_ns() + 50000000u;
  uint64_t measure_from = start + (uint64_t)warmup * 1000000u;
  uint64_t end = measure_from + (uint64_t)ms * 1000000u;
  pid_t pids[MAX_PROCS];
  for (long i = 0; i < procs; i++) {
    pid_t pid = fork();
    if (pid < 0) {
      perror("lxcfs_node_loadgen: fork");
      for (long j = 0; j < i; j++) kill(pids[j], SIGKILL);
      return 1;
    }
    if (pid == 0) {
      reader(paths, nfiles, (int)(i % nfiles), pread_mode, start, measure_from, end, &all[i]);
      _exit(0);
    }
    pids[i] = pid;
  }
  int crashed = 0;
  for (long i = 0; i < procs; i++) {
    int status = 0;
    while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR) {}
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) crashed++;
  }

  static struct stats total;
  int first_errno = 0;
  for (long i = 0; i < procs; i++) {
    const struct stats* s = &all[i];
    total.ops += s->ops, total.errors += s->errors, total.empty += s->empty, total.bytes += s->bytes;
    total.sum_ns += s->sum_ns;
    if (s->max_ns > total.max_ns) total.max_ns = s->max_ns;
    if (first_errno == 0) first_errno = s->first_errno;
    for (int b = 0; b < FINE_BUCKETS; b++) total.fine[b] += s->fine[b];
    for (int b = 0; b <= COARSE_BUCKETS; b++) total.coarse[b] += s->coarse[b];
  }
  double seconds = (double)ms / 1000;
  printf("{\"mode\":\"%s\",\"procs\":%ld,\"seconds\":%.3f,\"ops\":%llu,\"errors\":%llu,\"firstErrno\":%d,"
         "\"empty\":%llu,\"crashed\":%d,\"bytes\":%llu,\"opsPerSec\":%.1f,\"meanUs\":%.1f,\"p50Us\":%.0f,"
         "\"p90Us\":%.0f,\"p99Us\":%.0f,\"maxUs\":%.1f,\"hist\":[",
         pread_mode ? "pread" : "cat", procs, seconds, (unsigned long long)total.ops,
         (unsigned long long)total.errors, first_errno, (unsigned long long)total.empty, crashed,
         (unsigned long long)total.bytes, (double)total.ops / seconds,
         total.ops ? (double)total.sum_ns / (double)total.ops / 1000 : 0, percentile(&total, 0.50),
         percentile(&total, 0.90), percentile(&total, 0.99), (double)total.max_ns / 1000);
  const char* sep = "";
  for (int b = 0; b < FINE_BUCKETS; b++) {
    if (total.fine[b]) printf("%s[%d,%u]", sep, b + 1, total.fine[b]), sep = ",";
  }
  for (int b = 0; b <= COARSE_BUCKETS; b++) {
    if (total.coarse[b]) printf("%s[%d,%u]", sep, FINE_BUCKETS + (b + 1) * 1000, total.coarse[b]), sep = ",";
  }
  printf("]}\n");
  munmap(all, size);
  return 0;
}
