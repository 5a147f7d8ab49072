// OpenTable (open-table.h) and its JS bindings. fh values stay exact as JS numbers: they
// wrap to 1 after 2^53 opens, as the TypeScript table they replace did.
#include "open-table.h"

#include <map>

#include "addon.h"
#include "errors.h"

namespace lxcfs {

namespace {
constexpr uint64_t kMaxSafeInteger = 9007199254740991ULL;

std::mutex registry_mu;
std::map<uint32_t, std::shared_ptr<OpenTable>> registry;
uint32_t next_id = 1;
}  // namespace

uint64_t OpenTable::Open(uint64_t node) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t fh = next_;
  next_ = next_ >= kMaxSafeInteger ? 1 : next_ + 1;
  open_[fh] = Entry{node, nullptr};
  return fh;
}

bool OpenTable::Adopt(uint64_t fh, uint64_t node) {
  if (!IsFile(node)) return false;
  std::lock_guard<std::mutex> lock(mu_);
  open_.emplace(fh, Entry{node, nullptr});
  return true;
}

bool OpenTable::SetSnapshot(uint64_t fh, Snapshot snapshot) {
  std::vector<Snapshot> freed;  // freed after the lock is released
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(fh);
  if (it == open_.end()) return false;
  Entry& entry = it->second;
  if (entry.snapshot != nullptr) bytes_ -= entry.snapshot->size();
  if (snapshot != nullptr) bytes_ += snapshot->size();
  freed.push_back(std::move(entry.snapshot));
  entry.snapshot = std::move(snapshot);
  entry.dropped = false;
  if (bytes_ > budget_) DropSnapshotsLocked(fh, freed);
  return true;
}

void OpenTable::DropSnapshotsLocked(uint64_t keep, std::vector<Snapshot>& freed) {
  for (auto& [fh, entry] : open_) {
    if (bytes_ <= budget_ / 2) break;
    if (fh == keep || entry.snapshot == nullptr) continue;
    bytes_ -= entry.snapshot->size();
    freed.push_back(std::move(entry.snapshot));
    entry.snapshot = nullptr;
    entry.dropped = true;
    dropped_++;
  }
}

void OpenTable::SnapshotUse(uint64_t& bytes, uint64_t& dropped) {
  std::lock_guard<std::mutex> lock(mu_);
  bytes = bytes_;
  dropped = dropped_;
}

bool OpenTable::Find(uint64_t fh, Entry& out) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(fh);
  if (it == open_.end()) return false;
  out = it->second;
  return true;
}

bool OpenTable::Get(uint64_t fh, Snapshot& out, SnapshotState& state) {
  Entry entry;
  if (!Find(fh, entry)) return false;
  state = entry.snapshot != nullptr ? SnapshotState::kKept : entry.dropped ? SnapshotState::kDropped : SnapshotState::kFresh;
  out = std::move(entry.snapshot);
  return true;
}

bool OpenTable::NodeOf(uint64_t fh, uint64_t& node) {
  Entry entry;
  if (!Find(fh, entry)) return false;
  node = entry.node;
  return true;
}

void OpenTable::Release(uint64_t fh) {
  Snapshot dropped;  // freed after the lock is released
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(fh);
  if (it == open_.end()) return;
  dropped = std::move(it->second.snapshot);
  if (dropped != nullptr) bytes_ -= dropped->size();
  open_.erase(it);
}

size_t OpenTable::Size() {
  std::lock_guard<std::mutex> lock(mu_);
  return open_.size();
}

uint32_t CreateTable(std::unordered_set<uint64_t> files, uint32_t open_flags, uint64_t first_fh, uint64_t snapshot_budget) {
  auto table = std::make_shared<OpenTable>(std::move(files), open_flags, first_fh, snapshot_budget);
  std::lock_guard<std::mutex> lock(registry_mu);
  uint32_t id = next_id++;
  registry[id] = std::move(table);
  return id;
}

