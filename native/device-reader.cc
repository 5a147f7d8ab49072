// DeviceReader: readiness-driven reads of a non-blocking /dev/fuse fd with a uv_poll_t on the
// main libuv loop (never the thread pool). One read() is one FUSE request; every request
// pending at a moment is read first and handed to JS in one call, as an array of fresh
// Buffers (a batch: one JS entry for many requests, and every request in it arrived before
// JS starts answering any). With spinMicros > 0, an empty device is polled that long before
// the thread goes back to sleep: the next request of a `cat` arrives within microseconds,
// and catching it awake saves a sleep and a wake-up per request. Given an open-file table,
// the requests that table alone answers (fast-path.cc) are answered here and never reach JS.
// Given a journal region (journal.h), requests are read into its shared landing area and every
// one is recorded there until answered:
// at once for a native answer; for the JS batch, as JS tells answered() of each reply it
// wrote (so a child killed mid-batch leaves only what it had not answered), and whatever is
// left once the call returns — unless JS returns true (it handed a request to another
// thread, which answers later): those entries are held until answered() names them too (the
// thread that answered tells this one). A request nobody answers (FORGET, INTERRUPT) is never
// kept. The reader never closes the fd; what any other request means is decided in TypeScript.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "addon.h"
#include "errors.h"
#include "fast-path.h"
#include "journal.h"

