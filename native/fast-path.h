// Answers a FUSE request natively when the open-file table alone decides it (fast-path.cc).
#pragma once

#include <cstddef>
#include <cstdint>

#include "open-table.h"

namespace lxcfs {

// true: the request was answered on `fd` and must not reach JavaScript.
bool AnswerNatively(OpenTable& table, int fd, const uint8_t* req, size_t n);

}  // namespace lxcfs
