#include "envs/registry.hpp"

#include <algorithm>
#include <cctype>

#include "core/edit_distance.hpp"
#include "core/error.hpp"
#include "envs/classic_control/acrobot.hpp"
#include "envs/classic_control/cartpole.hpp"
#include "envs/classic_control/mountain_car.hpp"
#include "envs/classic_control/mountain_car_continuous.hpp"
#include "envs/classic_control/pendulum.hpp"

namespace rl::envs {

namespace {

const RegisteredEnv kEnvs[] = {
    {"CartPole-v1", "balance a pole on a cart by pushing it left or right", &make_cartpole,
     &describe_params<CartPole::Params>},
    {"MountainCar-v0", "drive an underpowered car up a hill by rocking (discrete pushes)",
     &make_mountain_car, &describe_params<MountainCar::Params>},
    {"MountainCarContinuous-v0", "drive an underpowered car up a hill (continuous force)",
     &make_mountain_car_continuous, &describe_params<MountainCarContinuous::Params>},
    {"Acrobot-v1", "swing a two-link arm's tip above a bar by torquing its elbow", &make_acrobot,
     &describe_params<Acrobot::Params>},
    {"Pendulum-v1", "swing a pendulum up and keep it upright (continuous torque)", &make_pendulum,
     &describe_params<Pendulum::Params>},
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::span<const RegisteredEnv> registered_envs() {
  return kEnvs;
}

std::vector<std::string> closest_ids(std::string_view id, size_t count) {
  const std::string wanted = lower(id);
  std::vector<std::pair<size_t, std::string>> scored;
  for (const RegisteredEnv& env : kEnvs) {
    const std::string candidate = lower(env.id);
    // a shared prefix (e.g. "cartpole" for "CartPole-v1") counts as close
    size_t distance = edit_distance(wanted, candidate);
    if (!wanted.empty() &&
        candidate.starts_with(wanted.substr(0, std::min<size_t>(wanted.size(), 6)))) {
      distance = std::min(distance, candidate.size() - std::min(candidate.size(), wanted.size()));
    }
    scored.emplace_back(distance, env.id);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (size_t i = 0; i < std::min(count, scored.size()); ++i) {
    out.push_back(scored[i].second);
  }
  return out;
}

const RegisteredEnv& find_env(std::string_view id) {
  for (const RegisteredEnv& env : kEnvs) {
    if (id == env.id) {
      return env;
    }
  }
  std::string suggestions;
  for (const std::string& close : closest_ids(id)) {
    suggestions += (suggestions.empty() ? "" : ", ") + close;
  }
  throw Error(message("unknown environment '", id, "'; did you mean ", suggestions,
                      "? (`rl envs` lists them all)"));
}

std::unique_ptr<VecEnv> make(std::string_view id, const EnvOptions& options) {
  return find_env(id).make(options);
}

}  // namespace rl::envs
