// Errors and argument checks shared by the addon. A failing syscall becomes a JS Error shaped
// like Node's system errors: "<syscall> <path>: <strerror> (<CODE>)" with code, errno
// (positive), syscall and path. C++ exceptions are disabled: throw, then return.
#pragma once

#include <napi.h>
#include <uv.h>

#include <cmath>
#include <cstring>
#include <string>

namespace lxcfs {

// libuv's names cover the usual errnos (on Linux UV_E* == -E*); anything else is "E<n>".
inline std::string ErrnoName(int err) {
  char name[64];
  uv_err_name_r(-err, name, sizeof name);
  return name[0] == 'E' ? std::string(name) : "E" + std::to_string(err);
}

inline void ThrowErrno(Napi::Env env, int err, const char* syscall, const std::string* path = nullptr) {
  char buf[256];
  const char* text = strerror_r(err, buf, sizeof buf);  // GNU variant: returns the message
  std::string code = ErrnoName(err);
  std::string message = std::string(syscall) + (path ? " " + *path : "") + ": " + text + " (" + code + ")";
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", code);
  error.Set("errno", static_cast<double>(err));
  error.Set("syscall", syscall);
  if (path) error.Set("path", *path);
  error.ThrowAsJavaScriptException();
}

// Argument readers: on a bad argument they throw a TypeError and return false.
inline bool ArgString(const Napi::CallbackInfo& info, size_t i, const char* name, std::string& out) {
  if (!info[i].IsString()) {
    Napi::TypeError::New(info.Env(), std::string(name) + " must be a string").ThrowAsJavaScriptException();
    return false;
  }
  out = info[i].As<Napi::String>().Utf8Value();
  if (out.find('\0') != std::string::npos) {  // the kernel would see a truncated path
    Napi::TypeError::New(info.Env(), std::string(name) + " must not contain NUL bytes").ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

inline bool ArgInteger(const Napi::CallbackInfo& info, size_t i, const char* name, int64_t& out) {
  double value = info[i].IsNumber() ? info[i].As<Napi::Number>().DoubleValue() : NAN;
  if (!std::isfinite(value) || value < 0 || value != std::trunc(value) || value > 9007199254740991.0) {
    Napi::TypeError::New(info.Env(), std::string(name) + " must be a non-negative integer").ThrowAsJavaScriptException();
    return false;
  }
  out = static_cast<int64_t>(value);
  return true;
}

inline bool ArgFd(const Napi::CallbackInfo& info, size_t i, int& fd) {
  int64_t value;
  if (!ArgInteger(info, i, "fd", value)) return false;
  if (value > INT32_MAX) {
    Napi::RangeError::New(info.Env(), "fd out of range").ThrowAsJavaScriptException();
    return false;
  }
  fd = static_cast<int>(value);
  return true;
}

}  // namespace lxcfs
