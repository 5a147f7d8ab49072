// DeviceReader: readiness-driven reads of a non-blocking /dev/fuse fd with a uv_poll_t on the
// main libuv loop (never the thread pool). One read() is one FUSE request, handed to JS as a
// fresh Buffer. The reader never closes the fd; what a request means is decided in TypeScript.
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <vector>

#include "addon.h"
#include "errors.h"

namespace lxcfs {
namespace {

constexpr int64_t kMinBufferSize = 8192;  // FUSE_MIN_READ_BUFFER
constexpr int64_t kMaxBufferSize = 64 << 20;
constexpr int kMaxReadsPerWakeup = 64;    // then yield to libuv; the poll is level-triggered

void FreePoll(uv_handle_t* handle) { delete reinterpret_cast<uv_poll_t*>(handle); }

class DeviceReader : public Napi::ObjectWrap<DeviceReader> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "DeviceReader", {
      InstanceMethod<&DeviceReader::Start>("start"),
      InstanceMethod<&DeviceReader::Stop>("stop"),
    });
  }

  explicit DeviceReader(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<DeviceReader>(info), context_(info.Env(), "LxcfsDeviceReader", info.This().As<Napi::Object>()) {
    Napi::Env env = info.Env();
    int64_t size;
    if (!ArgFd(info, 0, fd_) || !ArgInteger(info, 1, "bufferSize", size)) return;
    if (size < kMinBufferSize || size > kMaxBufferSize) {
      Napi::RangeError::New(env, "bufferSize must be between 8192 (FUSE_MIN_READ_BUFFER) and 64 MiB")
          .ThrowAsJavaScriptException();
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
    int budget = status < 0 ? INT_MAX : kMaxReadsPerWakeup;
    while (poll_ != nullptr && budget-- > 0) {
      ssize_t n = read(fd_, buffer_.data(), buffer_.size());
      if (n > 0) {
        Napi::HandleScope inner(env);
        Call(on_request_, self, Napi::Buffer<uint8_t>::Copy(env, buffer_.data(), static_cast<size_t>(n)));
        continue;
      }
      int err = n == 0 ? 0 : errno;  // 0: end of file (pipe stand-ins only; /dev/fuse never returns 0)
      if (err == EINTR || err == ENOENT) continue;  // ENOENT: the request was interrupted
      if (err == EAGAIN || err == EWOULDBLOCK) {
        if (status < 0) Finish(self, -status);
        return;
      }
      Finish(self, err);
      return;
    }
  }

  void Finish(Napi::Object self, int err) {
    StopPolling();
    Call(on_close_, self, Napi::Number::New(Env(), err));
  }

  // MakeCallback gives the callback its async context and drains nextTicks/microtasks after it.
  // A throw inside the callback is left pending by N-API when no JS frame is below us, so it
  // is re-raised as an uncaught exception (process 'uncaughtException', else the process dies).
  void Call(Napi::FunctionReference& fn, Napi::Object self, Napi::Value arg) {
    Napi::Env env = Env();
    fn.MakeCallback(self, {arg}, context_);
    if (env.IsExceptionPending()) {
      Napi::Error error = env.GetAndClearPendingException();
      napi_fatal_exception(env, error.Value());
    }
  }

  int fd_ = -1;
  bool used_ = false;
  uv_poll_t* poll_ = nullptr;
  std::vector<uint8_t> buffer_;
  Napi::FunctionReference on_request_;
  Napi::FunctionReference on_close_;
  Napi::AsyncContext context_;
};

}  // namespace

Napi::Function DeviceReaderClass(Napi::Env env) { return DeviceReader::Define(env); }

}  // namespace lxcfs
