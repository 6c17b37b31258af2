#include "envs/wrappers/normalize.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "envs/snapshot.hpp"

namespace rl::envs {

namespace {
/// The observation box: a Box, or an error naming the wrapper.
const Box& observation_box(const EnvSpec& spec, const char* wrapper) {
  const Box* box = std::get_if<Box>(&spec.observation_space);
  check(box != nullptr, wrapper, ": ", spec.id, " has observations in ",
        to_string(spec.observation_space), "; only Box observations can be wrapped");
  return *box;
}
}  // namespace

NormalizeObservation::NormalizeObservation(std::unique_ptr<VecEnv> inner,
                                           const NormalizeObservationConfig& config)
    : VecEnvWrapper(std::move(inner)), config_(config) {
  const Box& box = observation_box(spec_, "NormalizeObservation");
  check(config.clip > 0 && config.epsilon > 0,
        "NormalizeObservation: clip and epsilon must be positive");
  stats_ = RunningMeanStd(box.size());
  spec_.observation_space =
      Box::uniform(static_cast<float>(-config.clip), static_cast<float>(config.clip), box.shape);
  out_.allocate(num_envs(), box.size());
  view_ = out_.view();
}

void NormalizeObservation::set_statistics(const RunningMeanStd& stats) {
  check(stats.mean.size() == stats_.mean.size() && stats.var.size() == stats_.var.size(),
        "NormalizeObservation: statistics for ", stats.mean.size(),
        " features do not fit observations of ", stats_.mean.size());
  stats_ = stats;
}

const Batch& NormalizeObservation::normalize(const Batch& inner, bool update) {
  if (update && config_.update) {
    stats_.update(inner.observations, inner.num_envs);
  }
  const auto size = static_cast<size_t>(inner.observation_size);
  const double clip = config_.clip;
  const auto apply = [&](std::span<const float> in, std::vector<float>& out, std::int64_t row) {
    for (size_t j = 0; j < size; ++j) {
      const size_t k = static_cast<size_t>(row) * size + j;
      const double z = (static_cast<double>(in[k]) - stats_.mean[j]) /
                       std::sqrt(stats_.var[j] + config_.epsilon);
      out[k] = static_cast<float>(std::clamp(z, -clip, clip));
    }
  };
  for (std::int64_t i = 0; i < inner.num_envs; ++i) {
    apply(inner.observations, out_.observations, i);
    if (inner.done(i)) {
      apply(inner.final_observations, out_.final_observations, i);
    }
  }
  view_ = with_observations(inner, out_);
  return view_;
}

const Batch& NormalizeObservation::reset(std::optional<std::uint64_t> seed) {
  return normalize(inner_->reset(seed), true);
}
const Batch& NormalizeObservation::reset_done() {
  return normalize(inner_->reset_done(), false);
}
const Batch& NormalizeObservation::step(std::span<const std::int32_t> actions) {
  return normalize(inner_->step(actions), true);
}
const Batch& NormalizeObservation::step(std::span<const float> actions) {
  return normalize(inner_->step(actions), true);
}

NormalizeReward::NormalizeReward(std::unique_ptr<VecEnv> inner, const NormalizeRewardConfig& config)
    : VecEnvWrapper(std::move(inner)), config_(config) {
  check(config.gamma >= 0 && config.gamma <= 1, "NormalizeReward: gamma = ", config.gamma,
        " must be in [0, 1]");
  check(config.clip > 0 && config.epsilon > 0,
        "NormalizeReward: clip and epsilon must be positive");
  returns_.assign(static_cast<size_t>(num_envs()), 0.0);
  rewards_.assign(static_cast<size_t>(num_envs()), 0.0f);
  view_ = inner_->last();
}

void NormalizeReward::set_statistics(const RunningMeanStd& stats) {
  check(stats.mean.size() == 1 && stats.var.size() == 1,
        "NormalizeReward: reward statistics must hold one value");
  stats_ = stats;
}

// return = gamma * return + reward; update var(return); reward / sqrt(var + eps); return = 0 at
// the end of an episode
const Batch& NormalizeReward::scale(const Batch& inner) {
  for (std::int64_t i = 0; i < inner.num_envs; ++i) {
    const auto k = static_cast<size_t>(i);
    returns_[k] = returns_[k] * config_.gamma + inner.rewards_exact[k];
  }
  if (config_.update) {
    stats_.update(returns_, inner.num_envs);
  }
  const double scale = 1.0 / std::sqrt(stats_.var[0] + config_.epsilon);
  for (std::int64_t i = 0; i < inner.num_envs; ++i) {
    const auto k = static_cast<size_t>(i);
    rewards_[k] =
        static_cast<float>(std::clamp(inner.rewards_exact[k] * scale, -config_.clip, config_.clip));
    if (inner.done(i)) {
      returns_[k] = 0;
    }
  }
  view_ = inner;
  view_.rewards = rewards_;
  return view_;
}

const Batch& NormalizeReward::reset(std::optional<std::uint64_t> seed) {
  std::fill(returns_.begin(), returns_.end(), 0.0);
  view_ = inner_->reset(seed);
  std::fill(rewards_.begin(), rewards_.end(), 0.0f);
  view_.rewards = rewards_;
  return view_;
}

const Batch& NormalizeReward::reset_done() {
  view_ = inner_->reset_done();
  view_.rewards = rewards_;
  return view_;
}

const Batch& NormalizeReward::step(std::span<const std::int32_t> actions) {
  return scale(inner_->step(actions));
}
const Batch& NormalizeReward::step(std::span<const float> actions) {
  return scale(inner_->step(actions));
}

namespace {
// A wrapper's snapshot: its own words, then the inner env's.
void save_statistics(SnapshotWriter& out, const RunningMeanStd& stats) {
  out.raw(stats.mean);
  out.raw(stats.var);
  out.number(stats.count);
}
void load_statistics(SnapshotReader& in, RunningMeanStd& stats) {
  in.raw(stats.mean);
  in.raw(stats.var);
  stats.count = in.number();
}
std::vector<std::uint64_t> with_inner(SnapshotWriter& out, const VecEnv& inner) {
  const std::vector<std::uint64_t> words = inner.snapshot();
  out.raw(words);
  return out.take();
}
std::vector<std::uint64_t> read_inner(SnapshotReader& in) {
  std::vector<std::uint64_t> words(static_cast<size_t>(in.word()));
  in.raw(words.data(), words.size());
  in.finish();
  return words;
}
}  // namespace

std::vector<std::uint64_t> NormalizeObservation::snapshot() const {
  SnapshotWriter out;
  save_statistics(out, stats_);
  out_.save(out);
  return with_inner(out, *inner_);
}

void NormalizeObservation::restore(std::span<const std::uint64_t> snapshot) {
  SnapshotReader in(snapshot, "NormalizeObservation restore");
  load_statistics(in, stats_);
  out_.load(in);
  inner_->restore(read_inner(in));
  view_ = with_observations(inner_->last(), out_);
}

std::vector<std::uint64_t> NormalizeReward::snapshot() const {
  SnapshotWriter out;
  save_statistics(out, stats_);
  out.raw(returns_);
  out.raw(rewards_);
  return with_inner(out, *inner_);
}

void NormalizeReward::restore(std::span<const std::uint64_t> snapshot) {
  SnapshotReader in(snapshot, "NormalizeReward restore");
  load_statistics(in, stats_);
  in.raw(returns_);
  in.raw(rewards_);
  inner_->restore(read_inner(in));
  view_ = inner_->last();
  view_.rewards = rewards_;
}

}  // namespace rl::envs
