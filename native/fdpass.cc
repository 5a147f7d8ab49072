// Unix seqpacket sockets that carry file descriptors (SCM_RIGHTS): how a keeper hands its
// /dev/fuse fds to a successor daemon. Each call is one syscall family; message framing
// comes from SOCK_SEQPACKET (one sendmsg = one recvmsg), and what a message means is
// decided in TypeScript (src/keeper/hand-over.ts). Every fd made or received is O_CLOEXEC.
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "addon.h"
#include "errors.h"

namespace lxcfs {

namespace {

constexpr size_t kMaxMessage = 64 * 1024;
constexpr size_t kMaxFds = 64;  // a connection's fd and a clone per serving thread (--threads ≤ 64)

bool UnixAddress(Napi::Env env, const std::string& path, sockaddr_un& addr) {
  addr = {};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    Napi::RangeError::New(env, "socket path too long: " + path).ThrowAsJavaScriptException();
    return false;
  }
  memcpy(addr.sun_path, path.c_str(), path.size());
  return true;
}

// A throw already pending leaves `undefined`; otherwise the fd.
Napi::Value FdOrThrow(Napi::Env env, int fd, int err, const char* syscall, const std::string* path) {
  if (fd >= 0) return Napi::Number::New(env, fd);
  ThrowErrno(env, err, syscall, path);
  return env.Undefined();
}

}  // namespace

// unixListen(path) → a listening, non-blocking seqpacket socket bound at path.
Napi::Value UnixListen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path;
  sockaddr_un addr;
  if (!ArgString(info, 0, "path", path) || !UnixAddress(env, path, addr)) return env.Undefined();
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return FdOrThrow(env, -1, errno, "socket", nullptr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 4) != 0) {
    int err = errno;
    close(fd);
    return FdOrThrow(env, -1, err, "bind", &path);
  }
  return Napi::Number::New(env, fd);
}

// unixAccept(listenFd) → a connected (blocking) socket, or -1 when nobody is waiting.
Napi::Value UnixAccept(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int listener;
  if (!ArgFd(info, 0, listener)) return env.Undefined();
  int fd;
  do fd = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Napi::Number::New(env, -1);
  return FdOrThrow(env, fd, errno, "accept4", nullptr);
}

// unixConnect(path) → a connected (blocking) seqpacket socket.
Napi::Value UnixConnect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path;
  sockaddr_un addr;
  if (!ArgString(info, 0, "path", path) || !UnixAddress(env, path, addr)) return env.Undefined();
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) return FdOrThrow(env, -1, errno, "socket", nullptr);
  int rc;
  do rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    int err = errno;
    close(fd);
    return FdOrThrow(env, -1, err, "connect", &path);
  }
  return Napi::Number::New(env, fd);
}

// peerCredentials(fd) → { pid, uid, gid } of the process at the other end (SO_PEERCRED, as
// the kernel recorded it at connect(2): not forgeable by the peer).
Napi::Value PeerCredentials(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  if (!ArgFd(info, 0, fd)) return env.Undefined();
  ucred cred{};
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    ThrowErrno(env, errno, "getsockopt(SO_PEERCRED)");
    return env.Undefined();
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("pid", static_cast<double>(cred.pid));
  out.Set("uid", static_cast<double>(cred.uid));
  out.Set("gid", static_cast<double>(cred.gid));
  return out;
}

// sendMessage(fd, data, fds) — one message: the bytes of `data` and, as SCM_RIGHTS, `fds`.
Napi::Value SendMessage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  if (!ArgFd(info, 0, fd)) return env.Undefined();
  if (!info[1].IsBuffer() || !info[2].IsArray()) {
    Napi::TypeError::New(env, "sendMessage(fd, Buffer, number[])").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto data = info[1].As<Napi::Buffer<uint8_t>>();
  auto list = info[2].As<Napi::Array>();
  if (data.Length() == 0 || data.Length() > kMaxMessage || list.Length() > kMaxFds) {
    Napi::RangeError::New(env, "message of 1 byte to 64 KiB with at most 64 fds").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::vector<int> fds(list.Length());
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Value v = list[i];
    if (!v.IsNumber()) {
      Napi::TypeError::New(env, "fds must be numbers").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    fds[i] = v.As<Napi::Number>().Int32Value();
  }
  iovec iov{data.Data(), data.Length()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  std::vector<char> control(CMSG_SPACE(sizeof(int) * kMaxFds));
  if (!fds.empty()) {
    msg.msg_control = control.data();
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    memcpy(CMSG_DATA(cmsg), fds.data(), sizeof(int) * fds.size());
  }
  ssize_t n;
  do n = sendmsg(fd, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) ThrowErrno(env, errno, "sendmsg");
  return env.Undefined();
}

// receiveMessage(fd, timeoutMs) → { data, fds } (data empty at end of stream), or null when
// nothing arrived within timeoutMs. A truncated message or control part is an EMSGSIZE error
// (its fds are closed, never leaked).
Napi::Value ReceiveMessage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  int64_t timeout;
  if (!ArgFd(info, 0, fd) || !ArgInteger(info, 1, "timeoutMs", timeout)) return env.Undefined();
  pollfd pfd{fd, POLLIN, 0};
  int ready;
  do ready = poll(&pfd, 1, static_cast<int>(timeout > INT32_MAX ? INT32_MAX : timeout));
  while (ready < 0 && errno == EINTR);
  if (ready < 0) {
    ThrowErrno(env, errno, "poll");
    return env.Undefined();
  }
  if (ready == 0) return env.Null();
  std::vector<uint8_t> data(kMaxMessage);
  std::vector<char> control(CMSG_SPACE(sizeof(int) * kMaxFds));
  iovec iov{data.data(), data.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  ssize_t n;
  do n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    ThrowErrno(env, errno, "recvmsg");
    return env.Undefined();
  }
  std::vector<int> fds;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    const int* received = reinterpret_cast<const int*>(CMSG_DATA(c));
    fds.insert(fds.end(), received, received + count);
  }
  if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
    for (int received : fds) close(received);
    ThrowErrno(env, EMSGSIZE, "recvmsg");
    return env.Undefined();
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("data", Napi::Buffer<uint8_t>::Copy(env, data.data(), static_cast<size_t>(n)));
  Napi::Array list = Napi::Array::New(env, fds.size());
  for (size_t i = 0; i < fds.size(); i++) list.Set(static_cast<uint32_t>(i), Napi::Number::New(env, fds[i]));
  result.Set("fds", list);
  return result;
}

}  // namespace lxcfs
