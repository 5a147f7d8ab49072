// The journal of requests in flight: per /dev/fuse fd, a ring of fixed-size slots in shared
// memory (a memfd the keeper creates and every serving child inherits) where the fd's reader
// records each request it reads and clears it once answered. Kernels before 6.9 cannot resend
// what a killed child had read (FUSE_NOTIFY_RESEND); the next child replays the journal
// instead. A slot cleared late only costs a wasted answer: the kernel refuses a reply whose
// request it no longer holds (ENOENT), and request ids are never reused on a connection.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lxcfs {

constexpr uint32_t kJournalSlots = 512;
constexpr uint32_t kJournalSlotBytes = 512;  // 16-byte slot header + the first 496 bytes of a request
constexpr size_t kJournalHeaderBytes = 4096;
constexpr size_t kJournalRegionBytes = kJournalHeaderBytes + size_t{kJournalSlots} * kJournalSlotBytes;

class JournalWriter {
 public:
  JournalWriter() = default;
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;
  ~JournalWriter();

  // Maps region `region` of the journal memfd; errno on failure (0: attached).
  int Attach(int fd, uint32_t region);
  bool attached() const { return base_ != nullptr; }
  // Records a request just read; returns its slot (or -1 without a journal).
  int Record(const uint8_t* data, size_t length);
  void Clear(int slot);

 private:
  uint8_t* base_ = nullptr;
};

}  // namespace lxcfs