std::shared_ptr<OpenTable> FindTable(uint32_t id) {
  std::lock_guard<std::mutex> lock(registry_mu);
  auto it = registry.find(id);
  return it == registry.end() ? nullptr : it->second;
}

void DestroyTable(uint32_t id) {
  std::shared_ptr<OpenTable> dropped;
  std::lock_guard<std::mutex> lock(registry_mu);
  auto it = registry.find(id);
  if (it == registry.end()) return;
  dropped = std::move(it->second);
  registry.erase(it);
}

namespace {

// Reads argument 0 as a table id; throws a RangeError for an unknown one.
std::shared_ptr<OpenTable> ArgTable(const Napi::CallbackInfo& info) {
  int64_t id;
  if (!ArgInteger(info, 0, "table", id)) return nullptr;
  auto table = id <= UINT32_MAX ? FindTable(static_cast<uint32_t>(id)) : nullptr;
  if (table == nullptr) Napi::RangeError::New(info.Env(), "unknown open-file table").ThrowAsJavaScriptException();
  return table;
}

bool ArgU64(const Napi::CallbackInfo& info, size_t i, const char* name, uint64_t& out) {
  int64_t value;
  if (!ArgInteger(info, i, name, value)) return false;
  out = static_cast<uint64_t>(value);
  return true;
}

// createOpenTable(fileInodes: number[], openFlags: number, firstFh = 1, snapshotBudget = 32 MiB)
// → id. A successor on a live connection starts past its predecessors' handles, so adopted
// and new fhs never collide.
Napi::Value Create(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) {
    Napi::TypeError::New(env, "fileInodes must be an array").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Array list = info[0].As<Napi::Array>();
  std::unordered_set<uint64_t> files;
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Value v = list.Get(i);
    double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
    if (!(d >= 1 && d <= 9007199254740991.0) || d != static_cast<double>(static_cast<uint64_t>(d))) {
      Napi::TypeError::New(env, "fileInodes must hold positive integers").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    files.insert(static_cast<uint64_t>(d));
  }
  int64_t flags;
  if (!ArgInteger(info, 1, "openFlags", flags)) return env.Undefined();
  if (flags > UINT32_MAX) {
    Napi::RangeError::New(env, "openFlags out of range").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int64_t first = 1;
  if (info.Length() > 2 && !info[2].IsUndefined() && !ArgInteger(info, 2, "firstFh", first)) return env.Undefined();
  if (first < 1) first = 1;
  int64_t budget = static_cast<int64_t>(kDefaultSnapshotBudget);
  if (info.Length() > 3 && !info[3].IsUndefined() && !ArgInteger(info, 3, "snapshotBudget", budget)) return env.Undefined();
  return Napi::Number::New(env, CreateTable(std::move(files), static_cast<uint32_t>(flags), static_cast<uint64_t>(first), static_cast<uint64_t>(budget)));
}

Napi::Value Destroy(const Napi::CallbackInfo& info) {
  int64_t id;
  if (ArgInteger(info, 0, "table", id) && id <= UINT32_MAX) DestroyTable(static_cast<uint32_t>(id));
  return info.Env().Undefined();
}

// openTableOpen(id, node) → fh
Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto table = ArgTable(info);
  uint64_t node;
  if (table == nullptr || !ArgU64(info, 1, "node", node)) return env.Undefined();
  return Napi::Number::New(env, static_cast<double>(table->Open(node)));
}

// openTableAdopt(id, fh, node) → false when node is not a file of the table.
Napi::Value Adopt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto table = ArgTable(info);
  uint64_t fh, node;
  if (table == nullptr || !ArgU64(info, 1, "fh", fh) || !ArgU64(info, 2, "node", node)) return env.Undefined();
  return Napi::Boolean::New(env, fh != 0 && table->Adopt(fh, node));
}

