// The in-flight journal (see journal.h): createJournal() makes the memfd, the device reader
// writes its fd's region through a JournalWriter, readJournal() returns a region's recorded
// requests, oldest first, to the process that replays them, and clearJournal() drops one
// once replayed. One writer per region
// (the thread reading that fd) and no reader while it runs: a replay happens before the next
// reader of the fd starts. A slot is published by storing its length last, so a writer
// killed mid-copy leaves an empty slot, never a torn request.
#include "journal.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cerrno>
#include <cstring>
#include <vector>

#include "addon.h"
#include "errors.h"

namespace lxcfs {
namespace {

constexpr uint32_t kMagic = 0x4c584a31;  // "LXJ1"
constexpr uint32_t kMaxRegions = 64;
constexpr size_t kSlotHeaderBytes = 16;
constexpr size_t kSlotPayload = kJournalSlotBytes - kSlotHeaderBytes;

struct Header {
  uint32_t magic;
  uint32_t slots;
  uint64_t next;  // sequence number of the next record; slot = sequence % slots
};

struct Slot {
  uint64_t sequence;
  uint32_t stored;  // bytes of the request kept here; 0: empty
  uint32_t reserved;
  uint8_t data[kSlotPayload];
};

static_assert(sizeof(Slot) == kJournalSlotBytes, "slot layout");

Slot* SlotAt(uint8_t* base, uint32_t index) {
  return reinterpret_cast<Slot*>(base + kJournalHeaderBytes + size_t{index} * kJournalSlotBytes);
}

uint8_t* LandingOf(uint8_t* base) { return base + kJournalHeaderBytes + kJournalRingBytes; }

// The landing holds a request while its FUSE header's length word is not 0 (the kernel
// writes it with the request).
void EmptyLanding(uint8_t* base) { __atomic_store_n(reinterpret_cast<uint32_t*>(LandingOf(base)), 0u, __ATOMIC_RELEASE); }

}  // namespace

JournalWriter::~JournalWriter() {
  if (base_ != nullptr) munmap(base_, kJournalRegionBytes);
}

int JournalWriter::Attach(int fd, uint32_t region) {
  if (region >= kMaxRegions) return EINVAL;
  // Past the memfd's end a mapping would SIGBUS on first touch: refuse it here instead.
  struct stat st;
  if (fstat(fd, &st) != 0) return errno;
  if (static_cast<size_t>(st.st_size) < (size_t{region} + 1) * kJournalRegionBytes) return EINVAL;
  void* map = mmap(nullptr, kJournalRegionBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
                   static_cast<off_t>(region * kJournalRegionBytes));
  if (map == MAP_FAILED) return errno;
  base_ = static_cast<uint8_t*>(map);
  auto* header = reinterpret_cast<Header*>(base_);
  if (header->magic != kMagic) {  // a fresh region (the memfd starts zeroed)
    header->slots = kJournalSlots;
    header->next = 0;
    __atomic_store_n(&header->magic, kMagic, __ATOMIC_RELEASE);
  }
  return 0;
}

uint8_t* JournalWriter::Landing() { return LandingOf(base_); }

int JournalWriter::Record(size_t length) {
  const uint8_t* data = Landing();
  auto* header = reinterpret_cast<Header*>(base_);
  uint64_t sequence = header->next++;
  // A slot still holding a record (a request handed to another thread, not answered yet) is
  // passed over; only with every slot taken is the one due overwritten.
  auto index = static_cast<uint32_t>(sequence % kJournalSlots);
  for (uint32_t probe = 0; probe < kJournalSlots; probe++) {
    auto at = static_cast<uint32_t>((sequence + probe) % kJournalSlots);
    if (__atomic_load_n(&SlotAt(base_, at)->stored, __ATOMIC_ACQUIRE) == 0) {
      index = at;
      break;
    }
  }
  Slot* slot = SlotAt(base_, index);
  __atomic_store_n(&slot->stored, 0u, __ATOMIC_RELEASE);
  size_t kept = std::min(length, kSlotPayload);  // longer requests keep their header: replayed as EIO
  memcpy(slot->data, data, kept);
  slot->sequence = sequence;
  __atomic_store_n(&slot->stored, static_cast<uint32_t>(kept), __ATOMIC_RELEASE);
  EmptyLanding(base_);
  return static_cast<int>(index);
}

void JournalWriter::Clear(int slot) {
  if (base_ == nullptr || slot < 0) return;
  __atomic_store_n(&SlotAt(base_, static_cast<uint32_t>(slot))->stored, 0u, __ATOMIC_RELEASE);
}

// createJournal(regions): a memfd with one zeroed region per /dev/fuse fd; its fd.
Napi::Value CreateJournal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t regions;
  if (!ArgInteger(info, 0, "regions", regions)) return env.Undefined();
  if (regions < 1 || regions > kMaxRegions) {
    Napi::RangeError::New(env, "regions must be between 1 and 64").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int fd = memfd_create("lxcfs-node-journal", MFD_CLOEXEC);
  if (fd < 0) {
    ThrowErrno(env, errno, "memfd_create");
    return env.Undefined();
  }
  if (ftruncate(fd, static_cast<off_t>(regions * kJournalRegionBytes)) != 0) {
    int err = errno;
    close(fd);
    ThrowErrno(env, err, "ftruncate");
    return env.Undefined();
  }
  return Napi::Number::New(env, fd);
}

bool ArgRegion(const Napi::CallbackInfo& info, size_t i, int64_t& region) {
  if (!ArgInteger(info, i, "region", region)) return false;
  if (region >= 0 && region < kMaxRegions) return true;
  Napi::RangeError::New(info.Env(), "region must be between 0 and 63").ThrowAsJavaScriptException();
  return false;
}

// readJournal(fd, region): the requests recorded in a region and not cleared, oldest first,
// each as { slot, request } with the request as it was read (a request longer than a slot:
// its first 496 bytes); last, the landing's request (slot 512), whole, unless the ring has it.
Napi::Value ReadJournal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  int64_t region;
  if (!ArgFd(info, 0, fd) || !ArgRegion(info, 1, region)) return env.Undefined();
  std::vector<uint8_t> bytes(kJournalRegionBytes);
  ssize_t n = pread(fd, bytes.data(), bytes.size(), static_cast<off_t>(region * kJournalRegionBytes));
  if (n < 0) {
    ThrowErrno(env, errno, "pread");
    return env.Undefined();
  }
  Napi::Array entries = Napi::Array::New(env);
  const auto* header = reinterpret_cast<const Header*>(bytes.data());
  if (static_cast<size_t>(n) < bytes.size() || header->magic != kMagic || header->slots != kJournalSlots) return entries;
  std::vector<const Slot*> live;
  for (uint32_t i = 0; i < kJournalSlots; i++) {
    const Slot* slot = SlotAt(bytes.data(), i);
    if (slot->stored > 0 && slot->stored <= kSlotPayload) live.push_back(slot);
  }
  std::sort(live.begin(), live.end(), [](const Slot* a, const Slot* b) { return a->sequence < b->sequence; });
  for (uint32_t i = 0; i < live.size(); i++) {
    Napi::Object entry = Napi::Object::New(env);
    auto index = static_cast<uint32_t>((reinterpret_cast<const uint8_t*>(live[i]) - bytes.data() - kJournalHeaderBytes) / kJournalSlotBytes);
    entry.Set("slot", Napi::Number::New(env, index));
    entry.Set("request", Napi::Buffer<uint8_t>::Copy(env, live[i]->data, live[i]->stored));
    entries.Set(i, entry);
  }
  // Read but never recorded: the reader died between read(2) and Record(). Or recorded too,
  // and died before emptying the landing: the same request, by its unique, is not repeated.
  const uint8_t* landing = LandingOf(bytes.data());
  uint32_t length;
  memcpy(&length, landing, sizeof length);
  if (length >= 16 && length <= kJournalLandingBytes) {
    uint64_t unique;
    memcpy(&unique, landing + 8, sizeof unique);
    bool recorded = std::any_of(live.begin(), live.end(), [&](const Slot* slot) {
      uint64_t recorded_unique;
      memcpy(&recorded_unique, slot->data + 8, sizeof recorded_unique);
      return slot->stored >= 16 && recorded_unique == unique;
    });
    if (!recorded) {
      Napi::Object entry = Napi::Object::New(env);
      entry.Set("slot", Napi::Number::New(env, kJournalLandingSlot));
      entry.Set("request", Napi::Buffer<uint8_t>::Copy(env, landing, length));
      entries.Set(static_cast<uint32_t>(live.size()), entry);
    }
  }
  return entries;
}

// clearJournal(fd, region, slot): that slot (512: the landing) is empty from now on (its
// request was replayed).
Napi::Value ClearJournal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  int64_t region, slot;
  if (!ArgFd(info, 0, fd) || !ArgRegion(info, 1, region) || !ArgInteger(info, 2, "slot", slot)) return env.Undefined();
  if (slot < 0 || slot > kJournalLandingSlot) {
    Napi::RangeError::New(env, "slot must be between 0 and 512").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const uint32_t empty = 0;
  size_t within = slot == kJournalLandingSlot ? kJournalHeaderBytes + kJournalRingBytes
                                              : kJournalHeaderBytes + slot * kJournalSlotBytes + offsetof(Slot, stored);
  off_t at = static_cast<off_t>(region * kJournalRegionBytes + within);
  if (pwrite(fd, &empty, sizeof empty, at) != sizeof empty) ThrowErrno(env, errno, "pwrite");
  return env.Undefined();
}

}  // namespace lxcfs
