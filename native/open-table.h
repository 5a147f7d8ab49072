// The open files of one mount: fh → inode and the snapshot rendered by its last read at
// offset 0 (lxcfs's per-open model). The table lives in C++ so that every thread serving
// the mount (the device readers of the main thread and of workers) shares it, and so that
// the operations whose answer follows from it alone — OPEN of a known file, a READ past
// offset 0, RELEASE, FLUSH — can be answered where the request is read (fast-path.cc).
// Tables are registered process-wide by a small integer id: a worker thread names the
// table of the mount it serves by id, since JS objects cannot cross isolates.
// Snapshots are bounded in total bytes: a reader can hold thousands of handles, each with a
// snapshot of up to a few hundred KiB (cpuinfo of a big machine). Past the budget, other
// handles' snapshots are dropped (down to half the budget, so the scan is amortised); a
// dropped snapshot is re-rendered by TypeScript at the next read, as for an adopted handle.
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

// A handle's snapshot as Get() sees it.
enum class SnapshotState { kFresh, kKept, kDropped };

constexpr uint64_t kDefaultSnapshotBudget = 32ULL << 20;

class OpenTable {
 public:
  OpenTable(std::unordered_set<uint64_t> files, uint32_t open_flags, uint64_t first_fh, uint64_t snapshot_budget)
      : files_(std::move(files)), open_flags_(open_flags), next_(first_fh), budget_(snapshot_budget) {}

  bool IsFile(uint64_t node) const { return files_.count(node) != 0; }
  uint32_t open_flags() const { return open_flags_; }

  uint64_t Open(uint64_t node);
  // Enters an fh another process opened (a predecessor on the same connection) unless it is
  // already open; false when `node` is not a file of this table.
  bool Adopt(uint64_t fh, uint64_t node);
  // false: fh is not open. May drop other handles' snapshots to stay within the budget.
  bool SetSnapshot(uint64_t fh, Snapshot snapshot);
  // false: fh is not open; else `out` is its snapshot (null unless kKept).
  bool Get(uint64_t fh, Snapshot& out, SnapshotState& state);
  // false: fh is not open; else `node` is the inode it was opened on.
  bool NodeOf(uint64_t fh, uint64_t& node);
  void Release(uint64_t fh);
  size_t Size();
  // Bytes held in snapshots now, and snapshots dropped for the budget so far.
  void SnapshotUse(uint64_t& bytes, uint64_t& dropped);

  FastCounts counts;

 private:
  struct Entry {
    uint64_t node = 0;
    Snapshot snapshot;
    bool dropped = false;
  };
  // Copies fh's entry (the snapshot by reference count) under the lock.
  bool Find(uint64_t fh, Entry& out);
  // With mu_ held: drops snapshots other than `keep`'s until bytes_ is at most half the
  // budget; the dropped ones are moved to `freed`, to be freed after the lock is released.
  void DropSnapshotsLocked(uint64_t keep, std::vector<Snapshot>& freed);
  const std::unordered_set<uint64_t> files_;
  const uint32_t open_flags_;
  std::mutex mu_;
  std::unordered_map<uint64_t, Entry> open_;
  uint64_t next_;
  const uint64_t budget_;
  uint64_t bytes_ = 0;
  uint64_t dropped_ = 0;
};

// Registry by id. Find returns null for an unknown or destroyed id; a holder keeps the table
// alive after Destroy until it lets go.
uint32_t CreateTable(std::unordered_set<uint64_t> files, uint32_t open_flags, uint64_t first_fh, uint64_t snapshot_budget);
std::shared_ptr<OpenTable> FindTable(uint32_t id);
void DestroyTable(uint32_t id);

}  // namespace lxcfs
