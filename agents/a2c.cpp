#include "agents/a2c.hpp"

#include <chrono>
#include <cmath>
#include <numeric>

#include "agents/returns.hpp"
#include "agents/training_state.hpp"
#include "core/error.hpp"
#include "nn/optim/adam.hpp"
#include "nn/optim/clip.hpp"
#include "nn/optim/rmsprop.hpp"

namespace rl::agents {

namespace {

std::unique_ptr<nn::Optimizer> make_optimizer(const A2cConfig& c,
                                              std::vector<nn::ParamStore*> params) {
  if (c.optimizer == "adam") {
    return std::make_unique<nn::Adam>(std::move(params),
                                      nn::AdamConfig{.learning_rate = c.learning_rate});
  }
  // SB3's A2C: RMSprop(alpha=0.99, eps=1e-5)
  return std::make_unique<nn::RmsProp>(
      std::move(params), nn::RmsPropConfig{.learning_rate = c.learning_rate, .eps = 1e-5});
}

}  // namespace

void validate(const A2cConfig& c) {
  check(c.num_steps >= 1, "a2c.num_steps = ", c.num_steps, " must be at least 1");
  check(c.learning_rate > 0, "a2c.learning_rate = ", c.learning_rate, " must be positive");
  check(c.optimizer == "rmsprop" || c.optimizer == "adam", "a2c.optimizer = '", c.optimizer,
        "' is not known; use rmsprop or adam");
  check(c.gamma > 0 && c.gamma <= 1, "a2c.gamma = ", c.gamma, " must be in (0, 1]");
  check(c.gae_lambda >= 0 && c.gae_lambda <= 1, "a2c.gae_lambda = ", c.gae_lambda,
        " must be in [0, 1]");
  check(c.hidden_layers >= 0 && c.hidden_size >= 1,
        "a2c.hidden_layers and a2c.hidden_size must be >= 0 and >= 1");
  check(c.total_steps >= 1, "a2c.total_steps = ", c.total_steps, " must be at least 1");
}

Preset<A2cConfig> a2c_preset(std::string_view) {
  Preset<A2cConfig> preset{.config = {}, .num_envs = 8, .steps = 500'000};
  preset.config.total_steps = preset.steps;
  return preset;
}

A2c::A2c(envs::VecEnv& env, const A2cConfig& config)
    : env_(env),
      config_((validate(config), config)),
      model_(env.spec(), actor_critic_spec(config), config.seed),
      optimizer_(make_optimizer(config, model_.params())),
      rng_(config.seed) {
  params_ = model_.params();
  buffer_.allocate(config.num_steps, env.num_envs(), model_.observation_size(),
                   model_.action_size(), model_.discrete());
  rows_.resize(static_cast<size_t>(buffer_.size()));
  std::iota(rows_.begin(), rows_.end(), std::int64_t{0});
}

void A2c::act(const envs::ObservationMatrix& observations, bool deterministic, Actions& out) {
  model_.prepare(observations, false, prepared_);
  model_.act(prepared_, rng_, deterministic, out, {});
}

void A2c::describe(const envs::ObservationMatrix& observations, PolicyView& out) {
  model_.prepare(observations, false, prepared_);
  model_.describe(prepared_, out);
}

void A2c::learn(std::int64_t steps, Logger& logger) {
  check(steps >= 0, "a2c: cannot learn for ", steps, " steps");
  if (!started_) {
    env_.reset(config_.seed);
    started_ = true;
  }
  const std::int64_t num_iterations =
      std::max<std::int64_t>(1, config_.total_steps / buffer_.size());
  const std::int64_t end = step_ + steps;
  const auto start = std::chrono::steady_clock::now();
  const std::int64_t start_step = step_;
  std::int64_t last_log = step_;
  while (step_ < end) {
    ++iteration_;
    if (config_.anneal_lr) {
      const double frac = std::max(
          0.0, 1.0 - static_cast<double>(iteration_ - 1) / static_cast<double>(num_iterations));
      optimizer_->set_learning_rate(frac * config_.learning_rate);
    }
    // --- algorithm: n-step rollout, advantages, one gradient step
    model_.collect(env_, buffer_, rng_, tracker_, logger, step_);
    gae(buffer_.rewards, buffer_.values, buffer_.next_values, buffer_.terminated, buffer_.truncated,
        buffer_.num_envs, config_.gamma, config_.gae_lambda, buffer_.advantages);
    update(logger);
    // --- plumbing: logging every ~1000 steps (A2C's updates are tiny and frequent)
    if (step_ - last_log >= 1000 || step_ >= end) {
      last_log = step_;
      tracker_.log(step_, logger);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      logger.scalar("time/fps", step_, static_cast<double>(step_ - start_step) / seconds);
    }
  }
}

// loss = -mean(A log pi(a|s)) + vf_coef mean((R - V(s))^2) - ent_coef mean(H),  R = A + V_old
void A2c::update(Logger& logger) {
  const std::int64_t batch = buffer_.size();
  advantages_.resize(batch, 1);
  returns_.resize(batch, 1);
  for (std::int64_t k = 0; k < batch; ++k) {
    const auto i = static_cast<size_t>(k);
    advantages_(k, 0) = buffer_.advantages[i];
    returns_(k, 0) = buffer_.advantages[i] + buffer_.values[i];
  }
  if (config_.norm_adv && batch > 1) {
    const nn::Scalar mean = advantages_.mean();
    const nn::Scalar std =
        std::sqrt((advantages_.array() - mean).square().sum() / static_cast<nn::Scalar>(batch - 1));
    advantages_.array() = (advantages_.array() - mean) / (std + 1e-8f);
  }
  tape_.clear();
  const nn::Var observations = tape_.constant(buffer_.observations);
  const nn::Var outputs = model_.actor.forward(tape_, observations);
  const nn::Var log_prob =
      model_.log_prob(tape_, outputs, buffer_, rows_, action_scratch_, index_scratch_);
  const nn::Var entropy = nn::mean(model_.entropy(tape_, outputs));
  const nn::Var policy_loss = -nn::mean(tape_.constant(advantages_) * log_prob);
  const nn::Var value_loss =
      nn::mse_loss(model_.critic.forward(tape_, observations), tape_.constant(returns_));
  const nn::Var loss = policy_loss - static_cast<nn::Scalar>(config_.ent_coef) * entropy +
                       static_cast<nn::Scalar>(config_.vf_coef) * value_loss;
  optimizer_->zero_grad();
  check_loss(loss.item(), "a2c", step_);
  tape_.backward(loss);
  const double grad_norm = config_.max_grad_norm > 0
                               ? nn::clip_grad_norm(params_, config_.max_grad_norm)
                               : nn::grad_norm(params_);
  optimizer_->step();
  if (iteration_ % 100 == 0) {
    logger.scalar("train/policy_loss", step_, policy_loss.item());
    logger.scalar("train/value_loss", step_, value_loss.item());
    logger.scalar("train/entropy_loss", step_, -entropy.item());
    logger.scalar("train/learning_rate", step_, optimizer_->learning_rate());
    logger.scalar("train/grad_norm", step_, grad_norm);
    logger.scalar("train/n_updates", step_, static_cast<double>(optimizer_->steps()));
  }
}

// --- plumbing: training checkpoints (taken between rollouts)
nn::StateDict A2c::training_state() const {
  nn::StateDict state;
  state.merge(model_.policy_state(), "model/");
  save_optimizer(state, "optimizer/", *optimizer_);
  save_rng(state, "rng", rng_);
  tracker_.save(state, "episodes/");
  state.put_words("counters", {static_cast<std::uint64_t>(step_),
                               static_cast<std::uint64_t>(iteration_), started_ ? 1u : 0u});
  return state;
}

void A2c::load_training_state(const nn::StateDict& state) {
  model_.load_policy_state(state.subset("model/"));
  load_optimizer(state, "optimizer/", *optimizer_);
  load_rng(state, "rng", rng_);
  tracker_.load(state, "episodes/");
  const std::vector<std::uint64_t>& counters = state.word_array("counters");
  check(counters.size() == 3, "a2c checkpoint: malformed counters");
  step_ = static_cast<std::int64_t>(counters[0]);
  iteration_ = static_cast<std::int64_t>(counters[1]);
  started_ = counters[2] != 0;
}

}  // namespace rl::agents
