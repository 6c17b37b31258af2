// Definitions of BatchedEnv. Include only from an environment's .cpp, followed by
// `template class BatchedEnv<MyDynamics>;` (see batched_env.hpp for why).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "core/error.hpp"
#include "envs/batched_env.hpp"
#include "envs/parallel.hpp"
#include "envs/snapshot.hpp"

namespace rl::envs {

template <Dynamics D>
BatchedEnv<D>::BatchedEnv(const Params& params, const EnvOptions& options)
    : params_(params),
      spec_(D::spec(params)),
      num_envs_(options.num_envs),
      max_steps_(0),
      autoreset_(options.autoreset) {
  check(options.num_envs >= 1, spec_.id, ": num_envs = ", options.num_envs, " must be at least 1");
  if (options.max_episode_steps) {
    check(*options.max_episode_steps >= 0, spec_.id,
          ": max_episode_steps = ", *options.max_episode_steps,
          " must be >= 0 (0 removes the time limit)");
    spec_.max_episode_steps = *options.max_episode_steps;
  }
  spec_.autoreset = options.autoreset;
  max_steps_ =
      spec_.max_episode_steps > 0 ? spec_.max_episode_steps : std::numeric_limits<int>::max();
  set_threads(options.threads);
  const auto n = static_cast<size_t>(num_envs_);
  states_.resize(n);
  rngs_.reserve(n);
  for (std::int64_t i = 0; i < num_envs_; ++i) {
    rngs_.emplace_back(options.seed + static_cast<std::uint64_t>(i));
  }
  elapsed_.assign(n, 0);
  running_returns_.assign(n, 0.0);
  needs_reset_.assign(n, 0);
  out_.allocate(num_envs_, flat_size(spec_.observation_space));
  view_ = out_.view();
}

template <Dynamics D>
void BatchedEnv<D>::set_threads(int threads) {
  check(threads >= 1, spec_.id, ": threads = ", threads, " must be at least 1");
  threads_ = threads;
}

template <Dynamics D>
void BatchedEnv<D>::reset_env(std::int64_t i) {
  const auto k = static_cast<size_t>(i);
  states_[k] = D::reset(params_, rngs_[k]);
  elapsed_[k] = 0;
  running_returns_[k] = 0;
  needs_reset_[k] = 0;
  D::observe(params_, states_[k], out_.observation(i));
}

template <Dynamics D>
const Batch& BatchedEnv<D>::reset(std::optional<std::uint64_t> seed) {
  for (std::int64_t i = 0; i < num_envs_; ++i) {
    if (seed) {
      rngs_[static_cast<size_t>(i)] = NumpyRandom(*seed + static_cast<std::uint64_t>(i));
    }
    reset_env(i);
  }
  out_.clear_step_outputs();
  has_reset_ = true;
  return view_;
}

template <Dynamics D>
const Batch& BatchedEnv<D>::reset_done() {
  check(has_reset_, spec_.id, ": call reset() before reset_done()");
  for (std::int64_t i = 0; i < num_envs_; ++i) {
    if (needs_reset_[static_cast<size_t>(i)] != 0) {
      reset_env(i);
      out_.terminated[static_cast<size_t>(i)] = 0;
      out_.truncated[static_cast<size_t>(i)] = 0;
    }
  }
  return view_;
}

template <Dynamics D>
void BatchedEnv<D>::check_can_step() const {
  check(has_reset_, spec_.id, ": call reset() before step()");
  if (autoreset_ == AutoReset::kDisabled) {
    for (std::int64_t i = 0; i < num_envs_; ++i) {
      if (needs_reset_[static_cast<size_t>(i)] != 0) [[unlikely]] {
        throw Error(message(spec_.id, ": env ", i,
                            " has finished its episode (terminated or truncated); call reset() "
                            "before stepping it again"));
      }
    }
  }
}

// The checks below run on every step, so their messages (which format the action space) are
// only built when a check fails.
template <Dynamics D>
const Batch& BatchedEnv<D>::step(std::span<const std::int32_t> actions) {
  if constexpr (std::is_same_v<typename D::Action, std::int32_t>) {
    const Discrete& discrete = std::get<Discrete>(spec_.action_space);
    if (static_cast<std::int64_t>(actions.size()) != num_envs_) [[unlikely]] {
      throw Error(message(spec_.id, ": got ", actions.size(), " actions for ", num_envs_,
                          " envs; pass one action per env"));
    }
    for (std::int64_t i = 0; i < num_envs_; ++i) {
      const std::int32_t a = actions[static_cast<size_t>(i)];
      if (!discrete.contains(a)) [[unlikely]] {
        throw Error(message(spec_.id, ": action ", a, " for env ", i, " is outside ",
                            to_string(spec_.action_space), "; use an integer in [", discrete.start,
                            ", ", discrete.start + discrete.n, ")"));
      }
    }
    check_can_step();
    return step_all(actions.data());
  } else {
    throw Error(message(spec_.id, ": its action space is ", to_string(spec_.action_space),
                        "; pass float actions, not integers"));
  }
}

template <Dynamics D>
const Batch& BatchedEnv<D>::step(std::span<const float> actions) {
  if constexpr (std::is_same_v<typename D::Action, const float*>) {
    const std::int64_t size = flat_size(spec_.action_space);
    if (static_cast<std::int64_t>(actions.size()) != num_envs_ * size) [[unlikely]] {
      throw Error(message(spec_.id, ": got ", actions.size(), " action values for ", num_envs_,
                          " envs with ", to_string(spec_.action_space), "; pass ", num_envs_ * size,
                          " (", num_envs_, " rows of ", size, ")"));
    }
    // Out-of-range values are the env's to clip, as in Gymnasium; NaN and infinity never mean
    // anything (an infinite force would make the reward infinite).
    for (size_t k = 0; k < actions.size(); ++k) {
      if (!std::isfinite(actions[k])) [[unlikely]] {
        throw Error(message(spec_.id, ": action ", k % static_cast<size_t>(size), " of env ",
                            k / static_cast<size_t>(size), " is ", actions[k],
                            "; actions must be finite numbers, in ",
                            to_string(spec_.action_space)));
      }
    }
    check_can_step();
    return step_all(actions.data());
  } else {
    throw Error(message(spec_.id, ": its action space is ", to_string(spec_.action_space),
                        "; pass integer actions, not floats"));
  }
}

template <Dynamics D>
template <class Actions>
const Batch& BatchedEnv<D>::step_all(Actions actions) {
  auto chunk = [this, actions](std::int64_t begin, std::int64_t end) {
    step_range(actions, begin, end);
  };
  parallel_for_chunks(num_envs_, threads_, chunk);
  return view_;
}

// Rewards and flags of a block of envs are gathered locally and copied out together: with two
// threads, neighbouring envs' one-byte flags share a cache line, and writing them one by one from
// both threads makes the line bounce between cores on every env step.
template <Dynamics D>
template <class Actions>
void BatchedEnv<D>::step_range(Actions actions, std::int64_t begin, std::int64_t end) {
  constexpr std::int64_t kBlock = 64;
  const std::int64_t obs_size = out_.observation_size;
  float rewards[kBlock];
  double rewards_exact[kBlock];
  std::uint8_t terminated[kBlock];
  std::uint8_t truncated[kBlock];
  for (std::int64_t block = begin; block < end; block += kBlock) {
    const std::int64_t block_end = std::min(end, block + kBlock);
    for (std::int64_t i = block; i < block_end; ++i) {
      const auto k = static_cast<size_t>(i);
      const std::int64_t j = i - block;
      State& state = states_[k];
      Transition t;
      if constexpr (std::is_same_v<typename D::Action, std::int32_t>) {
        t = D::step(params_, state, actions[i]);
      } else {
        t = D::step(params_, state, actions + i * flat_size(spec_.action_space));
      }
      const bool truncate = ++elapsed_[k] >= max_steps_;
      rewards[j] = static_cast<float>(t.reward);
      rewards_exact[j] = t.reward;
      terminated[j] = t.terminated;
      truncated[j] = truncate;
      running_returns_[k] += t.reward;
      float* observation = out_.observation(i);
      D::observe(params_, state, observation);
      if (t.terminated || truncate) [[unlikely]] {
        std::copy_n(observation, obs_size, out_.final_observation(i));
        out_.episode_returns[k] = running_returns_[k];
        out_.episode_lengths[k] = elapsed_[k];
        if (autoreset_ == AutoReset::kSameStep) {
          reset_env(i);
        } else {
          needs_reset_[k] = 1;
        }
      }
    }
    const auto n = static_cast<size_t>(block_end - block);
    const auto at = static_cast<size_t>(block);
    std::copy_n(rewards, n, out_.rewards.begin() + static_cast<std::ptrdiff_t>(at));
    std::copy_n(rewards_exact, n, out_.rewards_exact.begin() + static_cast<std::ptrdiff_t>(at));
    std::copy_n(terminated, n, out_.terminated.begin() + static_cast<std::ptrdiff_t>(at));
    std::copy_n(truncated, n, out_.truncated.begin() + static_cast<std::ptrdiff_t>(at));
  }
}

template <Dynamics D>
void BatchedEnv<D>::check_env(std::int64_t env, const char* what) const {
  check(env >= 0 && env < num_envs_, spec_.id, ": ", what, " env ", env,
        " does not exist; envs are numbered 0 to ", num_envs_ - 1);
}

template <Dynamics D>
void BatchedEnv<D>::draw(std::int64_t env, sim::DrawList& out) const {
  check_env(env, "draw:");
  D::draw(params_, states_[static_cast<size_t>(env)], out);
}

template <Dynamics D>
void BatchedEnv<D>::get_state(std::int64_t env, std::span<double> out) const {
  check_env(env, "get_state:");
  check(static_cast<std::int64_t>(out.size()) == D::kStateSize, spec_.id, ": get_state needs ",
        D::kStateSize, " values, got room for ", out.size());
  D::get_state(states_[static_cast<size_t>(env)], out.data());
}

template <Dynamics D>
void BatchedEnv<D>::set_state(std::int64_t env, std::span<const double> state) {
  check_env(env, "set_state:");
  check(static_cast<std::int64_t>(state.size()) == D::kStateSize, spec_.id, ": set_state needs ",
        D::kStateSize, " values, got ", state.size());
  const auto k = static_cast<size_t>(env);
  states_[k] = D::set_state(state.data());
  elapsed_[k] = 0;
  running_returns_[k] = 0;
  needs_reset_[k] = 0;
  out_.terminated[k] = 0;
  out_.truncated[k] = 0;
  D::observe(params_, states_[k], out_.observation(env));
  has_reset_ = true;
}

// Layout: the number of envs and the state size (checked on restore), whether reset() has run,
// then per env its state's bytes, random stream, elapsed steps, running return and pending reset,
// then the output buffers.
template <Dynamics D>
std::vector<std::uint64_t> BatchedEnv<D>::snapshot() const {
  static_assert(std::is_trivially_copyable_v<State>, "snapshots copy states bit for bit");
  SnapshotWriter out;
  out.word(static_cast<std::uint64_t>(num_envs_));
  out.word(sizeof(State));
  out.word(has_reset_ ? 1 : 0);
  for (std::int64_t i = 0; i < num_envs_; ++i) {
    const auto k = static_cast<size_t>(i);
    out.raw(&states_[k], 1);
    const auto rng = rngs_[k].state();
    out.raw(rng.data(), rng.size());
    out.word(static_cast<std::uint64_t>(elapsed_[k]));
    out.number(running_returns_[k]);
    out.word(needs_reset_[k]);
  }
  out_.save(out);
  return out.take();
}

template <Dynamics D>
void BatchedEnv<D>::restore(std::span<const std::uint64_t> snapshot) {
  SnapshotReader in(snapshot, spec_.id + " restore");
  in.expect(static_cast<std::uint64_t>(num_envs_), "number of envs");
  in.expect(sizeof(State), "state size");
  has_reset_ = in.word() != 0;
  for (std::int64_t i = 0; i < num_envs_; ++i) {
    const auto k = static_cast<size_t>(i);
    in.raw(&states_[k], 1);
    std::array<std::uint64_t, 4> rng{};
    in.raw(rng.data(), rng.size());
    rngs_[k].set_state(rng);
    elapsed_[k] = static_cast<std::int32_t>(in.word());
    running_returns_[k] = in.number();
    needs_reset_[k] = static_cast<std::uint8_t>(in.word());
  }
  out_.load(in);
  in.finish();
}

template <Dynamics D>
std::unique_ptr<VecEnv> make_batched(const EnvOptions& options) {
  typename D::Params params;
  apply_params(params, options.params, D::spec(params).id);
  return std::make_unique<BatchedEnv<D>>(params, options);
}

}  // namespace rl::envs
