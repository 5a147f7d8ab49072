// The open files of one mount: fh → inode and the snapshot rendered by its last read at
// offset 0 (lxcfs's per-open model). The table lives in C++ so that every thread serving
// the mount (the device readers of the main thread and of workers) shares it, and so that
// the operations whose answer follows from it alone — OPEN of a known file, a READ past
// offset 0, RELEASE, FLUSH — can be answered where the request is read (fast-path.cc).
// Tables are registered process-wide by a small integer id: a worker thread names the
// table of the mount it serves by id, since JS objects cannot cross isolates.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace lxcfs {

using Snapshot = std::shared_ptr<const std::vector<uint8_t>>;

// Requests answered in C++, by kind, for metrics and tests.
struct FastCounts {
  std::atomic<uint64_t> open{0}, read{0}, release{0}, flush{0};
};

class OpenTable {
 public:
  OpenTable(std::unordered_set<uint64_t> files, uint32_t open_flags, uint64_t first_fh)
      : files_(std::move(files)), open_flags_(open_flags), next_(first_fh) {}

  bool IsFile(uint64_t node) const { return files_.count(node) != 0; }
  uint32_t open_flags() const { return open_flags_; }

  uint64_t Open(uint64_t node);
  // Enters an fh another process opened (a predecessor on the same connection) unless it is
  // already open; false when `node` is not a file of this table.
  bool Adopt(uint64_t fh, uint64_t node);
  // false: fh is not open.
  bool SetSnapshot(uint64_t fh, Snapshot snapshot);
  // false: fh is not open; else `out` is its snapshot (null before the first offset-0 read).
  bool Get(uint64_t fh, Snapshot& out);
  // false: fh is not open; else `node` is the inode it was opened on.
  bool NodeOf(uint64_t fh, uint64_t& node);
  void Release(uint64_t fh);
  size_t Size();

  FastCounts counts;

 private:
  struct Entry {
    uint64_t node = 0;
    Snapshot snapshot;
  };
  // Copies fh's entry (the snapshot by reference count) under the lock.
  bool Find(uint64_t fh, Entry& out);
  const std::unordered_set<uint64_t> files_;
  const uint32_t open_flags_;
  std::mutex mu_;
  std::unordered_map<uint64_t, Entry> open_;
  uint64_t next_;
};

// Registry by id. Find returns null for an unknown or destroyed id; a holder keeps the table
// alive after Destroy until it lets go.
uint32_t CreateTable(std::unordered_set<uint64_t> files, uint32_t open_flags, uint64_t first_fh);
std::shared_ptr<OpenTable> FindTable(uint32_t id);
void DestroyTable(uint32_t id);

}  // namespace lxcfs
