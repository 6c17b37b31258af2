// Runs a peer benchmark program (../shared/peers/*.py) in the same run and collects the JSON
// objects it prints, one per line.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rl::experiments {

/// `OPENBLAS_NUM_THREADS=1 python script args...` (single-threaded figures; empty args are
/// skipped). Lines that are JSON objects, or "RESULT " followed by one, are collected. Throws one
/// line naming the command and its last output line when it fails or prints no JSON object.
std::vector<nlohmann::json> run_peer(const std::string& python, const std::string& script,
                                     const std::vector<std::string>& args);

}  // namespace rl::experiments
