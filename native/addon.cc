// Module init of the lxcfs_node addon: registers the thin syscall wrappers (device.cc) and
// fd passing (fdpass.cc), re-attaching into a mount namespace (ns.cc), the DeviceReader class (device-reader.cc) with its fast path (fast-path.cc) and in-flight journal (journal.cc), and the
// open-file tables (open-table.cc). Only what Node cannot do lives in C++; the
// FUSE protocol and every policy decision are in TypeScript (src/fuse/, src/native/addon.ts).
#include "addon.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("openFuseDevice", Napi::Function::New(env, lxcfs::OpenFuseDevice, "openFuseDevice"));
  exports.Set("cloneFuseDevice", Napi::Function::New(env, lxcfs::CloneFuseDevice, "cloneFuseDevice"));
  exports.Set("mount", Napi::Function::New(env, lxcfs::Mount, "mount"));
  exports.Set("umount", Napi::Function::New(env, lxcfs::Umount, "umount"));
  exports.Set("inodeOf", Napi::Function::New(env, lxcfs::InodeOf, "inodeOf"));
  exports.Set("lockFile", Napi::Function::New(env, lxcfs::LockFile, "lockFile"));
  exports.Set("unixListen", Napi::Function::New(env, lxcfs::UnixListen, "unixListen"));
  exports.Set("unixAccept", Napi::Function::New(env, lxcfs::UnixAccept, "unixAccept"));
  exports.Set("unixConnect", Napi::Function::New(env, lxcfs::UnixConnect, "unixConnect"));
  exports.Set("peerCredentials", Napi::Function::New(env, lxcfs::PeerCredentials, "peerCredentials"));
  exports.Set("sendMessage", Napi::Function::New(env, lxcfs::SendMessage, "sendMessage"));
  exports.Set("receiveMessage", Napi::Function::New(env, lxcfs::ReceiveMessage, "receiveMessage"));
  exports.Set("openTreeClone", Napi::Function::New(env, lxcfs::OpenTreeClone, "openTreeClone"));
  exports.Set("reattachMount", Napi::Function::New(env, lxcfs::ReattachMount, "reattachMount"));
  exports.Set("joinCgroupNamespace", Napi::Function::New(env, lxcfs::JoinCgroupNamespace, "joinCgroupNamespace"));
  exports.Set("createJournal", Napi::Function::New(env, lxcfs::CreateJournal, "createJournal"));
  exports.Set("readJournal", Napi::Function::New(env, lxcfs::ReadJournal, "readJournal"));
  exports.Set("clearJournal", Napi::Function::New(env, lxcfs::ClearJournal, "clearJournal"));
  exports.Set("DeviceReader", lxcfs::DeviceReaderClass(env));
  lxcfs::RegisterOpenTable(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(lxcfs_node, Init)
