// Replays Gymnasium's reference trajectories (every *.csv in $RL_CONFORMANCE_DIR, by default
// ../shared/conformance next to the repository): each episode starts from its recorded initial
// state, applies the recorded actions, and must reproduce every step's internal state,
// observation, reward, terminated and truncated exactly. *.numpy2.csv files replay with the env's
// numpy2 option. It also checks that reset(seed) draws Gymnasium's initial state.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "envs/env.hpp"

namespace rl::envs {
namespace {

namespace fs = std::filesystem;

fs::path conformance_dir() {
  if (const char* dir = std::getenv("RL_CONFORMANCE_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return fs::path(RL_SOURCE_DIR) / ".." / "shared" / "conformance";
}

std::vector<std::string> split(const std::string& line, char separator) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, separator)) {
    fields.push_back(field);
  }
  if (!line.empty() && line.back() == separator) {
    fields.emplace_back();
  }
  return fields;
}

/// Numbers printed with %.17g parse back exactly with strtod.
std::vector<double> numbers(const std::string& field) {
  std::vector<double> out;
  std::istringstream in(field);
  std::string token;
  while (in >> token) {
    out.push_back(std::strtod(token.c_str(), nullptr));
  }
  return out;
}

std::string value_after(const std::string& text, const std::string& key) {
  const size_t at = text.find(key);
  if (at == std::string::npos) {
    return {};
  }
  const size_t start = at + key.size();
  return text.substr(start, text.find_first_of(" \n", start) - start);
}

struct Row {
  int episode = 0;
  int step = 0;
  std::vector<double> initial_state;
  std::vector<double> action;
  std::vector<double> obs;
  double reward = 0;
  bool terminated = false;
  bool truncated = false;
  std::vector<double> state;
};

struct Trace {
  std::string env_id;
  int max_episode_steps = 0;
  std::map<int, std::uint64_t> reset_seeds;  // episode -> seed
  std::vector<Row> rows;
};

Trace read_trace(const fs::path& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  Trace trace;
  std::string line;
  bool header_seen = false;
  while (std::getline(in, line)) {
    if (line.starts_with("#")) {
      if (trace.env_id.empty()) {
        trace.env_id = value_after(line, "env_id=");
        trace.max_episode_steps = std::stoi(value_after(line, "max_episode_steps="));
      }
      if (line.starts_with("# episode ")) {
        const int episode = std::stoi(line.substr(10));
        trace.reset_seeds[episode] = std::stoull(value_after(line, "reset_seed="));
      }
      continue;
    }
    if (!header_seen) {
      header_seen = true;
      REQUIRE(line == "episode,step,initial_state,action,obs,reward,terminated,truncated,state");
      continue;
    }
    const std::vector<std::string> f = split(line, ',');
    REQUIRE(f.size() == 9);
    Row row;
    row.episode = std::stoi(f[0]);
    row.step = std::stoi(f[1]);
    row.initial_state = numbers(f[2]);
    row.action = numbers(f[3]);
    row.obs = numbers(f[4]);
    row.reward = f[5].empty() ? 0.0 : std::strtod(f[5].c_str(), nullptr);
    row.terminated = f[6] == "1";
    row.truncated = f[7] == "1";
    row.state = numbers(f[8]);
    trace.rows.push_back(std::move(row));
  }
  return trace;
}

/// Largest |a - b| / max(|b|, tiny) over two equal-length vectors.
double max_relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    worst = std::max(worst, std::abs(a[i] - b[i]) / std::max(std::abs(b[i]), 1e-300));
  }
  return worst;
}

std::vector<double> as_doubles(std::span<const float> values) {
  return {values.begin(), values.end()};
}

struct Replay {
  int episodes = 0;
  int steps = 0;
  int mismatched_steps = 0;
  double worst_state_difference = 0;
};

Replay replay(const fs::path& path) {
  const Trace trace = read_trace(path);
  const bool numpy2 = path.filename().string().ends_with(".numpy2.csv");
  EnvOptions options;
  if (numpy2) {
    options.params = {{"numpy2", "true"}};
  }
  Env env(trace.env_id, options);
  REQUIRE(env.spec().max_episode_steps == trace.max_episode_steps);
  const bool discrete = is_discrete(env.spec().action_space);
  std::vector<double> state(static_cast<size_t>(env.vec().state_size()));

  Replay result;
  for (const Row& row : trace.rows) {
    INFO(path.filename().string() << " episode " << row.episode << " step " << row.step);
    if (row.step == 0) {
      ++result.episodes;
      // reset(seed) draws Gymnasium's initial state ...
      env.reset(trace.reset_seeds.at(row.episode));
      env.vec().get_state(0, state);
      CHECK(state == row.initial_state);
      // ... and the replay starts from the recorded one either way
      env.vec().set_state(0, row.initial_state);
      CHECK(as_doubles(env.observation()) == row.obs);
      continue;
    }
    ++result.steps;
    Env::StepResult step;
    if (discrete) {
      step = env.step(static_cast<std::int32_t>(row.action.at(0)));
    } else {
      const std::vector<float> action(row.action.begin(), row.action.end());
      step = env.step(action);
    }
    env.vec().get_state(0, state);
    const bool exact = state == row.state && as_doubles(step.observation) == row.obs &&
                       step.reward == row.reward && step.terminated == row.terminated &&
                       step.truncated == row.truncated;
    if (!exact) {
      ++result.mismatched_steps;
      result.worst_state_difference =
          std::max(result.worst_state_difference, max_relative_difference(state, row.state));
    }
    CHECK(state == row.state);
    CHECK(as_doubles(step.observation) == row.obs);
    CHECK(step.reward == row.reward);
    CHECK(step.terminated == row.terminated);
    CHECK(step.truncated == row.truncated);
  }
  return result;
}

TEST_CASE("classic control replays Gymnasium's conformance traces bit for bit",
          "[envs][conformance]") {
  const fs::path dir = conformance_dir();
  INFO("conformance folder " << dir << " (set RL_CONFORMANCE_DIR to use another)");
  REQUIRE(fs::is_directory(dir));
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".csv") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  REQUIRE_FALSE(files.empty());
  for (const fs::path& file : files) {
    const Replay r = replay(file);
    std::cout << "conformance: " << file.filename().string() << ": " << r.episodes << " episodes, "
              << r.steps << " steps, " << r.mismatched_steps
              << " not bit-exact (worst relative state difference " << r.worst_state_difference
              << ")\n";
    CHECK(r.episodes > 0);
    CHECK(r.mismatched_steps == 0);
  }
}

}  // namespace
}  // namespace rl::envs
