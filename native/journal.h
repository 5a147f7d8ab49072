// The journal of requests in flight: per /dev/fuse fd, a ring of fixed-size slots in shared
// memory (a memfd the keeper creates and every serving child inherits) where the fd's reader
// records each request it reads and clears it once answered. The reader reads into the
// region's landing area, also shared: a SIGKILL takes effect when read(2) returns, after the
// kernel has copied the request out, so the landing holds what was read but not yet recorded. Kernels before 6.9 cannot resend
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
// Room for any request at max_write 128 KiB (the device's read buffer size, READ_BUFFER_SIZE).
constexpr size_t kJournalLandingBytes = 128 * 1024 + 4096;
constexpr size_t kJournalRingBytes = size_t{kJournalSlots} * kJournalSlotBytes;
constexpr size_t kJournalRegionBytes = kJournalHeaderBytes + kJournalRingBytes + kJournalLandingBytes;
// The slot number readJournal() gives the landing's request, and clearJournal() takes for it.
constexpr uint32_t kJournalLandingSlot = kJournalSlots;

class JournalWriter {
 public:
  JournalWriter() = default;
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;
  ~JournalWriter();

  // Maps region `region` of the journal memfd; errno on failure (0: attached).
  int Attach(int fd, uint32_t region);
  bool attached() const { return base_ != nullptr; }
  // Where to read the next request into (kJournalLandingBytes; attached only).
  uint8_t* Landing();
  // Records the request just read into Landing() in the ring, then empties the landing;
  // returns its slot.
  int Record(size_t length);
  void Clear(int slot);

 private:
  uint8_t* base_ = nullptr;
};

}  // namespace lxcfs
