// Files on disk are replaced whole: written next to their final name and renamed over it, so a
// reader, a crash or a full disk never sees half a file.
#pragma once

#include <span>
#include <string>

namespace rl::log {

/// Writes bytes to `path.tmp` and renames it to path; with durable, fsyncs the file and its
/// folder first. Throws WriteError (path intact) if any step fails.
void replace_file(const std::string& path, std::span<const char> bytes, bool durable);

}  // namespace rl::log
