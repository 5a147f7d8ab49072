// Thin wrappers of the syscalls Node lacks: open(/dev/fuse) non-blocking, mount(2),
// umount2(2) and flock(LOCK_EX|LOCK_NB). Each either succeeds or throws a system-style
// error (errors.h); no retries or decisions beyond EINTR.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>

#include <cerrno>

#include "addon.h"
#include "errors.h"

namespace lxcfs {

Napi::Value OpenFuseDevice(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = "/dev/fuse";
  if (info.Length() > 0 && !info[0].IsUndefined() && !ArgString(info, 0, "path", path)) return env.Undefined();
  int fd;
  do fd = open(path.c_str(), O_RDWR | O_CLOEXEC | O_NONBLOCK);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    ThrowErrno(env, errno, "open", &path);
    return env.Undefined();
  }
  return Napi::Number::New(env, fd);
}

Napi::Value Mount(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string source, target, fstype, data;
  int64_t flags;
  if (!ArgString(info, 0, "source", source) || !ArgString(info, 1, "target", target) ||
      !ArgString(info, 2, "fstype", fstype) || !ArgInteger(info, 3, "flags", flags) ||
      !ArgString(info, 4, "data", data)) {
    return env.Undefined();
  }
  if (mount(source.c_str(), target.c_str(), fstype.c_str(), static_cast<unsigned long>(flags), data.c_str()) != 0) {
    ThrowErrno(env, errno, "mount", &target);
  }
  return env.Undefined();
}

Napi::Value Umount(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string target;
  int64_t flags;
  if (!ArgString(info, 0, "target", target) || !ArgInteger(info, 1, "flags", flags)) return env.Undefined();
  if (umount2(target.c_str(), static_cast<int>(flags)) != 0) ThrowErrno(env, errno, "umount2", &target);
  return env.Undefined();
}

Napi::Value LockFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  if (!ArgFd(info, 0, fd)) return env.Undefined();
  int rc;
  do rc = flock(fd, LOCK_EX | LOCK_NB);
  while (rc != 0 && errno == EINTR);
  if (rc == 0) return Napi::Boolean::New(env, true);
  if (errno == EWOULDBLOCK) return Napi::Boolean::New(env, false);
  ThrowErrno(env, errno, "flock");
  return env.Undefined();
}

}  // namespace lxcfs
