#include "agents/ppo.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "agents/returns.hpp"
#include "agents/training_state.hpp"
#include "core/error.hpp"
#include "nn/optim/clip.hpp"

namespace rl::agents {

void validate(const PpoConfig& c, std::int64_t num_envs) {
  check(c.num_steps >= 1, "ppo.num_steps = ", c.num_steps, " must be at least 1");
  check(c.num_minibatches >= 1 && (c.num_steps * num_envs) % c.num_minibatches == 0,
        "ppo.num_minibatches = ", c.num_minibatches,
        " must divide num_steps * num_envs = ", c.num_steps * num_envs);
  check(c.update_epochs >= 1, "ppo.update_epochs = ", c.update_epochs, " must be at least 1");
  check(c.learning_rate > 0, "ppo.learning_rate = ", c.learning_rate, " must be positive");
  check(c.gamma > 0 && c.gamma <= 1, "ppo.gamma = ", c.gamma, " must be in (0, 1]");
  check(c.gae_lambda >= 0 && c.gae_lambda <= 1, "ppo.gae_lambda = ", c.gae_lambda,
        " must be in [0, 1]");
  check(c.clip_coef > 0, "ppo.clip_coef = ", c.clip_coef, " must be positive");
  check(c.hidden_layers >= 0 && c.hidden_size >= 1, "ppo.hidden_layers and ppo.hidden_size ",
        "must be >= 0 and >= 1");
  check(c.total_steps >= 1, "ppo.total_steps = ", c.total_steps, " must be at least 1");
}

Preset<PpoConfig> ppo_preset(std::string_view env_id) {
  Preset<PpoConfig> preset{.config = {}, .num_envs = 4, .steps = 500'000};
  PpoConfig& c = preset.config;
  if (env_id == "CartPole-v1") {  // RL Zoo's ppo.yml
    preset.num_envs = 8;
    preset.steps = 100'000;
    c.num_steps = 32;
    c.num_minibatches = 1;
    c.update_epochs = 20;
    c.gae_lambda = 0.8;
    c.gamma = 0.98;
    c.ent_coef = 0.0;
    c.learning_rate = 1e-3;
    c.anneal_clip = true;
    c.clip_vloss = false;
  } else if (env_id == "Pendulum-v1") {
    // RLtools' benchmark layout (4 envs x 1024 steps, batch 256, 64-64, 2 epochs, gamma 0.95,
    // ReLU, Adam 1e-3, initial std 0.5) plus observation and reward normalisation
    preset.num_envs = 4;
    preset.steps = 300'000;
    c.num_steps = 1024;
    c.num_minibatches = 16;
    c.update_epochs = 2;
    c.gamma = 0.95;
    c.gae_lambda = 0.95;
    c.learning_rate = 1e-3;
    c.anneal_lr = false;
    c.activation = "relu";
    c.orthogonal_init = false;
    c.initial_log_std = std::log(0.5);
    c.ent_coef = 0.0;
    c.max_grad_norm = 0.0;
    c.clip_vloss = false;
    c.adam_eps = 1e-7;
    c.normalize_observations = true;
    c.normalize_rewards = true;
  }
  c.total_steps = preset.steps;
  return preset;
}

Ppo::Ppo(envs::VecEnv& env, const PpoConfig& config)
    : env_(env),
      config_((validate(config, env.num_envs()), config)),
      model_(env.spec(), actor_critic_spec(config), config.seed),
      optimizer_(model_.params(), {.learning_rate = config.learning_rate, .eps = config.adam_eps}),
      rng_(config.seed) {
  params_ = model_.params();
  buffer_.allocate(config.num_steps, env.num_envs(), model_.observation_size(),
                   model_.action_size(), model_.discrete());
  discounted_returns_.assign(static_cast<size_t>(env.num_envs()), 0.0);
  order_.resize(static_cast<size_t>(buffer_.size()));
}

void Ppo::act(const envs::ObservationMatrix& observations, bool deterministic, Actions& out) {
  model_.prepare(observations, false, prepared_);
  model_.act(prepared_, rng_, deterministic, out, {});
}

void Ppo::describe(const envs::ObservationMatrix& observations, PolicyView& out) {
  model_.prepare(observations, false, prepared_);
  model_.describe(prepared_, out);
}

void Ppo::learn(std::int64_t steps, Logger& logger) {
  check(steps >= 0, "ppo: cannot learn for ", steps, " steps");
  if (!started_) {
    env_.reset(config_.seed);
    started_ = true;
  }
  const std::int64_t iteration_steps = buffer_.size();
  const std::int64_t num_iterations =
      std::max<std::int64_t>(1, config_.total_steps / iteration_steps);
  const std::int64_t end = step_ + steps;
  const auto start = std::chrono::steady_clock::now();
  const std::int64_t start_step = step_;
  while (step_ < end) {
    // --- algorithm: learning-rate annealing (CleanRL: frac = 1 - (iteration - 1) / iterations)
    ++iteration_;
    const double frac = std::max(
        0.0, 1.0 - static_cast<double>(iteration_ - 1) / static_cast<double>(num_iterations));
    if (config_.anneal_lr) {
      optimizer_.set_learning_rate(frac * config_.learning_rate);
    }
    clip_ = config_.anneal_clip ? frac * config_.clip_coef : config_.clip_coef;
    // --- algorithm: rollout, then advantages by GAE
    model_.collect(env_, buffer_, rng_, tracker_, logger, step_);
    if (config_.normalize_rewards) {  // SB3 VecNormalize: r / std(discounted return)
      const std::int64_t n = buffer_.num_envs;
      for (std::int64_t t = 0; t < buffer_.steps; ++t) {
        for (std::int64_t i = 0; i < n; ++i) {
          const auto k = static_cast<size_t>(buffer_.row(t, i));
          double& g = discounted_returns_[static_cast<size_t>(i)];
          g = g * config_.gamma + buffer_.rewards[k];
          return_stats_.update(std::span<const double>(&g, 1), 1);
          buffer_.rewards[k] = static_cast<float>(
              std::clamp(buffer_.rewards[k] / std::sqrt(return_stats_.var[0] + 1e-8), -10.0, 10.0));
          if (buffer_.terminated[k] != 0 || buffer_.truncated[k] != 0) {
            g = 0;
          }
        }
      }
    }
    gae(buffer_.rewards, buffer_.values, buffer_.next_values, buffer_.terminated, buffer_.truncated,
        buffer_.num_envs, config_.gamma, config_.gae_lambda, buffer_.advantages);
    for (size_t k = 0; k < buffer_.returns.size(); ++k) {
      buffer_.returns[k] = buffer_.advantages[k] + buffer_.values[k];
    }
    update(logger);
    // --- plumbing: logging
    tracker_.log(step_, logger);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    logger.scalar("time/fps", step_, static_cast<double>(step_ - start_step) / seconds);
    logger.scalar("time/iterations", step_, static_cast<double>(iteration_));
  }
}

// For each epoch, for each shuffled minibatch:
//   ratio = exp(log pi(a|s) - log pi_old(a|s)),  A normalised within the minibatch
//   L_pg  = mean(max(-A ratio, -A clip(ratio, 1 - c, 1 + c)))
//   L_v   = 0.5 mean(max((V - R)^2, (V_old + clip(V - V_old, -c, c) - R)^2))   (or unclipped)
//   loss  = L_pg - ent_coef mean(H) + vf_coef L_v
void Ppo::update(Logger& logger) {
  const std::int64_t batch = buffer_.size();
  const std::int64_t minibatch = batch / config_.num_minibatches;
  const auto clip = static_cast<nn::Scalar>(clip_);
  std::iota(order_.begin(), order_.end(), std::int64_t{0});
  double pg_loss_sum = 0;
  double v_loss_sum = 0;
  double entropy_sum = 0;
  double loss_sum = 0;
  double clip_fraction_sum = 0;
  double approx_kl = 0;
  double grad_norm_sum = 0;
  int updates = 0;
  batch_observations_.resize(minibatch, model_.observation_size());
  batch_old_log_probs_.resize(minibatch, 1);
  batch_advantages_.resize(minibatch, 1);
  batch_returns_.resize(minibatch, 1);
  batch_old_values_.resize(minibatch, 1);
  for (int epoch = 0; epoch < config_.update_epochs; ++epoch) {
    for (size_t i = order_.size() - 1; i > 0; --i) {  // Fisher-Yates
      std::swap(order_[i], order_[rng_.below(i + 1)]);
    }
    double epoch_kl = 0;
    int epoch_minibatches = 0;
    for (std::int64_t start = 0; start < batch; start += minibatch) {
      const std::span<const std::int64_t> rows(order_.data() + start,
                                               static_cast<size_t>(minibatch));
      for (std::int64_t k = 0; k < minibatch; ++k) {
        const std::int64_t r = rows[static_cast<size_t>(k)];
        batch_observations_.row(k) = buffer_.observations.row(r);
        batch_old_log_probs_(k, 0) = buffer_.log_probs[static_cast<size_t>(r)];
        batch_advantages_(k, 0) = buffer_.advantages[static_cast<size_t>(r)];
        batch_returns_(k, 0) = buffer_.returns[static_cast<size_t>(r)];
        batch_old_values_(k, 0) = buffer_.values[static_cast<size_t>(r)];
      }
      if (config_.norm_adv && minibatch > 1) {
        const nn::Scalar mean = batch_advantages_.mean();
        const nn::Scalar std = std::sqrt((batch_advantages_.array() - mean).square().sum() /
                                         static_cast<nn::Scalar>(minibatch - 1));
        batch_advantages_.array() = (batch_advantages_.array() - mean) / (std + 1e-8f);
      }

      tape_.clear();
      const nn::Var observations = tape_.constant(batch_observations_);
      const nn::Var outputs = model_.actor.forward(tape_, observations);
      const nn::Var log_prob =
          model_.log_prob(tape_, outputs, buffer_, rows, action_scratch_, index_scratch_);
      const nn::Var entropy = nn::mean(model_.entropy(tape_, outputs));
      const nn::Var log_ratio = log_prob - tape_.constant(batch_old_log_probs_);
      const nn::Var ratio = nn::exp(log_ratio);
      const nn::Var advantages = tape_.constant(batch_advantages_);
      const nn::Var pg_loss = nn::mean(
          nn::maximum(-(advantages * ratio), -(advantages * nn::clamp(ratio, 1 - clip, 1 + clip))));
      const nn::Var value = model_.critic.forward(tape_, observations);
      const nn::Var returns = tape_.constant(batch_returns_);
      nn::Var v_loss;
      if (config_.clip_vloss) {
        const nn::Var old_values = tape_.constant(batch_old_values_);
        const nn::Var clipped = old_values + nn::clamp(value - old_values, -clip, clip);
        v_loss = 0.5f *
                 nn::mean(nn::maximum(nn::square(value - returns), nn::square(clipped - returns)));
      } else {
        v_loss = 0.5f * nn::mean(nn::square(value - returns));
      }
      const nn::Var loss = pg_loss - static_cast<nn::Scalar>(config_.ent_coef) * entropy +
                           static_cast<nn::Scalar>(config_.vf_coef) * v_loss;
      optimizer_.zero_grad();
      check_loss(loss.item(), "ppo", step_);
      tape_.backward(loss);
      grad_norm_sum += config_.max_grad_norm > 0
                           ? nn::clip_grad_norm(params_, config_.max_grad_norm)
                           : nn::grad_norm(params_);
      optimizer_.step();

      // diagnostics (CleanRL): approx KL = mean((ratio - 1) - log ratio), clip fraction
      const nn::ConstMatrixMap r = ratio.value();
      const nn::ConstMatrixMap lr = log_ratio.value();
      const double kl = static_cast<double>(((r.array() - 1) - lr.array()).mean());
      clip_fraction_sum += static_cast<double>(((r.array() - 1).abs() > clip).cast<float>().mean());
      epoch_kl += kl;
      ++epoch_minibatches;
      pg_loss_sum += pg_loss.item();
      v_loss_sum += v_loss.item();
      entropy_sum += entropy.item();
      loss_sum += loss.item();
      ++updates;
    }
    approx_kl = epoch_kl / epoch_minibatches;
    if (config_.target_kl > 0 && approx_kl > config_.target_kl) {
      break;
    }
  }
  // explained variance of the value predictions: 1 - Var(returns - values) / Var(returns)
  double mean_return = 0;
  for (float r : buffer_.returns) {
    mean_return += r;
  }
  mean_return /= static_cast<double>(batch);
  double var_return = 0;
  double var_residual = 0;
  double mean_residual = 0;
  for (size_t k = 0; k < buffer_.returns.size(); ++k) {
    mean_residual += buffer_.returns[k] - buffer_.values[k];
  }
  mean_residual /= static_cast<double>(batch);
  for (size_t k = 0; k < buffer_.returns.size(); ++k) {
    var_return += (buffer_.returns[k] - mean_return) * (buffer_.returns[k] - mean_return);
    const double residual = buffer_.returns[k] - buffer_.values[k] - mean_residual;
    var_residual += residual * residual;
  }
  const double explained_variance = var_return > 0 ? 1.0 - var_residual / var_return : 0.0;
  const double n = updates;
  logger.scalar("train/learning_rate", step_, optimizer_.learning_rate());
  logger.scalar("train/policy_gradient_loss", step_, pg_loss_sum / n);
  logger.scalar("train/value_loss", step_, v_loss_sum / n);
  logger.scalar("train/entropy_loss", step_, -entropy_sum / n);
  logger.scalar("train/loss", step_, loss_sum / n);
  logger.scalar("train/approx_kl", step_, approx_kl);
  logger.scalar("train/clip_fraction", step_, clip_fraction_sum / n);
  logger.scalar("train/grad_norm", step_, grad_norm_sum / n);
  logger.scalar("train/explained_variance", step_, explained_variance);
  logger.scalar("train/n_updates", step_, static_cast<double>(optimizer_.steps()));
  logger.scalar("train/clip_range", step_, clip_);
  if (!model_.discrete()) {
    logger.scalar("train/std", step_,
                  std::exp(static_cast<double>(model_.log_std.values().mean())));
  }
}

// --- plumbing: training checkpoints (taken between iterations)
nn::StateDict Ppo::training_state() const {
  nn::StateDict state;
  state.merge(model_.policy_state(), "model/");
  save_optimizer(state, "optimizer/", optimizer_);
  save_rng(state, "rng", rng_);
  tracker_.save(state, "episodes/");
  save_statistics(state, "return_stats/", return_stats_);
  state.put("discounted_returns", discounted_returns_);
  state.put("clip", clip_);
  state.put_words("counters", {static_cast<std::uint64_t>(step_),
                               static_cast<std::uint64_t>(iteration_), started_ ? 1u : 0u});
  return state;
}

void Ppo::load_training_state(const nn::StateDict& state) {
  model_.load_policy_state(state.subset("model/"));
  load_optimizer(state, "optimizer/", optimizer_);
  load_rng(state, "rng", rng_);
  tracker_.load(state, "episodes/");
  load_statistics(state, "return_stats/", return_stats_);
  const std::vector<double>& returns = state.vector("discounted_returns");
  check(returns.size() == discounted_returns_.size(), "ppo checkpoint: ", returns.size(),
        " envs' returns, this run has ", discounted_returns_.size());
  discounted_returns_ = returns;
  clip_ = state.scalar("clip");
  const std::vector<std::uint64_t>& counters = state.word_array("counters");
  check(counters.size() == 3, "ppo checkpoint: malformed counters");
  step_ = static_cast<std::int64_t>(counters[0]);
  iteration_ = static_cast<std::int64_t>(counters[1]);
  started_ = counters[2] != 0;
}

}  // namespace rl::agents
