// The HDF5 run log: everything written reads back exactly (floats to the bit), a failed write
// leaves the previous file intact, and damaged or foreign files fail with one line naming them.
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include <catch2/catch.hpp>

#include "log/run_log.hpp"
#include "log/write_error.hpp"
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using rl::log::ConfigEntry;
using rl::log::RunLog;

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    char pattern[] = "/tmp/rl-test-log-XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

std::uint32_t bits(float x) {
  std::uint32_t b = 0;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

std::uint64_t bits(double x) {
  std::uint64_t b = 0;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

std::vector<std::uint64_t> bits(const std::vector<double>& v) {
  std::vector<std::uint64_t> out;
  for (double x : v) {
    out.push_back(bits(x));
  }
  return out;
}

rl::nn::StateDict sample_state(float offset) {
  rl::nn::StateDict state;
  rl::nn::Matrix weight(3, 2);
  weight << 1.5f + offset, -0.0f, std::numeric_limits<float>::denorm_min(), 1e-30f,
      std::numeric_limits<float>::max(), -7.25f;
  state.put("actor/0.weight", weight);
  rl::nn::Matrix bias(1, 3);
  bias << 0.1f, 0.2f, 0.3f;
  state.put("actor/0.bias", bias);
  state.put("optimizer/steps", 42.0);
  state.put("optimizer/learning_rate", 0.1 + 0.2);
  state.put("stats/mean", std::vector<double>{1.0 / 3.0, -2.5e-310, 7});
  state.put_words("rng", {0xdeadbeefcafef00dULL, 0, ~0ULL});
  return state;
}

RunLog sample_log() {
  RunLog log;
  log.config = {{"env", "CartPole-v1", ConfigEntry::Kind::kString},
                {"steps", "100000", ConfigEntry::Kind::kInteger},
                {"ppo.learning_rate", "0.00025", ConfigEntry::Kind::kFloat},
                {"ppo.anneal_lr", "true", ConfigEntry::Kind::kBool},
                {"ppo.norm_adv", "false", ConfigEntry::Kind::kBool},
                {"env.gravity", "9.8", ConfigEntry::Kind::kFloat}};
  log.command_line = "rl train --env CartPole-v1 --agent ppo --out run.h5";
  log.version = "0.1.0 (abc)";
  log.start_time = "2026-12-04T12:00:00Z";
  log.status = "finished";
  log.steps_done = 2048;
  log.wall_time = 1.25;
  auto& e = log.episodes;
  for (int i = 0; i < 5; ++i) {
    e.r.push_back(10.5 * i + 1.0 / 3.0);
    e.l.push_back(10 + i);
    e.t.push_back(0.01 * i);
    e.global_step.push_back(100 * i);
    e.env_index.push_back(i % 2);
    e.terminated.push_back(i % 2 == 0 ? 1 : 0);
    e.truncated.push_back(i % 2 == 0 ? 0 : 1);
  }
  log.metrics.add("train/loss", 128, 0.1, 0.5);
  log.metrics.add("train/entropy_loss", 128, 0.1, -0.69);
  log.metrics.add("rollout/ep_rew_mean", 256, 0.2, 22.0);
  log.metrics.add("train/loss", 256, 0.2, 0.25);
  log.eval.timesteps = {1024, 2048};
  log.eval.t = {0.5, 1.0};
  log.eval.results = {{9.0, 10.0, 11.0}, {20.0, 21.0}};  // a resume changed the count
  log.eval.ep_lengths = {{9, 10, 11}, {20, 21}};
  rl::log::Checkpoint c;
  c.step = 2048;
  c.wall_time = 1.2;
  c.episodes = 5;
  c.metric_rows = 2;
  c.eval_rows = 2;
  c.training = sample_state(0);
  c.env = {1, 2, 3, 0xffffffffffffffffULL};
  log.checkpoint = c;
  log.policies = {{0, sample_state(1)}, {2048, sample_state(2)}};
  return log;
}

void check_same_state(const rl::nn::StateDict& a, const rl::nn::StateDict& b) {
  REQUIRE(a.tensors.size() == b.tensors.size());
  for (const auto& [name, tensor] : a.tensors) {
    INFO(name);
    const rl::nn::Matrix& other = b.tensor(name);
    REQUIRE(other.rows() == tensor.rows());
    REQUIRE(other.cols() == tensor.cols());
    for (Eigen::Index i = 0; i < tensor.size(); ++i) {
      CHECK(bits(other.data()[i]) == bits(tensor.data()[i]));
    }
  }
  REQUIRE(a.scalars.size() == b.scalars.size());
  for (const auto& [name, value] : a.scalars) {
    INFO(name);
    CHECK(bits(b.scalar(name)) == bits(value));
  }
  REQUIRE(a.vectors.size() == b.vectors.size());
  for (const auto& [name, values] : a.vectors) {
    INFO(name);
    CHECK(bits(b.vector(name)) == bits(values));
  }
  REQUIRE(a.words.size() == b.words.size());
  for (const auto& [name, values] : a.words) {
    INFO(name);
    CHECK(b.word_array(name) == values);
  }
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const rl::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a run log reads back exactly what was written", "[log]") {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  const RunLog written = sample_log();
  rl::log::write_run_log(written, path, true);
  const RunLog read = rl::log::read_run_log(path, {.checkpoint = true, .policies = true});

  REQUIRE(read.config.size() == written.config.size());
  for (size_t i = 0; i < written.config.size(); ++i) {
    CHECK(read.config[i].key == written.config[i].key);  // creation order is kept
    CHECK(read.config[i].value == written.config[i].value);
    CHECK(read.config[i].kind == written.config[i].kind);
  }
  CHECK(read.option("ppo.learning_rate") == "0.00025");
  CHECK(read.command_line == written.command_line);
  CHECK(read.version == written.version);
  CHECK(read.start_time == written.start_time);
  CHECK(read.status == "finished");
  CHECK(read.steps_done == 2048);
  CHECK(read.wall_time == 1.25);

  CHECK(bits(read.episodes.r) == bits(written.episodes.r));
  CHECK(read.episodes.l == written.episodes.l);
  CHECK(read.episodes.global_step == written.episodes.global_step);
  CHECK(read.episodes.env_index == written.episodes.env_index);
  CHECK(read.episodes.terminated == written.episodes.terminated);
  CHECK(read.episodes.truncated == written.episodes.truncated);

  REQUIRE(read.metrics.size() == 2);
  CHECK(read.metrics.step == std::vector<std::int64_t>{128, 256});
  const std::vector<double>* loss = read.metrics.column("train/loss");
  REQUIRE(loss != nullptr);
  CHECK(*loss == std::vector<double>{0.5, 0.25});
  const std::vector<double>* reward = read.metrics.column("rollout/ep_rew_mean");
  REQUIRE(reward != nullptr);
  CHECK(std::isnan((*reward)[0]));  // not logged at step 128
  CHECK((*reward)[1] == 22.0);

  CHECK(read.eval.timesteps == written.eval.timesteps);
  CHECK(read.eval.results == written.eval.results);
  CHECK(read.eval.ep_lengths == written.eval.ep_lengths);

  REQUIRE(read.checkpoint.has_value());
  CHECK(read.checkpoint->step == 2048);
  CHECK(read.checkpoint->episodes == 5);
  CHECK(read.checkpoint->metric_rows == 2);
  CHECK(read.checkpoint->eval_rows == 2);
  CHECK(read.checkpoint->env == written.checkpoint->env);
  check_same_state(written.checkpoint->training, read.checkpoint->training);

  REQUIRE(read.policies.size() == 2);
  CHECK(read.policies[1].first == 2048);
  check_same_state(written.policies[1].second, read.policies[1].second);
  CHECK(rl::log::find_policy(read, std::nullopt, path).first == 2048);
  CHECK(rl::log::find_policy(read, 0, path).first == 0);
  const std::string missing = error_of([&] { rl::log::find_policy(read, 7, path); });
  CHECK_THAT(missing, Catch::Contains("no policy saved at step 7") &&
                          Catch::Contains("saved steps: 0, 2048"));
}

TEST_CASE("metrics rows group the values logged at one step", "[log]") {
  rl::log::MetricsTable m;
  m.add("a", 10, 0, 1);
  m.add("b", 10, 0, 2);  // same step: same row
  m.add("a", 10, 0, 3);  // a is set already: new row
  m.add("b", 20, 0, 4);
  REQUIRE(m.size() == 3);
  CHECK(m.step == std::vector<std::int64_t>{10, 10, 20});
  CHECK((*m.column("a"))[0] == 1);
  CHECK((*m.column("a"))[1] == 3);
  CHECK(std::isnan((*m.column("a"))[2]));
  CHECK((*m.column("b"))[0] == 2);
  CHECK(std::isnan((*m.column("b"))[1]));
  m.truncate(1);
  CHECK(m.size() == 1);
  CHECK(m.column("b")->size() == 1);
}

TEST_CASE("a failed write leaves the previous run log intact", "[log]") {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  RunLog small = sample_log();
  rl::log::write_run_log(small, path, true);
  const auto size_before = fs::file_size(path);

  // A bigger log written under a file size limit fails like a full disk. The limit applies to
  // the whole process, so the write happens in a child.
  RunLog big = small;
  big.episodes.r.assign(200'000, 1.0);
  big.episodes.l.assign(200'000, 1);
  big.episodes.t.assign(200'000, 1.0);
  big.episodes.global_step.assign(200'000, 1);
  big.episodes.env_index.assign(200'000, 0);
  big.episodes.terminated.assign(200'000, 1);
  big.episodes.truncated.assign(200'000, 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{static_cast<rlim_t>(size_before) + 4096,
                       static_cast<rlim_t>(size_before) + 4096};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    int code = 1;
    try {
      rl::log::write_run_log(big, path, true);
    } catch (const rl::log::WriteError& e) {
      code = e.disk_full() && std::string(e.what()).find(path) != std::string::npos ? 0 : 2;
    }
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);  // WriteError naming the path, recognised as a full disk

  CHECK(fs::file_size(path) == size_before);
  CHECK_FALSE(fs::exists(path + ".tmp"));
  const RunLog read = rl::log::read_run_log(path);
  CHECK(read.episodes.size() == small.episodes.size());
}

TEST_CASE("missing, foreign, truncated and damaged files fail with one line naming them", "[log]") {
  TempDir dir;
  const std::string missing = dir.file("missing.h5");
  CHECK_THAT(error_of([&] { rl::log::read_run_log(missing); }),
             Catch::Contains(missing) && Catch::Contains("cannot be opened"));

  const std::string text = dir.file("notes.h5");
  write_text(text, std::string(4096, 'x'));
  CHECK_THAT(error_of([&] { rl::log::read_run_log(text); }),
             Catch::Contains(text) && Catch::Contains("not an HDF5 file"));

  const std::string good = dir.file("good.h5");
  rl::log::write_run_log(sample_log(), good, false);
  std::ifstream in(good, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  for (size_t keep : {bytes.size() / 2, bytes.size() - 100, size_t{2048}}) {
    const std::string cut = dir.file("cut.h5");
    write_text(cut, bytes.substr(0, keep));
    const std::string error = error_of([&] { rl::log::read_run_log(cut, {true, true}); });
    INFO("kept " << keep << " of " << bytes.size() << " bytes");
    CHECK_THAT(error, Catch::Contains(cut));
    CHECK(error.find('\n') == std::string::npos);
  }

  // Flipped bytes in the middle of the metadata must not crash the reader.
  std::string damaged = bytes;
  for (size_t i = 600; i < 900 && i < damaged.size(); ++i) {
    damaged[i] = static_cast<char>(damaged[i] ^ 0x5a);
  }
  const std::string flipped = dir.file("flipped.h5");
  write_text(flipped, damaged);
  const std::string error = error_of([&] { rl::log::read_run_log(flipped, {true, true}); });
  CHECK_THAT(error, Catch::Contains(flipped));
}
