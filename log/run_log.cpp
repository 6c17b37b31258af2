#include "log/run_log.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>

#include "core/error.hpp"
#include "log/hdf5.hpp"
#include "log/replace_file.hpp"

#ifndef RL_VERSION
#define RL_VERSION "unknown"
#endif
#ifndef RL_COMMIT
#define RL_COMMIT "unknown"
#endif

namespace rl::log {

namespace {

constexpr const char* kFormat = "rlsuite-run-log";
constexpr std::int64_t kFormatVersion = 1;
/// /config attributes that describe the run rather than hold an option.
constexpr const char* kCommandLine = "command_line";
constexpr const char* kVersion = "rlsuite_version";
constexpr const char* kStartTime = "start_time";

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

template <class T>
void truncate_to(std::vector<T>& v, size_t rows) {
  if (v.size() > rows) {
    v.resize(rows);
  }
}

std::string policy_group(std::int64_t step) {
  char name[32];
  std::snprintf(name, sizeof name, "step_%012lld", static_cast<long long>(step));
  return name;
}

// ---- writing ----

void write_state_dict(hid_t group, const nn::StateDict& state, const std::string& path) {
  for (const auto& [name, tensor] : state.tensors) {
    h5::write(group, name,
              std::span<const float>(tensor.data(), static_cast<size_t>(tensor.size())),
              {static_cast<hsize_t>(tensor.rows()), static_cast<hsize_t>(tensor.cols())}, path);
  }
  for (const auto& [name, value] : state.scalars) {
    h5::write_scalar(group, name, value, path);
  }
  for (const auto& [name, values] : state.vectors) {
    h5::write(group, name, std::span<const double>(values), {values.size()}, path);
  }
  for (const auto& [name, values] : state.words) {
    h5::write(group, name, std::span<const std::uint64_t>(values), {values.size()}, path);
  }
}

void write_config(hid_t file, const RunLog& log, const std::string& path) {
  h5::Id group = h5::create_group(file, "config", path);
  for (const ConfigEntry& entry : log.config) {
    switch (entry.kind) {
      case ConfigEntry::Kind::kInteger:
        h5::set_attribute(group.get(), entry.key,
                          static_cast<std::int64_t>(std::stoll(entry.value)), path);
        break;
      case ConfigEntry::Kind::kFloat:
        h5::set_attribute(group.get(), entry.key, std::stod(entry.value), path);
        break;
      case ConfigEntry::Kind::kBool:
        h5::set_bool_attribute(group.get(), entry.key, entry.value == "true", path);
        break;
      case ConfigEntry::Kind::kString:
        h5::set_attribute(group.get(), entry.key, entry.value, path);
        break;
    }
  }
  h5::set_attribute(group.get(), kCommandLine, log.command_line, path);
  h5::set_attribute(group.get(), kVersion, log.version, path);
  h5::set_attribute(group.get(), kStartTime, log.start_time, path);
}

void write_episodes(hid_t file, const EpisodeColumns& e, const std::string& path) {
  h5::Id group = h5::create_group(file, "episodes", path);
  const hsize_t n = e.size();
  h5::write(group.get(), "r", std::span<const double>(e.r), {n}, path);
  h5::write(group.get(), "l", std::span<const std::int64_t>(e.l), {n}, path);
  h5::write(group.get(), "t", std::span<const double>(e.t), {n}, path);
  h5::write(group.get(), "global_step", std::span<const std::int64_t>(e.global_step), {n}, path);
  h5::write(group.get(), "env_index", std::span<const std::int64_t>(e.env_index), {n}, path);
  h5::write_bool(group.get(), "terminated", e.terminated, path);
  h5::write_bool(group.get(), "truncated", e.truncated, path);
}

void write_metrics(hid_t file, const MetricsTable& m, const std::string& path) {
  h5::Id group = h5::create_group(file, "metrics", path);
  const hsize_t n = m.size();
  h5::write(group.get(), "step", std::span<const std::int64_t>(m.step), {n}, path);
  h5::write(group.get(), "wall_time", std::span<const double>(m.wall_time), {n}, path);
  for (const auto& [key, values] : m.columns) {
    h5::write(group.get(), key, std::span<const double>(values), {n}, path);
  }
}

void write_eval(hid_t file, const EvalTable& e, const std::string& path) {
  h5::Id group = h5::create_group(file, "eval", path);
  const hsize_t n = e.size();
  size_t width = 0;
  for (const auto& row : e.results) {
    width = std::max(width, row.size());
  }
  // Rows are padded (NaN returns, -1 lengths) only if the episode count changed on a resume.
  std::vector<double> results(n * width, kMissing);
  std::vector<std::int64_t> lengths(n * width, -1);
  for (size_t i = 0; i < n; ++i) {
    std::copy(e.results[i].begin(), e.results[i].end(), results.begin() + i * width);
    std::copy(e.ep_lengths[i].begin(), e.ep_lengths[i].end(), lengths.begin() + i * width);
  }
  h5::write(group.get(), "timesteps", std::span<const std::int64_t>(e.timesteps), {n}, path);
  h5::write(group.get(), "t", std::span<const double>(e.t), {n}, path);
  h5::write(group.get(), "results", std::span<const double>(results), {n, width}, path);
  h5::write(group.get(), "ep_lengths", std::span<const std::int64_t>(lengths), {n, width}, path);
}

void write_checkpoint(hid_t file, const Checkpoint& c, const std::string& path) {
  h5::Id group = h5::create_group(file, "checkpoint", path);
  h5::set_attribute(group.get(), "step", c.step, path);
  h5::set_attribute(group.get(), "wall_time", c.wall_time, path);
  h5::set_attribute(group.get(), "episodes", static_cast<std::int64_t>(c.episodes), path);
  h5::set_attribute(group.get(), "metric_rows", static_cast<std::int64_t>(c.metric_rows), path);
  h5::set_attribute(group.get(), "eval_rows", static_cast<std::int64_t>(c.eval_rows), path);
  h5::Id agent = h5::create_group(group.get(), "agent", path);
  write_state_dict(agent.get(), c.training, path);
  h5::write(group.get(), "env", std::span<const std::uint64_t>(c.env), {c.env.size()}, path);
}

void write_policies(hid_t file, const RunLog& log, const std::string& path) {
  h5::Id group = h5::create_group(file, "policies", path);
  for (const auto& [step, state] : log.policies) {
    h5::Id policy = h5::create_group(group.get(), policy_group(step), path);
    h5::set_attribute(policy.get(), "step", step, path);
    write_state_dict(policy.get(), state, path);
  }
}

std::vector<char> build_image(const RunLog& log, const std::string& path) {
  h5::Id file = h5::create_memory_file();
  h5::set_attribute(file.get(), "format", std::string(kFormat), path);
  h5::set_attribute(file.get(), "format_version", kFormatVersion, path);
  h5::set_attribute(file.get(), "status", log.status, path);
  h5::set_attribute(file.get(), "status_message", log.status_message, path);
  h5::set_attribute(file.get(), "steps_done", log.steps_done, path);
  h5::set_attribute(file.get(), "wall_time", log.wall_time, path);
  write_config(file.get(), log, path);
  write_episodes(file.get(), log.episodes, path);
  write_metrics(file.get(), log.metrics, path);
  write_eval(file.get(), log.eval, path);
  if (log.checkpoint) {
    write_checkpoint(file.get(), *log.checkpoint, path);
  }
  write_policies(file.get(), log, path);
  return h5::file_image(file.get());
}

// ---- reading ----

nn::StateDict read_state_dict(hid_t group, const std::string& path) {
  nn::StateDict state;
  for (const std::string& name : h5::dataset_paths(group, path)) {
    const std::vector<hsize_t> dims = h5::shape(group, name, path);
    switch (h5::data_kind(group, name, path)) {
      case h5::DataKind::kFloat32: {
        check(dims.size() == 2, path, ": checkpoint tensor ", name, " is not 2-D");
        const std::vector<float> values = h5::read_floats(group, name, path);
        nn::Matrix tensor(static_cast<Eigen::Index>(dims[0]), static_cast<Eigen::Index>(dims[1]));
        std::copy(values.begin(), values.end(), tensor.data());
        state.put(name, tensor);
        break;
      }
      case h5::DataKind::kFloat64:
        if (dims.empty()) {
          state.put(name, h5::read_scalar(group, name, path));
        } else {
          state.put(name, h5::read_doubles(group, name, path));
        }
        break;
      case h5::DataKind::kUnsignedInteger:
        state.put_words(name, h5::read_uint64(group, name, path));
        break;
      default: throw Error(message(path, ": checkpoint entry ", name, " has an unexpected type"));
    }
  }
  return state;
}

std::string attribute_as_text(hid_t object, const std::string& name, ConfigEntry::Kind& kind,
                              const std::string& path) {
  switch (h5::attribute_kind(object, name, path)) {
    case h5::AttributeKind::kInteger:
      kind = ConfigEntry::Kind::kInteger;
      return std::to_string(h5::get_int_attribute(object, name, path));
    case h5::AttributeKind::kFloat: {
      kind = ConfigEntry::Kind::kFloat;
      char buffer[64];
      const auto result = std::to_chars(buffer, buffer + sizeof buffer,
                                        h5::get_double_attribute(object, name, path));
      return std::string(buffer, result.ptr);
    }
    case h5::AttributeKind::kBool:
      kind = ConfigEntry::Kind::kBool;
      return h5::get_bool_attribute(object, name, path) ? "true" : "false";
    case h5::AttributeKind::kString:
      kind = ConfigEntry::Kind::kString;
      return h5::get_string_attribute(object, name, path);
    case h5::AttributeKind::kOther: break;
  }
  throw Error(message(path, ": config attribute ", name, " has an unexpected type"));
}

void read_config(hid_t file, RunLog& log, const std::string& path) {
  h5::Id group = h5::open_group(file, "config", path);
  for (const std::string& name : h5::attribute_names(group.get(), path)) {
    ConfigEntry entry;
    entry.key = name;
    entry.value = attribute_as_text(group.get(), name, entry.kind, path);
    if (name == kCommandLine) {
      log.command_line = entry.value;
    } else if (name == kVersion) {
      log.version = entry.value;
    } else if (name == kStartTime) {
      log.start_time = entry.value;
    } else {
      log.config.push_back(std::move(entry));
    }
  }
}

template <class T>
void check_rows(const std::vector<T>& column, size_t rows, const std::string& name,
                const std::string& path) {
  check(column.size() == rows, path, ": column ", name, " has ", column.size(), " rows, expected ",
        rows, "; the file is damaged");
}

void read_episodes(hid_t file, EpisodeColumns& e, const std::string& path) {
  h5::Id group = h5::open_group(file, "episodes", path);
  e.r = h5::read_doubles(group.get(), "r", path);
  e.l = h5::read_int64(group.get(), "l", path);
  e.t = h5::read_doubles(group.get(), "t", path);
  e.global_step = h5::read_int64(group.get(), "global_step", path);
  e.env_index = h5::read_int64(group.get(), "env_index", path);
  e.terminated = h5::read_bool(group.get(), "terminated", path);
  e.truncated = h5::read_bool(group.get(), "truncated", path);
  const size_t n = e.r.size();
  check_rows(e.l, n, "episodes/l", path);
  check_rows(e.t, n, "episodes/t", path);
  check_rows(e.global_step, n, "episodes/global_step", path);
  check_rows(e.env_index, n, "episodes/env_index", path);
  check_rows(e.terminated, n, "episodes/terminated", path);
  check_rows(e.truncated, n, "episodes/truncated", path);
}

void read_metrics(hid_t file, MetricsTable& m, const std::string& path) {
  h5::Id group = h5::open_group(file, "metrics", path);
  m.step = h5::read_int64(group.get(), "step", path);
  m.wall_time = h5::read_doubles(group.get(), "wall_time", path);
  check_rows(m.wall_time, m.step.size(), "metrics/wall_time", path);
  for (const std::string& key : h5::dataset_paths(group.get(), path)) {
    if (key == "step" || key == "wall_time") {
      continue;
    }
    std::vector<double> values = h5::read_doubles(group.get(), key, path);
    check_rows(values, m.step.size(), "metrics/" + key, path);
    m.columns.emplace_back(key, std::move(values));
  }
}

void read_eval(hid_t file, EvalTable& e, const std::string& path) {
  h5::Id group = h5::open_group(file, "eval", path);
  e.timesteps = h5::read_int64(group.get(), "timesteps", path);
  e.t = h5::read_doubles(group.get(), "t", path);
  const std::vector<hsize_t> dims = h5::shape(group.get(), "results", path);
  check(dims.size() == 2 && dims[0] == e.timesteps.size(), path,
        ": eval/results does not match eval/timesteps; the file is damaged");
  const std::vector<double> results = h5::read_doubles(group.get(), "results", path);
  const std::vector<std::int64_t> lengths = h5::read_int64(group.get(), "ep_lengths", path);
  check_rows(lengths, results.size(), "eval/ep_lengths", path);
  const size_t width = dims[1];
  for (size_t i = 0; i < dims[0]; ++i) {
    std::vector<double> row;
    std::vector<std::int64_t> length_row;
    for (size_t j = 0; j < width; ++j) {
      if (lengths[i * width + j] >= 0) {
        row.push_back(results[i * width + j]);
        length_row.push_back(lengths[i * width + j]);
      }
    }
    e.results.push_back(std::move(row));
    e.ep_lengths.push_back(std::move(length_row));
  }
}

}  // namespace

void EpisodeColumns::truncate(size_t rows) {
  truncate_to(r, rows);
  truncate_to(l, rows);
  truncate_to(t, rows);
  truncate_to(global_step, rows);
  truncate_to(env_index, rows);
  truncate_to(terminated, rows);
  truncate_to(truncated, rows);
}

void MetricsTable::add(const std::string& key, std::int64_t at_step, double at_time, double value) {
  auto found = std::find_if(columns.begin(), columns.end(),
                            [&](const auto& column) { return column.first == key; });
  const bool new_row = step.empty() || step.back() != at_step ||
                       (found != columns.end() && !std::isnan(found->second.back()));
  if (new_row) {
    step.push_back(at_step);
    wall_time.push_back(at_time);
    for (auto& column : columns) {
      column.second.push_back(kMissing);
    }
  }
  if (found == columns.end()) {
    columns.emplace_back(key, std::vector<double>(step.size(), kMissing));
    found = columns.end() - 1;
  }
  found->second.back() = value;
}

const std::vector<double>* MetricsTable::column(const std::string& key) const {
  for (const auto& c : columns) {
    if (c.first == key) {
      return &c.second;
    }
  }
  return nullptr;
}

void MetricsTable::truncate(size_t rows) {
  truncate_to(step, rows);
  truncate_to(wall_time, rows);
  for (auto& column : columns) {
    truncate_to(column.second, rows);
  }
}

void EvalTable::truncate(size_t rows) {
  truncate_to(timesteps, rows);
  truncate_to(t, rows);
  truncate_to(results, rows);
  truncate_to(ep_lengths, rows);
}

const std::string& RunLog::option(const std::string& key) const {
  for (const ConfigEntry& entry : config) {
    if (entry.key == key) {
      return entry.value;
    }
  }
  throw Error(message("the run log has no option '", key, "'; it was not written by this rlsuite"));
}

bool RunLog::has_option(const std::string& key) const {
  return std::any_of(config.begin(), config.end(),
                     [&](const ConfigEntry& entry) { return entry.key == key; });
}

std::string build_version() {
  return std::string(RL_VERSION) + " (" + RL_COMMIT + ")";
}

void write_run_log(const RunLog& log, const std::string& path, bool durable) {
  replace_file(path, build_image(log, path), durable);
}

RunLog read_run_log(const std::string& path, ReadParts parts) {
  h5::Id file = h5::open_file(path);
  const bool is_run_log =
      h5::has_attribute(file.get(), "format") &&
      h5::attribute_kind(file.get(), "format", path) == h5::AttributeKind::kString &&
      h5::get_string_attribute(file.get(), "format", path) == kFormat;
  check(is_run_log, path, " is an HDF5 file but not an rlsuite run log (no format attribute '",
        kFormat, "'); pass a file written by rl train");
  RunLog log;
  try {
    const std::int64_t version = h5::get_int_attribute(file.get(), "format_version", path);
    check(version <= kFormatVersion, path, " is a run log of format ", version,
          ", newer than this rlsuite reads (", kFormatVersion, "); update rlsuite");
    log.status = h5::get_string_attribute(file.get(), "status", path);
    log.status_message = h5::get_string_attribute(file.get(), "status_message", path);
    log.steps_done = h5::get_int_attribute(file.get(), "steps_done", path);
    log.wall_time = h5::get_double_attribute(file.get(), "wall_time", path);
    read_config(file.get(), log, path);
    read_episodes(file.get(), log.episodes, path);
    read_metrics(file.get(), log.metrics, path);
    read_eval(file.get(), log.eval, path);
    if (h5::exists(file.get(), "checkpoint")) {
      h5::Id group = h5::open_group(file.get(), "checkpoint", path);
      Checkpoint c;
      c.step = h5::get_int_attribute(group.get(), "step", path);
      c.wall_time = h5::get_double_attribute(group.get(), "wall_time", path);
      c.episodes = static_cast<std::uint64_t>(h5::get_int_attribute(group.get(), "episodes", path));
      c.metric_rows =
          static_cast<std::uint64_t>(h5::get_int_attribute(group.get(), "metric_rows", path));
      c.eval_rows =
          static_cast<std::uint64_t>(h5::get_int_attribute(group.get(), "eval_rows", path));
      if (parts.checkpoint) {
        h5::Id agent = h5::open_group(group.get(), "agent", path);
        c.training = read_state_dict(agent.get(), path);
        c.env = h5::read_uint64(group.get(), "env", path);
      }
      log.checkpoint = std::move(c);
    }
    if (h5::exists(file.get(), "policies")) {
      h5::Id group = h5::open_group(file.get(), "policies", path);
      for (const std::string& name : h5::members(group.get(), path)) {
        h5::Id policy = h5::open_group(group.get(), name, path);
        const std::int64_t step = h5::get_int_attribute(policy.get(), "step", path);
        log.policies.emplace_back(
            step, parts.policies ? read_state_dict(policy.get(), path) : nn::StateDict{});
      }
    }
  } catch (const Error& e) {
    const std::string what = e.what();
    // Errors that already name the file pass through; HDF5 ones get the file's name.
    if (what.rfind(path, 0) == 0) {
      throw;
    }
    throw Error(message(path, " is not a complete rlsuite run log (", what,
                        "); pass a file written by rl train"));
  }
  return log;
}

const std::pair<std::int64_t, nn::StateDict>& find_policy(const RunLog& log,
                                                          std::optional<std::int64_t> step,
                                                          const std::string& path) {
  check(!log.policies.empty(), path,
        " holds no saved policy yet (no checkpoint was written); train longer or lower "
        "--checkpoint-every");
  if (!step) {
    return log.policies.back();
  }
  for (const auto& policy : log.policies) {
    if (policy.first == *step) {
      return policy;
    }
  }
  std::string saved;
  for (const auto& policy : log.policies) {
    saved += (saved.empty() ? "" : ", ") + std::to_string(policy.first);
  }
  throw Error(message(path, " has no policy saved at step ", *step, "; saved steps: ", saved));
}

}  // namespace rl::log
