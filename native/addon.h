// Entry points of the lxcfs_node addon, registered by addon.cc.
#pragma once

#include <napi.h>

namespace lxcfs {

Napi::Value OpenFuseDevice(const Napi::CallbackInfo& info);
Napi::Value CloneFuseDevice(const Napi::CallbackInfo& info);
Napi::Value Mount(const Napi::CallbackInfo& info);
Napi::Value Umount(const Napi::CallbackInfo& info);
Napi::Value InodeOf(const Napi::CallbackInfo& info);
Napi::Value LockFile(const Napi::CallbackInfo& info);
Napi::Value UnixListen(const Napi::CallbackInfo& info);
Napi::Value UnixAccept(const Napi::CallbackInfo& info);
Napi::Value UnixConnect(const Napi::CallbackInfo& info);
Napi::Value PeerCredentials(const Napi::CallbackInfo& info);
Napi::Value SendMessage(const Napi::CallbackInfo& info);
Napi::Value ReceiveMessage(const Napi::CallbackInfo& info);
Napi::Value OpenTreeClone(const Napi::CallbackInfo& info);
Napi::Value ReattachMount(const Napi::CallbackInfo& info);
Napi::Value JoinCgroupNamespace(const Napi::CallbackInfo& info);
Napi::Value CreateJournal(const Napi::CallbackInfo& info);
Napi::Value ReadJournal(const Napi::CallbackInfo& info);
Napi::Value ClearJournal(const Napi::CallbackInfo& info);
Napi::Function DeviceReaderClass(Napi::Env env);
void RegisterOpenTable(Napi::Env env, Napi::Object exports);

}  // namespace lxcfs