namespace lxcfs {
namespace {

constexpr int64_t kMinBufferSize = 8192;  // FUSE_MIN_READ_BUFFER
constexpr int64_t kMaxBufferSize = 64 << 20;
constexpr uint32_t kMaxBatch = 64;        // requests per JS call
constexpr uint32_t kMaxNative = 256;      // requests answered natively per batch
constexpr int kMaxBatchesPerWakeup = 16;  // then yield to libuv; the poll is level-triggered
constexpr int64_t kMaxSpinMicros = 1000;
// Handed-over requests held in the journal at most; past it the oldest is let go (its answer
// is long overdue), so that the ring always has room for what is read.
constexpr size_t kMaxHeld = kJournalSlots / 2;
constexpr uint32_t kForget = 2, kInterrupt = 36, kBatchForget = 42;  // <linux/fuse.h>: no reply

int64_t NowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void FreePoll(uv_handle_t* handle) { delete reinterpret_cast<uv_poll_t*>(handle); }

class DeviceReader : public Napi::ObjectWrap<DeviceReader> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "DeviceReader", {
      InstanceMethod<&DeviceReader::Start>("start"),
      InstanceMethod<&DeviceReader::Stop>("stop"),
      InstanceMethod<&DeviceReader::Answered>("answered"),
    });
  }

  explicit DeviceReader(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<DeviceReader>(info), context_(info.Env(), "LxcfsDeviceReader", info.This().As<Napi::Object>()) {
    Napi::Env env = info.Env();
    int64_t size;
    int64_t spin = 0;
    if (!ArgFd(info, 0, fd_) || !ArgInteger(info, 1, "bufferSize", size)) return;
    if (info.Length() > 4 && !info[4].IsUndefined() && !ArgInteger(info, 4, "spinMicros", spin)) return;
    if (info.Length() > 5 && !info[5].IsUndefined()) {
      int64_t id;
      if (!ArgInteger(info, 5, "openTable", id)) return;
      table_ = id <= UINT32_MAX ? FindTable(static_cast<uint32_t>(id)) : nullptr;
      if (table_ == nullptr) {
        Napi::RangeError::New(env, "unknown open-file table").ThrowAsJavaScriptException();
        return;
      }
    }
    if (info.Length() > 6 && !info[6].IsUndefined()) {
      int journal_fd;
      int64_t region;
      if (!ArgFd(info, 6, journal_fd) || !ArgInteger(info, 7, "journalRegion", region)) return;
      int err = region < 0 || region > UINT32_MAX ? EINVAL : journal_.Attach(journal_fd, static_cast<uint32_t>(region));
      if (err != 0) {
        ThrowErrno(env, err, "mmap journal");
        return;
      }
    }
    if (spin < 0 || spin > kMaxSpinMicros) {
      Napi::RangeError::New(env, "spinMicros must be between 0 and 1000").ThrowAsJavaScriptException();
      return;
    }
    spin_ns_ = spin * 1000;
    if (size < kMinBufferSize || size > kMaxBufferSize) {
      Napi::RangeError::New(env, "bufferSize must be between 8192 (FUSE_MIN_READ_BUFFER) and 64 MiB")
          .ThrowAsJavaScriptException();
      return;
    }
    if (journal_.attached() && static_cast<size_t>(size) > kJournalLandingBytes) {
      Napi::RangeError::New(env, "bufferSize must be at most 135168 with a journal (its landing area)").ThrowAsJavaScriptException();
      return;
    }
    if (!info[2].IsFunction() || !info[3].IsFunction()) {
      Napi::TypeError::New(env, "onRequest and onClose must be functions").ThrowAsJavaScriptException();
      return;
    }
    buffer_.resize(static_cast<size_t>(size));
    on_request_ = Napi::Persistent(info[2].As<Napi::Function>());
    on_close_ = Napi::Persistent(info[3].As<Napi::Function>());
  }

  ~DeviceReader() override { ClosePoll(); }

 private:
  // start(): begin polling; a no-op while started. A reader is single-use: after stop() or
  // onClose, make a new one (libuv allows one active poll handle per fd).
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (poll_ != nullptr) return env.Undefined();
    if (used_) {
      Napi::Error::New(env, "DeviceReader cannot be restarted after stop()").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok) {
      Napi::Error::New(env, "no libuv loop").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    auto* poll = new uv_poll_t;
    int rc = uv_poll_init(loop, poll, fd_);  // also sets O_NONBLOCK on the fd
    if (rc != 0) {
      delete poll;
      ThrowErrno(env, -rc, "uv_poll_init");
      return env.Undefined();
    }
    poll->data = this;
    rc = uv_poll_start(poll, UV_READABLE, OnPoll);
    if (rc != 0) {
      uv_close(reinterpret_cast<uv_handle_t*>(poll), FreePoll);
      ThrowErrno(env, -rc, "uv_poll_start");
      return env.Undefined();
    }
    poll_ = poll;
    used_ = true;
    Ref();  // the wrapper must outlive an active poll even if JS drops it
    napi_add_env_cleanup_hook(env, OnEnvCleanup, this);
    return env.Undefined();
  }

  // answered(header): the reply to a request of the current batch, or to one handed over
  // and held, was written (a reply's header, or the request's: the unique is at 8 in both);
  // its journal entry goes. Others (replays, requests of a predecessor) are ignored.
  Napi::Value Answered(const Napi::CallbackInfo& info) {
    if (info.Length() > 0 && info[0].IsBuffer()) {
      auto header = info[0].As<Napi::Buffer<uint8_t>>();
      if (header.Length() >= 16) {
        uint64_t unique;
        memcpy(&unique, header.Data() + 8, sizeof unique);
        if (!ClearEntry(batch_entries_, unique)) ClearEntry(held_, unique);
      }
    }
    return info.Env().Undefined();
  }

  bool ClearEntry(std::vector<std::pair<uint64_t, int>>& entries, uint64_t unique) {
    for (auto& entry : entries) {
      if (entry.first != unique || entry.second < 0) continue;
      journal_.Clear(entry.second);
      entry.second = -1;
      return true;
    }
    return false;
  }

  // A batch with a request handed over: what is left of it is held until answered().
  void Hold() {
    held_.erase(std::remove_if(held_.begin(), held_.end(), [](const auto& e) { return e.second < 0; }), held_.end());
    for (const auto& entry : batch_entries_) if (entry.second >= 0) held_.push_back(entry);
    while (held_.size() > kMaxHeld) {
      journal_.Clear(held_.front().second);
      held_.erase(held_.begin());
    }
  }

  // stop(): idempotent, safe from inside onRequest/onClose.
  Napi::Value Stop(const Napi::CallbackInfo& info) {
    StopPolling();
    return info.Env().Undefined();
  }

  void StopPolling() {
    if (poll_ == nullptr) return;
    ClosePoll();
    napi_remove_env_cleanup_hook(Env(), OnEnvCleanup, this);
    Unref();
  }

  void ClosePoll() {
    if (poll_ == nullptr) return;
    uv_poll_stop(poll_);
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), FreePoll);  // freed once libuv is done with it
    poll_ = nullptr;
  }

  // A worker's loop must close with no open handles.
  static void OnEnvCleanup(void* self) { static_cast<DeviceReader*>(self)->ClosePoll(); }

  static void OnPoll(uv_poll_t* poll, int status, int /*events*/) {
    static_cast<DeviceReader*>(poll->data)->Pump(status);
  }

  // status < 0: libuv saw POLLERR (an aborted FUSE connection) and has already stopped the
  // watcher, so drain until read() reports the real errno instead of yielding.
  void Pump(int status) {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    Napi::Object self = Value();  // keeps the wrapper alive while callbacks run
    for (int round = 0; poll_ != nullptr && (status < 0 || round < kMaxBatchesPerWakeup); round++) {
      Napi::HandleScope inner(env);
      Napi::Array batch = Napi::Array::New(env);
      uint32_t count = 0;
      batch_entries_.clear();
      int end = ReadBatch(env, batch, count, status >= 0 && round > 0);
      if (count > 0) {
        bool handed_over = Call(on_request_, self, batch);
        if (handed_over) Hold();
        else for (const auto& entry : batch_entries_) journal_.Clear(entry.second);
        batch_entries_.clear();
      }
      if (poll_ == nullptr) return;  // stopped from inside the callback
      if (end == EAGAIN) {
        if (status < 0) Finish(self, -status);
        if (count == 0 || status < 0) return;
      } else if (end >= 0) {
        Finish(self, end);
        return;
      }
    }
  }

  // Reads what is pending into `batch`, up to kMaxBatch requests for JS (and kMaxNative
  // answered natively, so a stream of those still yields to libuv). Returns -1 when the batch
  // is full, EAGAIN when the device is empty, else the errno that ended the connection (0: EOF).
  // `spin`: when nothing is in the batch yet, keep trying for spin_ns_ before giving up; a
  // request answered natively starts a spin too (the same reader's next request follows).
  //
  // A request caught by the spin goes to JS alone: the device was empty a moment before, so
  // the read that would look for a second one almost always finds none (one reader at a
  // time), and that read is a system call per request (~2.5 µs here). Requests queued
  // meanwhile are read by the next round, which Pump starts as soon as JS returns.
  int ReadBatch(Napi::Env env, Napi::Array batch, uint32_t& count, bool spin) {
    int64_t spin_until = -1;
    uint32_t native = 0;
    bool waited = false;  // the device was empty during this call
    while (count < kMaxBatch && native < kMaxNative) {
      // With a journal, straight into its shared landing: a SIGKILL acts only when read(2)
      // returns, so no request can be taken off the device yet missing from the journal.
      uint8_t* in = journal_.attached() ? journal_.Landing() : buffer_.data();
      ssize_t n = read(fd_, in, buffer_.size());
      if (n > 0) {
        int slot = -1;
        if (journal_.attached()) {  // answered from a private copy: the landing is emptied as it is recorded
          memcpy(buffer_.data(), in, static_cast<size_t>(n));
          slot = journal_.Record(static_cast<size_t>(n));
          in = buffer_.data();
        }
        if (table_ != nullptr && AnswerNatively(*table_, fd_, in, static_cast<size_t>(n))) {
          journal_.Clear(slot);
          native++;
          spin = true;
          spin_until = -1;
          continue;
        }
        batch.Set(count++, Napi::Buffer<uint8_t>::Copy(env, buffer_.data(), static_cast<size_t>(n)));
        if (slot >= 0) {
          uint64_t unique = 0;
          uint32_t opcode = 0;
          if (n >= 16) {
            memcpy(&opcode, buffer_.data() + 4, sizeof opcode);
            memcpy(&unique, buffer_.data() + 8, sizeof unique);
          }
          if (opcode == kForget || opcode == kInterrupt || opcode == kBatchForget) journal_.Clear(slot);  // nobody waits for these
          else batch_entries_.emplace_back(unique, slot);
        }
        if (waited) return EAGAIN;
        continue;
      }
      int err = n == 0 ? 0 : errno;  // 0: end of file (pipe stand-ins only; /dev/fuse never returns 0)
      if (err == EINTR || err == ENOENT) continue;  // ENOENT: the request was interrupted
      if (err == EWOULDBLOCK) err = EAGAIN;
      if (err != EAGAIN) return err;
      if (count > 0 || !spin || spin_ns_ == 0) return EAGAIN;
      int64_t now = NowNs();
      if (spin_until < 0) spin_until = now + spin_ns_;
      if (now >= spin_until) return EAGAIN;
      waited = true;
    }
    return -1;
  }

  void Finish(Napi::Object self, int err) {
    StopPolling();
    Call(on_close_, self, Napi::Number::New(Env(), err));
  }

  // MakeCallback gives the callback its async context and drains nextTicks/microtasks after it.
  // A throw inside the callback is left pending by N-API when no JS frame is below us, so it
  // is re-raised as an uncaught exception (process 'uncaughtException', else the process dies).
  // Returns whether the callback returned true (after a throw: false).
  bool Call(Napi::FunctionReference& fn, Napi::Object self, Napi::Value arg) {
    Napi::Env env = Env();
    Napi::Value result = fn.MakeCallback(self, {arg}, context_);
    if (env.IsExceptionPending()) {
      Napi::Error error = env.GetAndClearPendingException();
      napi_fatal_exception(env, error.Value());
      return false;
    }
    return !result.IsEmpty() && result.IsBoolean() && result.As<Napi::Boolean>().Value();
  }

  int fd_ = -1;
  int64_t spin_ns_ = 0;
  bool used_ = false;
  uv_poll_t* poll_ = nullptr;
  std::vector<uint8_t> buffer_;
  std::shared_ptr<OpenTable> table_;  // with one, the fast path answers what it can
  JournalWriter journal_;             // with a region, requests are recorded until answered
  // The batch JS is answering: each request's unique and journal slot (-1 once answered).
  std::vector<std::pair<uint64_t, int>> batch_entries_;
  // Requests of past batches handed to another thread, oldest first, until answered().
  std::vector<std::pair<uint64_t, int>> held_;
  Napi::FunctionReference on_request_;
  Napi::FunctionReference on_close_;
  Napi::AsyncContext context_;
};

}  // namespace

Napi::Function DeviceReaderClass(Napi::Env env) { return DeviceReader::Define(env); }

}  // namespace lxcfs
