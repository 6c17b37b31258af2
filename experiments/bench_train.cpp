#include "experiments/bench_train.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agents/dqn.hpp"
#include "agents/evaluate.hpp"
#include "agents/ppo.hpp"
#include "agents/sac.hpp"
#include "envs/registry.hpp"
#include "experiments/options.hpp"
#include "experiments/peer.hpp"

namespace rl::experiments {

namespace {

using Clock = std::chrono::steady_clock;

/// Notes the first moment the mean of the last `window` training episodes reaches a threshold.
class SolveWatch final : public agents::Logger {
 public:
  SolveWatch(double threshold, size_t window) : threshold_(threshold), returns_(window, 0.0) {}

  void scalar(std::string_view, std::int64_t, double) override {}
  void episode(const agents::EpisodeRecord& record) override {
    returns_[count_ % returns_.size()] = record.episode_return;
    ++count_;
    if (solved_step_ < 0 && count_ >= returns_.size()) {
      double mean = 0;
      for (double r : returns_) {
        mean += r;
      }
      if (mean / static_cast<double>(returns_.size()) >= threshold_) {
        solved_step_ = record.step;
        solved_seconds_ = std::chrono::duration<double>(Clock::now() - start_).count();
      }
    }
  }
  void start() { start_ = Clock::now(); }
  bool solved() const { return solved_step_ >= 0; }
  std::int64_t solved_step() const { return solved_step_; }
  double solved_seconds() const { return solved_seconds_; }

