#include "experiments/peer.hpp"

#include <cstdio>
#include <stdexcept>
#include <string_view>

namespace rl::experiments {

std::vector<nlohmann::json> run_peer(const std::string& python, const std::string& script,
                                     const std::vector<std::string>& args) {
  // Debian's torch and numpy do their products in OpenBLAS, whose thread count only this
  // variable sets (../shared/peers/README.md).
  std::string command = "OPENBLAS_NUM_THREADS=1 " + python + " '" + script + "'";
  for (const std::string& arg : args) {
    if (!arg.empty()) {
      command += " " + arg;
    }
  }
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    throw std::runtime_error("could not start the peer `" + command + "`");
  }
  std::vector<nlohmann::json> rows;
  std::string last_line;
  char line[4096];
  while (std::fgets(line, sizeof line, pipe) != nullptr) {
    std::string text = line;
    while (!text.empty() && text.back() == '\n') {
      text.pop_back();
    }
    if (!text.empty()) {
      last_line = text;
    }
    // CleanRL-style peers end with "RESULT {json}"
    const std::string_view payload =
        text.starts_with("RESULT ") ? std::string_view(text).substr(7) : std::string_view(text);
    auto json = nlohmann::json::parse(payload, nullptr, false);
    if (json.is_object()) {
      rows.push_back(std::move(json));
    }
  }
  const int status = pclose(pipe);
  if (status != 0 || rows.empty()) {
    throw std::runtime_error("the peer `" + command + "` failed (" + last_line +
                             "); install python3-torch and python3-numpy (scripts/setup.sh "
                             "does) or pass --python");
  }
  return rows;
}

}  // namespace rl::experiments