// openTableSetSnapshot(id, fh, bytes) → false when fh is not open. The bytes are copied.
Napi::Value SetSnapshot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto table = ArgTable(info);
  uint64_t fh;
  if (table == nullptr || !ArgU64(info, 1, "fh", fh)) return env.Undefined();
  if (!info[2].IsBuffer()) {
    Napi::TypeError::New(env, "snapshot must be a Buffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto bytes = info[2].As<Napi::Buffer<uint8_t>>();
  auto snapshot = std::make_shared<const std::vector<uint8_t>>(bytes.Data(), bytes.Data() + bytes.Length());
  return Napi::Boolean::New(env, table->SetSnapshot(fh, std::move(snapshot)));
}

// openTableSnapshot(id, fh) → a copy of the snapshot, null before the first offset-0 read,
// undefined when fh is not open or its snapshot was dropped for the budget (render afresh).
Napi::Value GetSnapshot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto table = ArgTable(info);
  uint64_t fh;
  if (table == nullptr || !ArgU64(info, 1, "fh", fh)) return env.Undefined();
  Snapshot snapshot;
  SnapshotState state;
  if (!table->Get(fh, snapshot, state) || state == SnapshotState::kDropped) return env.Undefined();
  if (state == SnapshotState::kFresh) return env.Null();
  return Napi::Buffer<uint8_t>::Copy(env, snapshot->data(), snapshot->size());
}

// openTableNode(id, fh) → the inode fh was opened on, undefined when fh is not open.
Napi::Value NodeOf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto table = ArgTable(info);
  uint64_t fh, node;
  if (table == nullptr || !ArgU64(info, 1, "fh", fh) || !table->NodeOf(fh, node)) return env.Undefined();
  return Napi::Number::New(env, static_cast<double>(node));
}

Napi::Value Release(const Napi::CallbackInfo& info) {
  auto table = ArgTable(info);
  uint64_t fh;
  if (table != nullptr && ArgU64(info, 1, "fh", fh)) table->Release(fh);
  return info.Env().Undefined();
}

// openTableStats(id) → { open: handles open now, answered: { open, read, release, flush },
// snapshots: { bytes held now, dropped for the budget so far } }
Napi::Value Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto table = ArgTable(info);
  if (table == nullptr) return env.Undefined();
  Napi::Object answered = Napi::Object::New(env);
  answered.Set("open", static_cast<double>(table->counts.open.load()));
  answered.Set("read", static_cast<double>(table->counts.read.load()));
  answered.Set("release", static_cast<double>(table->counts.release.load()));
  answered.Set("flush", static_cast<double>(table->counts.flush.load()));
  uint64_t bytes, dropped;
  table->SnapshotUse(bytes, dropped);
  Napi::Object snapshots = Napi::Object::New(env);
  snapshots.Set("bytes", static_cast<double>(bytes));
  snapshots.Set("dropped", static_cast<double>(dropped));
  Napi::Object stats = Napi::Object::New(env);
  stats.Set("open", static_cast<double>(table->Size()));
  stats.Set("answered", answered);
  stats.Set("snapshots", snapshots);
  return stats;
}

}  // namespace

void RegisterOpenTable(Napi::Env env, Napi::Object exports) {
  exports.Set("createOpenTable", Napi::Function::New(env, Create, "createOpenTable"));
  exports.Set("destroyOpenTable", Napi::Function::New(env, Destroy, "destroyOpenTable"));
  exports.Set("openTableOpen", Napi::Function::New(env, Open, "openTableOpen"));
  exports.Set("openTableAdopt", Napi::Function::New(env, Adopt, "openTableAdopt"));
  exports.Set("openTableSetSnapshot", Napi::Function::New(env, SetSnapshot, "openTableSetSnapshot"));
  exports.Set("openTableSnapshot", Napi::Function::New(env, GetSnapshot, "openTableSnapshot"));
  exports.Set("openTableNode", Napi::Function::New(env, NodeOf, "openTableNode"));
  exports.Set("openTableRelease", Napi::Function::New(env, Release, "openTableRelease"));
  exports.Set("openTableStats", Napi::Function::New(env, Stats, "openTableStats"));
}

}  // namespace lxcfs
