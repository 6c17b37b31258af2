// `rl eval`: plays a run log's saved policy (the last, or the one of --checkpoint) for whole
// episodes and reports the mean and standard deviation of return and length, as SB3's
// evaluate_policy.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "agents/evaluate.hpp"
#include "envs/registry.hpp"
#include "experiments/command.hpp"
#include "experiments/options.hpp"
#include "experiments/saved_policy.hpp"
#include "experiments/trajectories.hpp"

namespace rl::experiments {

namespace {

constexpr const char* kUsage =
    "rl eval --run RUN.h5 [--episodes N] [--seed N] [--checkpoint STEP] [--env ID] [--json] "
    "[--record-trajectories FOLDER]";

double std_of(const std::vector<std::int64_t>& values) {
  if (values.empty()) {
    return 0;
  }
  double mean = 0;
  for (auto v : values) {
    mean += static_cast<double>(v);
  }
  mean /= static_cast<double>(values.size());
  double total = 0;
  for (auto v : values) {
    total += (static_cast<double>(v) - mean) * (static_cast<double>(v) - mean);
  }
  return std::sqrt(total / static_cast<double>(values.size()));
}

}  // namespace

int run_eval(Args args) {
  std::string path;
  std::int64_t episodes = 10;
  std::uint64_t seed = 0;
  std::int64_t checkpoint = -1;
  std::string env_id;
  std::vector<std::string> sets;
  bool json = false;
  bool stochastic = false;
  std::string trajectories;
  po::options_description options("rl eval options");
  options.add_options()("run", po::value(&path), "the run log written by rl train")(
      "episodes", po::value(&episodes)->default_value(episodes), "complete episodes to play")(
      "seed", po::value(&seed)->default_value(seed), "seed of the evaluation episodes")(
      "checkpoint", po::value(&checkpoint),
      "evaluate the policy saved at this step (default: the last; `rl analyze` lists them)")(
      "env", po::value(&env_id),
      "evaluate on another environment with the same spaces (default: the run's)")(
      "set", po::value(&sets)->composing(), "env.KEY=VALUE: change an env parameter")(
      "stochastic", po::bool_switch(&stochastic), "sample actions instead of the greedy ones")(
      "json", po::bool_switch(&json), "print one JSON object")(
      "record-trajectories", po::value(&trajectories),
      "also save every step of the episodes as a Minari dataset in FOLDER (FOLDER/data/"
      "main_data.hdf5 and metadata.json); the episodes are then played one at a time, episode "
      "k with seed + k");
  po::variables_map values;
  if (!parse_options(args, kUsage, options, values)) {
    return 0;
  }
  if (path.empty()) {
    throw UsageError(message("no run log given; pass --run RUN.h5 (usage: ", kUsage, ")"));
  }
  if (episodes < 1) {
    throw UsageError(message("--episodes = ", episodes, " must be at least 1"));
  }

  const SavedPolicy saved = load_saved_policy(
      path, checkpoint >= 0 ? std::optional<std::int64_t>(checkpoint) : std::nullopt, env_id, sets);
  const RunSettings& settings = saved.settings;
  const std::int64_t step = saved.step;
  agents::EvaluationResult result;
  if (trajectories.empty()) {
    auto env =
        envs::make(settings.env_id, settings.env_options(std::min<std::int64_t>(episodes, 8)));
    auto agent = saved.make_agent(*env);
    result = agents::evaluate(*agent, *env, episodes, seed, !stochastic);
  } else {
    envs::EnvOptions env_options = settings.env_options(1);
    env_options.autoreset = envs::AutoReset::kDisabled;
    auto env = envs::make(settings.env_id, env_options);
    auto agent = saved.make_agent(*env);
    log::MinariDataset dataset = collect_trajectories(*agent, *env, episodes, seed, !stochastic);
    std::string env_name = settings.env_id.substr(0, settings.env_id.rfind("-v"));
    std::transform(env_name.begin(), env_name.end(), env_name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    dataset.dataset_id = "rlsuite/" + env_name + "/" + settings.agent + "-v0";
    dataset.algorithm_name = settings.agent;
    dataset.description =
        message(episodes, stochastic ? " sampled" : " greedy", " episodes of the ", settings.agent,
                " policy at step ", step, " of ", path, " on ", settings.env_id, ", seeds ", seed,
                "..", seed + static_cast<std::uint64_t>(episodes) - 1);
    for (const log::TrajectoryEpisode& e : dataset.episodes) {
      double total = 0;
      for (double r : e.rewards) {
        total += r;
      }
      result.returns.push_back(total);
      result.lengths.push_back(e.steps);
    }
    log::write_minari_dataset(trajectories, dataset);
  }

  if (json) {
    nlohmann::json out = {{"run", path},
                          {"env", settings.env_id},
                          {"agent", settings.agent},
                          {"step", step},
                          {"episodes", episodes},
                          {"seed", seed},
                          {"deterministic", !stochastic},
                          {"mean_return", result.mean_return()},
                          {"std_return", result.std_return()},
                          {"mean_length", result.mean_length()},
                          {"std_length", std_of(result.lengths)},
                          {"returns", result.returns},
                          {"lengths", result.lengths}};
    if (!trajectories.empty()) {
      out["trajectories"] = trajectories + "/data/main_data.hdf5";
    }
    std::cout << out.dump() << '\n';
  } else {
    const auto [lowest, highest] =
        std::minmax_element(result.returns.begin(), result.returns.end());
    std::printf("%s on %s, policy at step %lld of %s\n", settings.agent.c_str(),
                settings.env_id.c_str(), static_cast<long long>(step), path.c_str());
    std::printf(
        "  return %.2f +/- %.2f over %lld %s episodes (min %.2f, max %.2f); length "
        "%.1f +/- %.1f\n",
        result.mean_return(), result.std_return(), static_cast<long long>(episodes),
        stochastic ? "sampled" : "greedy", *lowest, *highest, result.mean_length(),
        std_of(result.lengths));
    if (!trajectories.empty()) {
      std::printf(
          "  trajectories: %s/data/main_data.hdf5 (Minari layout; "
          "minari.MinariDataset(\"%s/data\"))\n",
          trajectories.c_str(), trajectories.c_str());
    }
  }
  return 0;
}

}  // namespace rl::experiments
