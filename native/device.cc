// Thin wrappers of the syscalls Node lacks: open(/dev/fuse) non-blocking, a clone of a
// /dev/fuse connection (FUSE_DEV_IOC_CLONE), mount(2), umount2(2), flock(LOCK_EX|LOCK_NB), and
// an inode number from stat(2) — what fs.statSync gives at the price of a Stats object, which
// the read path asks for once per cgroup directory per batch. Each either succeeds or throws a system-style
// error (errors.h); no retries or decisions beyond EINTR.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/mount.h>

#include <cerrno>

#include "addon.h"
#include "errors.h"

namespace lxcfs {

namespace {

// open(path, O_RDWR|O_CLOEXEC|O_NONBLOCK) with the optional path argument at `arg`; -1 after
// throwing.
int OpenDevice(const Napi::CallbackInfo& info, size_t arg) {
  std::string path = "/dev/fuse";
  if (info.Length() > arg && !info[arg].IsUndefined() && !ArgString(info, arg, "path", path)) return -1;
  int fd;
  do fd = open(path.c_str(), O_RDWR | O_CLOEXEC | O_NONBLOCK);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) ThrowErrno(info.Env(), errno, "open", &path);
  return fd;
}

}  // namespace

Napi::Value OpenFuseDevice(const Napi::CallbackInfo& info) {
  int fd = OpenDevice(info, 0);
  return fd < 0 ? info.Env().Undefined() : Napi::Number::New(info.Env(), fd);
}

// <linux/fuse.h>'s FUSE_DEV_IOC_CLONE, restated so the build needs no kernel headers.
constexpr unsigned long kFuseDevIocClone = _IOR(229, 0, uint32_t);

// cloneFuseDevice(fd, path?): a new fd on the same FUSE connection. Requests are then read
// from either; each reply must be written to the fd its request was read from.
Napi::Value CloneFuseDevice(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int source;
  if (!ArgFd(info, 0, source)) return env.Undefined();
  int fd = OpenDevice(info, 1);
  if (fd < 0) return env.Undefined();
  uint32_t from = static_cast<uint32_t>(source);
  if (ioctl(fd, kFuseDevIocClone, &from) != 0) {
    int err = errno;
    close(fd);
    ThrowErrno(env, err, "ioctl(FUSE_DEV_IOC_CLONE)");
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

// inodeOf(path) → st_ino, or undefined when stat(2) fails for any reason.
Napi::Value InodeOf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path;
  if (!ArgString(info, 0, "path", path)) return env.Undefined();
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return env.Undefined();
  return Napi::Number::New(env, static_cast<double>(st.st_ino));
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
