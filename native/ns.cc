// Re-attaching a file into another mount namespace (a container's), for mounts left dead by
// a lost FUSE connection: open_tree(2) clones the live file as a detached mount here, and a
// forked child — setns(2) into a mount namespace needs a single-threaded caller, and a fork
// of this process is one — enters the target namespace, checks the dead mount, detaches it
// and move_mount(2)s the clone onto its path. The child makes only async-signal-safe system
// calls and reports through its exit status; what to re-attach where is decided in
// TypeScript (src/keeper/reattach.ts).
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "addon.h"
#include "errors.h"

namespace lxcfs {

namespace {

// Exit statuses of the child: kReplaced, or a step that failed (its errno follows in the pipe).
enum ChildExit : int { kReplaced = 0, kAlive = 10, kSetns = 11, kNotDead = 12, kUmount = 13, kMove = 14 };

[[noreturn]] void Report(int pipe_fd, int err, int status) {
  ssize_t ignored = write(pipe_fd, &err, sizeof err);
  (void)ignored;
  _exit(status);
}

// In the forked child only: enter the namespace, and replace a dead mount at target.
[[noreturn]] void ReattachInChild(int ns_fd, int tree_fd, const char* target, int pipe_fd, pid_t parent) {
  // Never outlive the caller (a timed-out `lxcfs-node reattach` is killed): no umount or
  // move_mount may happen after nobody waits for the outcome.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(kSetns);
  if (setns(ns_fd, CLONE_NEWNS) != 0) Report(pipe_fd, errno, kSetns);
  // open(2), not stat(2): the kernel may answer a stat from its attribute cache even for a
  // dead connection, whereas an open always reaches the filesystem's server.
  int probe = open(target, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (probe >= 0) Report(pipe_fd, 0, kAlive);  // a live mount (another instance's): not ours to touch
  if (errno != ENOTCONN && errno != ECONNABORTED) Report(pipe_fd, errno, kNotDead);
  if (umount2(target, MNT_DETACH) != 0) Report(pipe_fd, errno, kUmount);
  if (syscall(SYS_move_mount, tree_fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) != 0) Report(pipe_fd, errno, kMove);
  Report(pipe_fd, 0, kReplaced);
}

const char* OutcomeOf(int status) {
  switch (status) {
    case kReplaced: return "replaced";
    case kAlive: return "alive";
    case kSetns: return "setns";
    case kNotDead: return "not-dead";
    case kUmount: return "umount";
    case kMove: return "move_mount";
    default: return "failed";
  }
}

}  // namespace

// openTreeClone(path) → an fd of a detached clone of the mount tree at path (open_tree(2)
// with OPEN_TREE_CLONE), to be attached elsewhere by reattachMount.
Napi::Value OpenTreeClone(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path;
  if (!ArgString(info, 0, "path", path)) return env.Undefined();
  long fd = syscall(SYS_open_tree, AT_FDCWD, path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (fd < 0) {
    ThrowErrno(env, errno, "open_tree", &path);
    return env.Undefined();
  }
  return Napi::Number::New(env, static_cast<double>(fd));
}

// reattachMount(nsPath, treeFd, target, timeoutMs) → { outcome, errno }: outcome "replaced",
// "alive" (target answers: left alone), or the step that failed ("setns", "not-dead",
// "umount", "move_mount", "timeout", "failed"). The tree fd is the caller's to close.
Napi::Value ReattachMount(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string ns_path, target;
  int tree_fd;
  int64_t timeout_ms;
  if (!ArgString(info, 0, "nsPath", ns_path) || !ArgFd(info, 1, tree_fd) || !ArgString(info, 2, "target", target) ||
      !ArgInteger(info, 3, "timeoutMs", timeout_ms)) {
    return env.Undefined();
  }
  int ns_fd = open(ns_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (ns_fd < 0) {
    ThrowErrno(env, errno, "open", &ns_path);
    return env.Undefined();
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    int err = errno;
    close(ns_fd);
    ThrowErrno(env, err, "pipe2");
    return env.Undefined();
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    ReattachInChild(ns_fd, tree_fd, target.c_str(), fds[1], parent);
  }
  int fork_err = errno;
  close(ns_fd);
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    ThrowErrno(env, fork_err, "fork");
    return env.Undefined();
  }
  // A hung FUSE mount at target would hang the child's open: bounded, then killed.
  int status = 0;
  const char* outcome = nullptr;
  for (int64_t waited = 0;; waited += 5) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if ((done < 0 && errno != EINTR) || waited >= timeout_ms) {
      outcome = done < 0 && errno != EINTR ? "failed" : "timeout";
      kill(pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    timespec pause{0, 5 * 1000 * 1000};
    nanosleep(&pause, nullptr);
  }
  int err = 0;
  if (outcome == nullptr && read(fds[0], &err, sizeof err) != static_cast<ssize_t>(sizeof err)) err = 0;
  close(fds[0]);
  if (outcome == nullptr) outcome = WIFEXITED(status) ? OutcomeOf(WEXITSTATUS(status)) : "failed";
  Napi::Object result = Napi::Object::New(env);
  result.Set("outcome", outcome);
  result.Set("errno", static_cast<double>(err));
  return result;
}

// joinCgroupNamespace(nsPath): setns(2) of the calling thread into the cgroup namespace at
// nsPath (/proc/1/ns/cgroup: the host's, with hostPID). /proc/<pid>/cgroup is rendered
// relative to the reading thread's cgroup namespace, so each serving thread joins its own.
// Unlike a mount namespace, a cgroup namespace may be entered by one thread of many.
Napi::Value JoinCgroupNamespace(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string ns_path;
  if (!ArgString(info, 0, "nsPath", ns_path)) return env.Undefined();
  int ns_fd = open(ns_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (ns_fd < 0) {
    ThrowErrno(env, errno, "open", &ns_path);
    return env.Undefined();
  }
  int rc = setns(ns_fd, CLONE_NEWCGROUP);
  int err = errno;
  close(ns_fd);
  if (rc != 0) ThrowErrno(env, err, "setns", &ns_path);
  return env.Undefined();
}

}  // namespace lxcfs