 private:
  double threshold_;
  std::vector<double> returns_;
  size_t count_ = 0;
  std::int64_t solved_step_ = -1;
  double solved_seconds_ = 0;
  Clock::time_point start_ = Clock::now();
};

struct Result {
  std::string name;
  std::uint64_t seed = 0;
  double seconds = 0;  ///< to solve, or for the whole budget
  std::int64_t steps = 0;  ///< at solving, or the budget
  double score = 0;  ///< final mean return (evaluation or last 20 episodes)
  bool solved = true;
  double peer_seconds = 0;  ///< 0 when there is no peer measurement
  std::string peer;
  double target = 0;  ///< the required speed-up (ratio) or time limit (seconds)
  bool target_is_ratio = true;
};

/// Trains until the last-20 mean reaches `threshold`, in slices of `slice` steps, within
/// `budget`; the clock covers training only.
Result time_to_solve(const std::string& name, agents::Agent& agent, std::int64_t slice,
                     std::int64_t budget, double threshold) {
  SolveWatch watch(threshold, 20);
  const auto start = Clock::now();
  watch.start();
  while (!watch.solved() && agent.steps() < budget) {
    agent.learn(slice, watch);
  }
  Result r;
  r.name = name;
  r.solved = watch.solved();
  r.seconds = watch.solved() ? watch.solved_seconds()
                             : std::chrono::duration<double>(Clock::now() - start).count();
  r.steps = watch.solved() ? watch.solved_step() : agent.steps();
  r.score = agent.episodes().mean_return(20);
  return r;
}

Result ppo_cartpole(std::uint64_t seed) {
  // CleanRL's ppo.py defaults, as ../shared/peers/ppo_torch.py runs them
  agents::PpoConfig config;
  config.seed = seed;
  auto env = envs::make("CartPole-v1", {.num_envs = 4});
  agents::Ppo ppo(*env, config);
  Result r = time_to_solve("ppo-cartpole", ppo, 512, config.total_steps, 475);
  r.seed = seed;
  r.target = 25;
  return r;
}

/// Trains for the whole budget (the clock covers training only), then scores a 20-episode
/// deterministic evaluation against `threshold`.
Result time_budget(const std::string& name, std::uint64_t seed, agents::Agent& agent,
                   std::int64_t steps, const std::string& env_id, double threshold,
                   double seconds_target, const std::string& reference) {
  agents::NullLogger logger;
  const auto start = Clock::now();
  agent.learn(steps, logger);
  Result r;
  r.name = name;
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.steps = agent.steps();
  auto eval_env = envs::make(env_id, {.num_envs = 4});
  r.score = agents::evaluate(agent, *eval_env, 20, 777 + seed, true).mean_return();
  r.seed = seed;
  r.solved = r.score >= threshold;
  r.peer = reference;
  r.target = seconds_target;
  r.target_is_ratio = false;
  return r;
}

Result ppo_pendulum(std::uint64_t seed) {
  // RLtools' benchmark layout (4 envs x 1024 steps, 300k steps, batch 256, 64-64, 2 epochs)
  agents::Preset<agents::PpoConfig> preset = agents::ppo_preset("Pendulum-v1");
  preset.config.seed = seed;
  auto env = envs::make("Pendulum-v1", {.num_envs = preset.num_envs});
  agents::Ppo ppo(*env, preset.config);
  return time_budget("ppo-pendulum", seed, ppo, preset.steps, "Pendulum-v1", -250, 0.6,
                     "RLtools (published, this machine kind): 0.57-0.61 s");
}

Result dqn_cartpole(std::uint64_t seed) {
  // CleanRL's dqn.py defaults, as ../shared/peers/dqn_torch.py runs them
  agents::DqnConfig config;
  config.seed = seed;
  auto env = envs::make("CartPole-v1", {.num_envs = 1});
  agents::Dqn dqn(*env, config);
  Result r = time_to_solve("dqn-cartpole", dqn, 1000, config.total_steps, 475);
  r.seed = seed;
  r.target = 5;
  return r;
}

Result sac_pendulum(std::uint64_t seed) {
  // RLtools' benchmark layout: 10k steps, one env, 64-64 ReLU, batch 100
  agents::Preset<agents::SacConfig> preset = agents::sac_preset("Pendulum-v1");
  preset.config.seed = seed;
  auto env = envs::make("Pendulum-v1", {.num_envs = preset.num_envs});
  agents::Sac sac(*env, preset.config);
  return time_budget("sac-pendulum", seed, sac, preset.steps, "Pendulum-v1", -200, 2.5,
                     "RLtools (published, this machine kind): 2.47-2.55 s");
}

double peer_solved_seconds(const std::string& python, const std::string& script,
                           std::uint64_t seed) {
  const std::vector<nlohmann::json> rows =
      run_peer(python, script, {"--seed", std::to_string(seed), "--stop-when-solved", "1"});
  const nlohmann::json& result = rows.back();
  if (!result.contains("solved_wall_s") || result["solved_wall_s"].is_null()) {
    return 0;
  }
  return result["solved_wall_s"].get<double>();
}

}  // namespace

int run_bench_train(Args args) {
  std::string which = "all";
  int seeds = 1;
  std::string peers;
  std::string python = "/usr/bin/python3";
  bool json = false;
  po::options_description options("rl bench train options");
  options.add_options()("case", po::value(&which)->default_value(which),
                        "ppo-cartpole, dqn-cartpole, ppo-pendulum, sac-pendulum, or all")(
      "seeds", po::value(&seeds)->default_value(seeds), "seeds 0 .. N-1 per case")(
      "peers", po::value(&peers),
      "folder of the PyTorch peers (../shared/peers): also time them and print the ratio")(
      "python", po::value(&python)->default_value(python), "interpreter for the peers")(
      "json", po::bool_switch(&json), "one JSON object per run");
  po::variables_map values;
  if (!parse_options(args, "rl bench train [--case NAME] [--seeds N] [--peers DIR] [--json]",
                     options, values)) {
    return 0;
  }
  struct Case {
    const char* name;
    std::function<Result(std::uint64_t)> run;
    const char* peer_script;  // in --peers, or null
  };
  const std::vector<Case> cases = {
      {"ppo-cartpole", ppo_cartpole, "ppo_torch.py"},
      {"dqn-cartpole", dqn_cartpole, "dqn_torch.py"},
      {"ppo-pendulum", ppo_pendulum, nullptr},
      {"sac-pendulum", sac_pendulum, nullptr},
  };
  std::vector<const char*> names;
  for (const Case& c : cases) {
    names.push_back(c.name);
  }
  if (which != "all" &&
      std::none_of(cases.begin(), cases.end(), [&](const Case& c) { return which == c.name; })) {
    throw UsageError("unknown case '" + which + "'; did you mean '" + closest(which, names) +
                     "'? (use all, or one of the names in --help)");
  }
  if (seeds < 1) {
    throw UsageError("--seeds must be at least 1");
  }
  if (!json) {
    std::printf("%-14s %4s %10s %9s %10s %10s %9s  %s\n", "case", "seed", "seconds", "steps",
                "return", "peer s", "ratio", "target");
  }
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  };
  for (const Case& c : cases) {
    if (which != "all" && which != c.name) {
      continue;
    }
    std::vector<double> ours;
    std::vector<double> theirs;
    double target = 0;
    bool target_is_ratio = true;
    for (int s = 0; s < seeds; ++s) {
      const auto seed = static_cast<std::uint64_t>(s);
      Result r = c.run(seed);
      if (!peers.empty() && c.peer_script != nullptr) {
        r.peer_seconds = peer_solved_seconds(python, peers + "/" + c.peer_script, seed);
        r.peer = std::string(c.peer_script) + " (PyTorch, same run)";
      }
      const double ratio = r.peer_seconds > 0 ? r.peer_seconds / r.seconds : 0;
      ours.push_back(r.seconds);
      if (r.peer_seconds > 0) {
        theirs.push_back(r.peer_seconds);
      }
      target = r.target;
      target_is_ratio = r.target_is_ratio;
      const bool met =
          r.target_is_ratio ? (r.peer_seconds == 0 || ratio >= r.target) : r.seconds <= r.target;
      if (json) {
        nlohmann::json row = {{"case", r.name},
                              {"seed", r.seed},
                              {"seconds", r.seconds},
                              {"steps", r.steps},
                              {"return", r.score},
                              {"solved", r.solved},
                              {"target", r.target},
                              {"target_is_ratio", r.target_is_ratio},
                              {"meets_target", met && r.solved}};
        if (r.peer_seconds > 0) {
          row["peer_seconds"] = r.peer_seconds;
          row["ratio"] = ratio;
        }
        if (!r.peer.empty()) {
          row["peer"] = r.peer;
        }
        std::cout << row.dump() << '\n';
        continue;
      }
      std::printf("%-14s %4lu %10.3f %9ld %10.1f", r.name.c_str(),
                  static_cast<unsigned long>(r.seed), r.seconds, static_cast<long>(r.steps),
                  r.score);
      if (r.peer_seconds > 0) {
        std::printf(" %10.2f %8.1fx", r.peer_seconds, ratio);
      } else {
        std::printf(" %10s %9s", "-", "-");
      }
      if (r.target_is_ratio) {
        std::printf("  >= %.0fx", r.target);
      } else {
        std::printf("  <= %.2f s", r.target);
      }
      std::printf("%s%s\n", r.solved ? "" : "  (not solved)", met ? "" : "  below target");
      if (!r.peer.empty() && r.peer_seconds == 0) {
        std::printf("%20s reference: %s\n", "", r.peer.c_str());
      }
    }
    // seeds solve at different steps on each side, so compare medians over the seeds
    if (seeds > 1 && !json) {
      const double ours_median = median(ours);
      std::printf("%-14s %4s %10.3f", c.name, "med", ours_median);
      if (!theirs.empty()) {
        const double ratio = median(theirs) / ours_median;
        std::printf(" %30.2f %8.1fx  %s\n", median(theirs), ratio,
                    ratio >= target ? "meets the target" : "below target");
      } else {
        std::printf("  %s\n", target_is_ratio || ours_median <= target ? "meets the target"
                                                                       : "above the time limit");
      }
    }
  }
  return 0;
}

}  // namespace rl::experiments
