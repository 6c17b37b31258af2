#include "experiments/bench_env.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "envs/registry.hpp"
#include "experiments/options.hpp"
#include "experiments/peer.hpp"

namespace rl::experiments {

namespace {

struct Measurement {
  std::string env;
  std::int64_t num_envs = 0;
  int threads = 0;
  double steps_per_s = 0;
};

/// Steps of pre-drawn random actions cycled through while timing.
constexpr std::int64_t kActionSteps = 1024;

Measurement measure(const std::string& id, std::int64_t num_envs, int threads, double seconds,
                    int repeats) {
  auto env = envs::make(id, {.num_envs = num_envs, .threads = threads});
  const envs::Space& space = env->spec().action_space;
  const std::int64_t width = envs::flat_size(space);
  envs::NumpyRandom rng(12345);
  std::vector<std::int32_t> discrete;
  std::vector<float> continuous;
  if (const auto* d = std::get_if<envs::Discrete>(&space)) {
    discrete.resize(static_cast<size_t>(kActionSteps * num_envs));
    for (std::int32_t& a : discrete) {
      a = static_cast<std::int32_t>(d->sample(rng));
    }
  } else {
    const auto& box = std::get<envs::Box>(space);
    continuous.resize(static_cast<size_t>(kActionSteps * num_envs * width));
    for (std::int64_t k = 0; k < kActionSteps * num_envs; ++k) {
      box.sample(rng, std::span(continuous)
                          .subspan(static_cast<size_t>(k * width), static_cast<size_t>(width)));
    }
  }
  const auto step = [&](std::int64_t t) {
    const std::int64_t row = t % kActionSteps;
    if (!discrete.empty()) {
      env->step(std::span(discrete).subspan(static_cast<size_t>(row * num_envs),
                                            static_cast<size_t>(num_envs)));
    } else {
      env->step(std::span(continuous)
                    .subspan(static_cast<size_t>(row * num_envs * width),
                             static_cast<size_t>(num_envs * width)));
    }
  };
  env->reset(0);
  for (std::int64_t t = 0; t < 200; ++t) {
    step(t);
  }
  std::vector<double> rates;
  for (int r = 0; r < repeats; ++r) {
    std::int64_t steps = 0;
    const auto start = std::chrono::steady_clock::now();
    double elapsed = 0;
    while (elapsed < seconds) {
      for (std::int64_t t = 0; t < kActionSteps; ++t) {
        step(steps + t);
      }
      steps += kActionSteps;
      elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    rates.push_back(static_cast<double>(steps * num_envs) / elapsed);
  }
  std::sort(rates.begin(), rates.end());
  return {id, num_envs, threads, rates[rates.size() / 2]};
}

}  // namespace

int run_bench_env(Args args) {
  std::string id = "CartPole-v1";
  std::int64_t num_envs = 64;
  int threads = 1;
  double seconds = 1.0;
  bool json = false;
  bool quick = false;
  std::string peer;
  std::string python = "/usr/bin/python3";
  po::options_description options("rl bench env options");
  options.add_options()("env", po::value(&id)->default_value(id),
                        "environment id, or `all` for every one")(
      "num-envs", po::value(&num_envs)->default_value(num_envs), "copies stepped together")(
      "threads", po::value(&threads)->default_value(threads), "threads stepping them")(
      "seconds", po::value(&seconds)->default_value(seconds), "timed seconds per repeat")(
      "quick", po::bool_switch(&quick), "one repeat instead of three")(
      "json", po::bool_switch(&json), "one JSON object per line")(
      "peer", po::value(&peer),
      "also run this numpy CartPole benchmark (e.g. "
      "../shared/peers/cartpole_np.py) and print the ratio")(
      "python", po::value(&python)->default_value(python), "interpreter for --peer");
  po::variables_map values;
  if (!parse_options(args, "rl bench env [--env ID] [--num-envs N] [--threads T] [--json]", options,
                     values)) {
    return 0;
  }
  if (num_envs < 1 || threads < 1 || seconds <= 0) {
    throw UsageError("--num-envs and --threads must be at least 1 and --seconds positive");
  }
  std::vector<std::string> ids;
  if (id == "all") {
    for (const envs::RegisteredEnv& e : envs::registered_envs()) {
      ids.emplace_back(e.id);
    }
  } else {
    ids.push_back(envs::find_env(id).id);
  }

  std::vector<nlohmann::json> peer_rows;
  if (!peer.empty()) {
    peer_rows = run_peer(python, peer, {"--json", quick ? "--quick" : ""});
  }
  if (!json) {
    std::printf("%-26s %8s %8s %16s", "env", "num_envs", "threads", "steps/s");
    if (!peer_rows.empty()) {
      std::printf(" %16s %8s", "numpy steps/s", "ratio");
    }
    std::printf("\n");
  }
  for (const std::string& env_id : ids) {
    const Measurement m = measure(env_id, num_envs, threads, seconds, quick ? 1 : 3);
    const nlohmann::json* match = nullptr;
    for (const nlohmann::json& row : peer_rows) {
      if (row.value("env", "") == m.env && row.value("num_envs", 0) == m.num_envs) {
        match = &row;
      }
    }
    const double peer_rate = match != nullptr ? match->at("env_steps_per_s").get<double>() : 0;
    if (json) {
      nlohmann::json row = {{"env", m.env},
                            {"num_envs", m.num_envs},
                            {"threads", m.threads},
                            {"steps_per_s", m.steps_per_s}};
      if (match != nullptr) {
        row["peer"] = "numpy (cartpole_np.py)";
        row["peer_steps_per_s"] = peer_rate;
        row["ratio"] = m.steps_per_s / peer_rate;
      }
      std::cout << row.dump() << '\n';
    } else {
      std::printf("%-26s %8ld %8d %16.0f", m.env.c_str(), static_cast<long>(m.num_envs), m.threads,
                  m.steps_per_s);
      if (match != nullptr) {
        std::printf(" %16.0f %7.1fx", peer_rate, m.steps_per_s / peer_rate);
      } else if (!peer_rows.empty()) {
        std::printf(" %16s", "(no peer case)");
      }
      std::printf("\n");
    }
  }
  return 0;
}

}  // namespace rl::experiments
