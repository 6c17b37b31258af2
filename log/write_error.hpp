// A failed write of a log file, with the system's reason, so callers can tell a full disk from
// a missing folder and say what to do.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>

#include "core/error.hpp"

namespace rl::log {

class WriteError : public Error {
 public:
  WriteError(const std::string& path, int error)
      : Error(message(
            "cannot write ", path, ": ", std::strerror(error),
            disk_full(error) ? " (the disk is full or a file size limit was reached)" : "")),
        error_(error) {}
  int error() const { return error_; }
  bool disk_full() const { return disk_full(error_); }
  static bool disk_full(int error) { return error == ENOSPC || error == EFBIG || error == EDQUOT; }

 private:
  int error_;
};

}  // namespace rl::log
