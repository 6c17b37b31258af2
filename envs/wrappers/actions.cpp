#include "envs/wrappers/actions.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace rl::envs {

namespace {
const Box& action_box(const EnvSpec& spec, const char* wrapper) {
  const Box* box = std::get_if<Box>(&spec.action_space);
  check(box != nullptr, wrapper, ": ", spec.id, " has actions in ", to_string(spec.action_space),
        "; only Box actions can be clipped or rescaled");
  return *box;
}

void check_size(const VecEnv& env, std::span<const float> actions, const Box& box,
                const char* wrapper) {
  const std::int64_t expected = env.num_envs() * box.size();
  if (static_cast<std::int64_t>(actions.size()) != expected) [[unlikely]] {
    throw Error(message(wrapper, " on ", env.spec().id, ": got ", actions.size(),
                        " action values; pass ", expected, " (", env.num_envs(), " rows of ",
                        box.size(), ")"));
  }
}
}  // namespace

ClipAction::ClipAction(std::unique_ptr<VecEnv> inner)
    : VecEnvWrapper(std::move(inner)), bounds_(action_box(spec_, "ClipAction")) {
  const float inf = std::numeric_limits<float>::infinity();
  spec_.action_space = Box::uniform(-inf, inf, bounds_.shape);
  clipped_.resize(static_cast<size_t>(num_envs() * bounds_.size()));
}

const Batch& ClipAction::step(std::span<const std::int32_t> actions) {
  return inner_->step(actions);  // the inner env reports the wrong action type
}

const Batch& ClipAction::step(std::span<const float> actions) {
  check_size(*inner_, actions, bounds_, "ClipAction");
  const size_t size = bounds_.low.size();
  for (size_t k = 0; k < actions.size(); ++k) {
    clipped_[k] = std::clamp(actions[k], bounds_.low[k % size], bounds_.high[k % size]);
    if (std::isnan(actions[k])) [[unlikely]] {
      clipped_[k] = actions[k];  // the inner env names the NaN
    }
  }
  return inner_->step(clipped_);
}

RescaleAction::RescaleAction(std::unique_ptr<VecEnv> inner, float min_action, float max_action)
    : VecEnvWrapper(std::move(inner)),
      bounds_(action_box(spec_, "RescaleAction")),
      min_action_(min_action),
      max_action_(max_action) {
  check(min_action < max_action, "RescaleAction: min_action ", min_action,
        " must be below max_action ", max_action);
  check(bounds_.bounded(), "RescaleAction: ", spec_.id, "'s action space ",
        to_string(spec_.action_space), " is unbounded; there is no range to rescale to");
  spec_.action_space = Box::uniform(min_action, max_action, bounds_.shape);
  rescaled_.resize(static_cast<size_t>(num_envs() * bounds_.size()));
}

const Batch& RescaleAction::step(std::span<const std::int32_t> actions) {
  return inner_->step(actions);
}

// a' = low + (high - low) (a - min) / (max - min)
const Batch& RescaleAction::step(std::span<const float> actions) {
  check_size(*inner_, actions, bounds_, "RescaleAction");
  const size_t size = bounds_.low.size();
  const double span = static_cast<double>(max_action_) - min_action_;
  for (size_t k = 0; k < actions.size(); ++k) {
    const double low = bounds_.low[k % size];
    const double high = bounds_.high[k % size];
    rescaled_[k] = static_cast<float>(
        low + (high - low) * (static_cast<double>(actions[k]) - min_action_) / span);
  }
  return inner_->step(rescaled_);
}

}  // namespace rl::envs
