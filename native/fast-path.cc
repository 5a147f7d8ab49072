// The requests answered where they are read, without entering JavaScript: those whose one
// correct answer follows from the open-file table alone. A `cat` sends OPEN, READ at 0,
// READ at the end and RELEASE; only the READ at 0 needs a render, so three of its four
// requests are answered here. Everything unusual — an inode that is not a served file,
// flags other than read-only, an unknown fh, an offset beyond the snapshot, a short or
// unexpected request — is left to TypeScript, which decides and answers errors; this file
// only repeats answers TypeScript has declared (the file inodes and OPEN's flags it passed
// to the table). Layouts: <linux/fuse.h>, little-endian like every FUSE host we build for.
#include "fast-path.h"

#include <fcntl.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>

namespace lxcfs {
namespace {

constexpr uint32_t kOpen = 14, kRead = 15, kRelease = 18, kFlush = 25;
constexpr size_t kInHeader = 40;  // fuse_in_header
constexpr size_t kOutHeader = 16;  // fuse_out_header

template <typename T>
T Load(const uint8_t* p, size_t offset) {
  T value;
  std::memcpy(&value, p + offset, sizeof value);
  return value;
}

template <typename T>
void Store(uint8_t* p, size_t offset, T value) {
  std::memcpy(p + offset, &value, sizeof value);
}

// One reply in one writev. ENOENT (the request was interrupted) and ENODEV (the connection
// is gone; the next read reports it) need nothing more; the reply counts as given either way.
void Send(int fd, const uint8_t* unique, const void* body, size_t body_len) {
  uint8_t header[kOutHeader];
  Store<uint32_t>(header, 0, static_cast<uint32_t>(kOutHeader + body_len));
  Store<int32_t>(header, 4, 0);
  std::memcpy(header + 8, unique, 8);
  struct iovec iov[2] = {{header, kOutHeader}, {const_cast<void*>(body), body_len}};
  ssize_t rc;
  do rc = writev(fd, iov, body_len > 0 ? 2 : 1);
  while (rc < 0 && errno == EINTR);
}

bool AnswerOpen(OpenTable& table, int fd, const uint8_t* req, size_t n) {
  if (n < kInHeader + 8) return false;
  uint64_t node = Load<uint64_t>(req, 16);
  uint32_t flags = Load<uint32_t>(req, kInHeader);
  if (!table.IsFile(node) || (flags & (O_ACCMODE | O_TRUNC)) != O_RDONLY) return false;
  uint8_t out[16] = {};  // fuse_open_out: fh, open_flags, backing_id
  Store<uint64_t>(out, 0, table.Open(node));
  Store<uint32_t>(out, 8, table.open_flags());
  Send(fd, req + 8, out, sizeof out);
  table.counts.open++;
  return true;
}

bool AnswerRead(OpenTable& table, int fd, const uint8_t* req, size_t n) {
  if (n < kInHeader + 24) return false;
  uint64_t fh = Load<uint64_t>(req, kInHeader);
  uint64_t offset = Load<uint64_t>(req, kInHeader + 8);
  uint32_t size = Load<uint32_t>(req, kInHeader + 16);
  if (offset == 0) return false;  // a fresh render: TypeScript's
  Snapshot snapshot;
  SnapshotState state;
  if (!table.Get(fh, snapshot, state) || state == SnapshotState::kDropped) return false;  // TypeScript re-renders
  if (state == SnapshotState::kFresh) {
    Send(fd, req + 8, nullptr, 0);  // lxcfs: a later offset on a fresh handle reads as EOF
  } else {
    if (offset > snapshot->size()) return false;
    size_t len = std::min<uint64_t>(size, snapshot->size() - offset);
    Send(fd, req + 8, snapshot->data() + offset, len);
  }
  table.counts.read++;
  return true;
}

bool AnswerRelease(OpenTable& table, int fd, const uint8_t* req, size_t n) {
  if (n < kInHeader + 8) return false;
  table.Release(Load<uint64_t>(req, kInHeader));
  Send(fd, req + 8, nullptr, 0);
  table.counts.release++;
  return true;
}

}  // namespace

bool AnswerNatively(OpenTable& table, int fd, const uint8_t* req, size_t n) {
  if (n < kInHeader || Load<uint32_t>(req, 0) != n) return false;
  switch (Load<uint32_t>(req, 4)) {
    case kOpen:
      return AnswerOpen(table, fd, req, n);
    case kRead:
      return AnswerRead(table, fd, req, n);
    case kRelease:
      return AnswerRelease(table, fd, req, n);
    case kFlush:
      Send(fd, req + 8, nullptr, 0);
      table.counts.flush++;
      return true;
    default:
      return false;
  }
}

}  // namespace lxcfs
