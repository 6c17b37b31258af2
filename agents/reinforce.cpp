#include "agents/reinforce.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "agents/training_state.hpp"
#include "core/error.hpp"
#include "nn/optim/clip.hpp"

namespace rl::agents {

namespace {

constexpr std::int64_t kUnlimitedEpisodeChunk = 10'000;

}  // namespace

void validate(const ReinforceConfig& c) {
  check(c.learning_rate > 0, "reinforce.learning_rate = ", c.learning_rate, " must be positive");
  check(c.gamma > 0 && c.gamma <= 1, "reinforce.gamma = ", c.gamma, " must be in (0, 1]");
  check(c.batch_steps >= 1 && c.chunk_size >= 1,
        "reinforce.batch_steps and reinforce.chunk_size must be at least 1");
  check(c.hidden_layers >= 0 && c.hidden_size >= 1,
        "reinforce.hidden_layers and reinforce.hidden_size must be >= 0 and >= 1");
}

Preset<ReinforceConfig> reinforce_preset(std::string_view) {
  Preset<ReinforceConfig> preset{.config = {}, .num_envs = 8, .steps = 300'000};
  preset.config.batch_steps = 1024;
  preset.config.learning_rate = 2e-3;
  return preset;
}

Reinforce::Reinforce(envs::VecEnv& env, const ReinforceConfig& config)
    : env_(env),
      config_((validate(config), config)),
      model_(env.spec(), actor_critic_spec(config), config.seed),
      optimizer_(model_.params(), {.learning_rate = config.learning_rate}),
      rng_(config.seed),
      max_episode_steps_(env.spec().max_episode_steps > 0 ? env.spec().max_episode_steps
                                                          : kUnlimitedEpisodeChunk) {
  params_ = model_.params();
  const std::int64_t n = env.num_envs();
  episodes_.resize(static_cast<size_t>(n));
  for (RolloutBuffer& e : episodes_) {
    e.allocate(max_episode_steps_, 1, model_.observation_size(), model_.action_size(),
               model_.discrete());
  }
  episode_lengths_.assign(static_cast<size_t>(n), 0);
  // several envs can finish long episodes in the same step that fills the batch
  batch_.allocate(config.batch_steps + n * max_episode_steps_, 1, model_.observation_size(),
                  model_.action_size(), model_.discrete());
  final_observations_.setZero(n, model_.observation_size());
  actions_.resize_for(env.spec().action_space, n);
  log_probs_.resize(static_cast<size_t>(n));
}

void Reinforce::act(const envs::ObservationMatrix& observations, bool deterministic, Actions& out) {
  model_.prepare(observations, false, prepared_);
  model_.act(prepared_, rng_, deterministic, out, {});
}

void Reinforce::describe(const envs::ObservationMatrix& observations, PolicyView& out) {
  model_.prepare(observations, false, prepared_);
  model_.describe(prepared_, out);
}

// G_t = r_t + gamma G_{t+1}, from G = 0 after a termination or V(final state) after a truncation
void Reinforce::finish_episode(std::int64_t i, bool truncated, float final_value) {
  RolloutBuffer& e = episodes_[static_cast<size_t>(i)];
  const std::int64_t length = episode_lengths_[static_cast<size_t>(i)];
  double g = truncated ? static_cast<double>(final_value) : 0.0;
  for (std::int64_t t = length - 1; t >= 0; --t) {
    g = e.rewards[static_cast<size_t>(t)] + config_.gamma * g;
    e.returns[static_cast<size_t>(t)] = static_cast<float>(g);
  }
  const std::int64_t at = batch_size_;
  batch_.observations.middleRows(at, length) = e.observations.topRows(length);
  if (model_.discrete()) {
    std::copy_n(e.discrete_actions.begin(), length,
                batch_.discrete_actions.begin() + static_cast<std::ptrdiff_t>(at));
  } else {
    batch_.continuous_actions.middleRows(at, length) = e.continuous_actions.topRows(length);
  }
  std::copy_n(e.returns.begin(), length, batch_.returns.begin() + static_cast<std::ptrdiff_t>(at));
  batch_size_ += length;
  episode_lengths_[static_cast<size_t>(i)] = 0;
}

void Reinforce::learn(std::int64_t steps, Logger& logger) {
  check(steps >= 0, "reinforce: cannot learn for ", steps, " steps");
  if (!started_) {
    env_.reset(config_.seed);
    started_ = true;
  }
  const std::int64_t n = env_.num_envs();
  const std::int64_t end = step_ + steps;
  const auto start = std::chrono::steady_clock::now();
  const std::int64_t start_step = step_;
  while (step_ < end) {
    // --- algorithm: act, and remember each env's running episode
    const envs::Batch* batch = &env_.last();
    model_.prepare(batch->observation_matrix(), false, prepared_);
    model_.act(prepared_, rng_, false, actions_, log_probs_);
    for (std::int64_t i = 0; i < n; ++i) {
      RolloutBuffer& e = episodes_[static_cast<size_t>(i)];
      const std::int64_t t = episode_lengths_[static_cast<size_t>(i)];
      e.observations.row(t) = prepared_.row(i);
      if (model_.discrete()) {
        e.discrete_actions[static_cast<size_t>(t)] = actions_.discrete[static_cast<size_t>(i)];
      } else {
        for (nn::Index j = 0; j < model_.action_size(); ++j) {
          e.continuous_actions(t, j) =
              actions_.continuous[static_cast<size_t>(i * model_.action_size() + j)];
        }
      }
    }
    batch = &actions_.step(env_);
    step_ += n;
    tracker_.record(*batch, step_, logger);
    // --- algorithm: a finished episode joins the batch with its returns to go; the value of the
    // state a truncated episode stopped in continues its return
    bool any_truncated = false;
    for (std::int64_t i = 0; i < n; ++i) {
      const auto k = static_cast<size_t>(i);
      episodes_[k].rewards[static_cast<size_t>(episode_lengths_[k])] = batch->rewards[k];
      ++episode_lengths_[k];
      const bool cut = episode_lengths_[k] == max_episode_steps_ && !batch->done(i);
      if ((batch->truncated[k] != 0 && batch->terminated[k] == 0) || cut) {
        any_truncated = true;
        const std::span<const float> last =
            cut ? batch->observation(i) : batch->final_observation(i);
        for (nn::Index j = 0; j < model_.observation_size(); ++j) {
          final_observations_(i, j) = last[static_cast<size_t>(j)];
        }
      }
    }
    if (any_truncated) {
      final_values_ = model_.values(final_observations_);
    }
    for (std::int64_t i = 0; i < n; ++i) {
      const auto k = static_cast<size_t>(i);
      const bool cut = episode_lengths_[k] == max_episode_steps_ && !batch->done(i);
      if (batch->done(i) || cut) {
        const bool truncated = cut || batch->terminated[k] == 0;
        finish_episode(i, truncated, truncated ? final_values_(i, 0) : 0.0f);
      }
    }
    if (batch_size_ >= config_.batch_steps) {
      update(logger);
      // --- plumbing: logging once per update
      tracker_.log(step_, logger);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      logger.scalar("time/fps", step_, static_cast<double>(step_ - start_step) / seconds);
    }
  }
}

// In fixed-size chunks (padding rows weigh 0), accumulating one gradient over the batch:
//   loss = -sum(A log pi(a|s)) / B + vf_coef sum((V(s) - G)^2) / B - ent_coef sum(H) / B,
//   A = G - V(s) (normalised over the batch)
void Reinforce::update(Logger& logger) {
  const std::int64_t total = batch_size_;
  const std::int64_t chunk = config_.chunk_size;
  chunk_observations_.setZero(chunk, model_.observation_size());
  chunk_rows_.resize(static_cast<size_t>(chunk));
  // advantages against the current baseline
  for (std::int64_t start = 0; start < total; start += chunk) {
    const std::int64_t rows = std::min(chunk, total - start);
    chunk_observations_.topRows(rows) = batch_.observations.middleRows(start, rows);
    const nn::ConstMatrixMap v = model_.values(chunk_observations_);
    for (std::int64_t r = 0; r < rows; ++r) {
      const auto k = static_cast<size_t>(start + r);
      batch_.advantages[k] = batch_.returns[k] - v(r, 0);
    }
  }
  double mean = 0;
  double var = 0;
  for (std::int64_t k = 0; k < total; ++k) {
    mean += batch_.advantages[static_cast<size_t>(k)];
  }
  mean /= static_cast<double>(total);
  for (std::int64_t k = 0; k < total; ++k) {
    const double d = batch_.advantages[static_cast<size_t>(k)] - mean;
    var += d * d;
  }
  const double std = std::sqrt(var / static_cast<double>(std::max<std::int64_t>(1, total - 1)));
  const auto inverse_total = static_cast<nn::Scalar>(1.0 / static_cast<double>(total));
  double policy_loss = 0;
  double value_loss = 0;
  optimizer_.zero_grad();
  for (std::int64_t start = 0; start < total; start += chunk) {
    const std::int64_t rows = std::min(chunk, total - start);
    chunk_observations_.setZero();
    chunk_advantages_.setZero(chunk, 1);
    chunk_returns_.setZero(chunk, 1);
    chunk_weights_.setZero(chunk, 1);
    for (std::int64_t r = 0; r < chunk; ++r) {
      const bool real = r < rows;
      const std::int64_t row = real ? start + r : start;
      chunk_rows_[static_cast<size_t>(r)] = row;
      if (!real) {
        continue;
      }
      const auto k = static_cast<size_t>(row);
      chunk_observations_.row(r) = batch_.observations.row(row);
      const double a =
          config_.norm_adv ? (batch_.advantages[k] - mean) / (std + 1e-8) : batch_.advantages[k];
      chunk_advantages_(r, 0) = static_cast<nn::Scalar>(a);
      chunk_returns_(r, 0) = batch_.returns[k];
      chunk_weights_(r, 0) = 1;
    }
    tape_.clear();
    const nn::Var observations = tape_.constant(chunk_observations_);
    const nn::Var weights = tape_.constant(chunk_weights_);
    const nn::Var outputs = model_.actor.forward(tape_, observations);
    const nn::Var log_prob =
        model_.log_prob(tape_, outputs, batch_, chunk_rows_, action_scratch_, index_scratch_);
    const nn::Var policy = -nn::sum(tape_.constant(chunk_advantages_) * log_prob) * inverse_total;
    const nn::Var error =
        model_.critic.forward(tape_, observations) - tape_.constant(chunk_returns_);
    const nn::Var value = nn::sum(weights * nn::square(error)) * inverse_total;
    nn::Var loss = policy + static_cast<nn::Scalar>(config_.vf_coef) * value;
    if (config_.ent_coef > 0) {
      const nn::Var entropy = model_.entropy(tape_, outputs);
      const nn::Var weighted =
          entropy.rows() == chunk ? nn::sum(weights * entropy) * inverse_total : nn::mean(entropy);
      loss = loss - static_cast<nn::Scalar>(config_.ent_coef) * weighted;
    }
    check_loss(loss.item(), "reinforce", step_);
    tape_.backward(loss);
    policy_loss += policy.item();
    value_loss += value.item();
  }
  const double grad_norm = config_.max_grad_norm > 0
                               ? nn::clip_grad_norm(params_, config_.max_grad_norm)
                               : nn::grad_norm(params_);
  optimizer_.step();
  batch_size_ = 0;
  logger.scalar("train/policy_loss", step_, policy_loss);
  logger.scalar("train/value_loss", step_, value_loss);
  logger.scalar("train/grad_norm", step_, grad_norm);
  logger.scalar("train/learning_rate", step_, optimizer_.learning_rate());
  logger.scalar("train/n_updates", step_, static_cast<double>(optimizer_.steps()));
}

// --- plumbing: training checkpoints (the running episodes and the pending batch included)
namespace {
void save_steps(nn::StateDict& state, const std::string& prefix, const RolloutBuffer& b,
                bool discrete) {
  state.put(prefix + "observations", b.observations);
  if (discrete) {
    state.put_words(prefix + "actions", std::vector<std::uint64_t>(b.discrete_actions.begin(),
                                                                   b.discrete_actions.end()));
  } else {
    state.put(prefix + "actions", b.continuous_actions);
  }
  state.put(prefix + "rewards", nn::ConstMatrixMap(b.rewards.data(), 1, b.size()));
  state.put(prefix + "returns", nn::ConstMatrixMap(b.returns.data(), 1, b.size()));
}

void load_steps(const nn::StateDict& state, const std::string& prefix, RolloutBuffer& b,
                bool discrete) {
  const nn::Matrix& observations = state.tensor(prefix + "observations");
  check(
      observations.rows() == b.observations.rows() && observations.cols() == b.observations.cols(),
      "reinforce checkpoint: '", prefix, "' holds ", observations.rows(), " steps, this run keeps ",
      b.observations.rows());
  b.observations = observations;
  if (discrete) {
    const std::vector<std::uint64_t>& actions = state.word_array(prefix + "actions");
    check(actions.size() == b.discrete_actions.size(), "reinforce checkpoint: action count");
    std::transform(actions.begin(), actions.end(), b.discrete_actions.begin(),
                   [](std::uint64_t a) { return static_cast<std::int32_t>(a); });
  } else {
    b.continuous_actions = state.tensor(prefix + "actions");
  }
  const nn::Matrix& rewards = state.tensor(prefix + "rewards");
  const nn::Matrix& returns = state.tensor(prefix + "returns");
  check(rewards.size() == b.size() && returns.size() == b.size(),
        "reinforce checkpoint: reward count");
  std::copy_n(rewards.data(), rewards.size(), b.rewards.begin());
  std::copy_n(returns.data(), returns.size(), b.returns.begin());
}
}  // namespace

nn::StateDict Reinforce::training_state() const {
  nn::StateDict state;
  state.merge(model_.policy_state(), "model/");
  save_optimizer(state, "optimizer/", optimizer_);
  save_rng(state, "rng", rng_);
  tracker_.save(state, "episodes/");
  for (size_t e = 0; e < episodes_.size(); ++e) {
    save_steps(state, "running/" + std::to_string(e) + "/", episodes_[e], model_.discrete());
  }
  save_steps(state, "batch/", batch_, model_.discrete());
  std::vector<std::uint64_t> counters = {static_cast<std::uint64_t>(step_), started_ ? 1u : 0u,
                                         static_cast<std::uint64_t>(batch_size_)};
  for (std::int64_t length : episode_lengths_) {
    counters.push_back(static_cast<std::uint64_t>(length));
  }
  state.put_words("counters", std::move(counters));
  return state;
}

void Reinforce::load_training_state(const nn::StateDict& state) {
  model_.load_policy_state(state.subset("model/"));
  load_optimizer(state, "optimizer/", optimizer_);
  load_rng(state, "rng", rng_);
  tracker_.load(state, "episodes/");
  for (size_t e = 0; e < episodes_.size(); ++e) {
    load_steps(state, "running/" + std::to_string(e) + "/", episodes_[e], model_.discrete());
  }
  load_steps(state, "batch/", batch_, model_.discrete());
  const std::vector<std::uint64_t>& counters = state.word_array("counters");
  check(counters.size() == 3 + episode_lengths_.size(),
        "reinforce checkpoint: counters for a different number of envs");
  step_ = static_cast<std::int64_t>(counters[0]);
  started_ = counters[1] != 0;
  batch_size_ = static_cast<std::int64_t>(counters[2]);
  for (size_t e = 0; e < episode_lengths_.size(); ++e) {
    episode_lengths_[e] = static_cast<std::int64_t>(counters[3 + e]);
  }
}

}  // namespace rl::agents
