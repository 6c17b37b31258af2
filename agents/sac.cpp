#include "agents/sac.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "agents/networks.hpp"
#include "agents/returns.hpp"
#include "agents/training_state.hpp"
#include "core/error.hpp"
#include "nn/error.hpp"

namespace rl::agents {

using nn::Index;
using nn::Scalar;

// --- algorithm: the tanh-squashed Gaussian policy (CleanRL's Actor.get_action)

namespace {

constexpr Scalar kLogStdMin = -5;
constexpr Scalar kLogStdMax = 2;
constexpr Scalar kHalfLogTwoPi = Scalar(0.91893853320467274178);  // 0.5 log(2 pi)
constexpr Scalar kLogTwo = Scalar(0.69314718055994530942);

/// One action dimension of one row: the pre-squash sample and what its derivatives need.
struct SquashedSample {
  Scalar log_std;
  Scalar std;
  Scalar d_log_std_d_raw;  // of the tanh rescaling of the raw output
  Scalar u;  // mean + std noise
  Scalar action;  // tanh(u)
};

// Eigen's float tanh (the one nn's tanh op uses) is several times faster than libm's.
SquashedSample squash(Scalar mean, Scalar raw_log_std, Scalar noise) {
  const Scalar t = Eigen::numext::tanh(raw_log_std);
  SquashedSample s{};
  s.log_std = kLogStdMin + Scalar(0.5) * (kLogStdMax - kLogStdMin) * (t + 1);
  s.std = std::exp(s.log_std);
  s.d_log_std_d_raw = Scalar(0.5) * (kLogStdMax - kLogStdMin) * (1 - t * t);
  s.u = mean + s.std * noise;
  s.action = Eigen::numext::tanh(s.u);
  return s;
}

/// log(1 - tanh(u)^2) = 2 (log 2 - u - softplus(-2u)), exact where 1 - tanh(u)^2 rounds to 0
/// (the form of OpenAI Spinning Up; CleanRL and SB3 add 1e-6 inside the log instead).
Scalar log_one_minus_tanh_squared(Scalar u) {
  const Scalar x = -2 * u;
  const Scalar softplus = std::max(x, Scalar(0)) + std::log1p(std::exp(-std::abs(x)));
  return 2 * (kLogTwo - u - softplus);
}

/// actions (B, A) and log_probs (B, 1) from outputs (B, 2A) and noise (B, A); either output may
/// be a null map.
void squashed_gaussian_forward(const nn::ConstMatrixRef& outputs, const nn::ConstMatrixRef& noise,
                               nn::MatrixMap actions, nn::MatrixMap log_probs) {
  const Index a = noise.cols();
  for (Index i = 0; i < noise.rows(); ++i) {
    Scalar log_prob = 0;
    for (Index j = 0; j < a; ++j) {
      const Scalar eps = noise(i, j);
      const SquashedSample s = squash(outputs(i, j), outputs(i, a + j), eps);
      if (actions.data() != nullptr) {
        actions(i, j) = s.action;
      }
      // log N(u; mean, std) with (u - mean) / std = eps, then the change of variables a = tanh(u)
      log_prob +=
          Scalar(-0.5) * eps * eps - s.log_std - kHalfLogTwoPi - log_one_minus_tanh_squared(s.u);
    }
    if (log_probs.data() != nullptr) {
      log_probs(i, 0) = log_prob;
    }
  }
}

// With u = mean + std eps (eps fixed, the reparameterisation trick):
//   d action / du = 1 - action^2
//   d log_prob / du = 2 action        (from -log(1 - tanh(u)^2); the Gaussian term is -eps^2 / 2)
//   d log_prob / d log_std = -1       (directly), and du / d log_std = std eps
//   du / d mean = 1,  d log_std / d raw = (MAX - MIN) (1 - tanh(raw)^2) / 2
// Accumulates into d_outputs (B, 2A) from d_actions (B, A) and/or d_log_probs (B, 1).
void squashed_gaussian_backward(const nn::ConstMatrixMap& outputs, const nn::ConstMatrixMap& noise,
                                const nn::ConstMatrixMap& d_actions,
                                const nn::ConstMatrixMap& d_log_probs, nn::MatrixMap d_outputs) {
  const Index a = noise.cols();
  for (Index i = 0; i < noise.rows(); ++i) {
    for (Index j = 0; j < a; ++j) {
      const Scalar eps = noise(i, j);
      const SquashedSample s = squash(outputs(i, j), outputs(i, a + j), eps);
      Scalar du = 0;
      Scalar d_log_std = 0;
      if (d_actions.data() != nullptr) {
        du += d_actions(i, j) * (1 - s.action * s.action);
      }
      if (d_log_probs.data() != nullptr) {
        du += d_log_probs(i, 0) * 2 * s.action;
        d_log_std -= d_log_probs(i, 0);
      }
      d_log_std += du * s.std * eps;
      d_outputs(i, j) += du;
      d_outputs(i, a + j) += d_log_std * s.d_log_std_d_raw;
    }
  }
}

nn::MatrixMap none() {
  return {nullptr, 0, 0};
}

nn::ConstMatrixMap no_input() {
  return {nullptr, 0, 0};
}

constexpr nn::CustomOp kSquashedAction{
    .name = "squashed_gaussian_action",
    .forward = [](std::span<const nn::ConstMatrixMap> in,
                  nn::MatrixMap y) { squashed_gaussian_forward(in[0], in[1], y, none()); },
    .backward =
        [](std::span<const nn::ConstMatrixMap> in, nn::ConstMatrixMap, nn::ConstMatrixMap dy,
           std::span<nn::MatrixMap> grads) {
          if (grads[0].data() != nullptr) {
            squashed_gaussian_backward(in[0], in[1], dy, no_input(), grads[0]);
          }
        },
};

constexpr nn::CustomOp kSquashedLogProb{
    .name = "squashed_gaussian_log_prob",
    .forward = [](std::span<const nn::ConstMatrixMap> in,
                  nn::MatrixMap y) { squashed_gaussian_forward(in[0], in[1], none(), y); },
    .backward =
        [](std::span<const nn::ConstMatrixMap> in, nn::ConstMatrixMap, nn::ConstMatrixMap dy,
           std::span<nn::MatrixMap> grads) {
          if (grads[0].data() != nullptr) {
            squashed_gaussian_backward(in[0], in[1], no_input(), dy, grads[0]);
          }
        },
};

void check_policy_shapes(nn::Var outputs, nn::Var noise, const char* op) {
  check(outputs.rows() == noise.rows() && outputs.cols() == 2 * noise.cols(), op,
        ": actor outputs ", outputs.shape(), " must be (B, 2A) for noise ", noise.shape(),
        " of shape (B, A)");
  check(!noise.requires_grad(), op, ": the noise must be a constant");
}

nn::MatrixMap as_map(nn::Matrix& m) {
  return {m.data(), m.rows(), m.cols()};
}

void fill_normal(nn::Matrix& m, nn::Rng& rng) {
  for (Index k = 0; k < m.size(); ++k) {
    m.data()[k] = static_cast<Scalar>(rng.normal());
  }
}

}  // namespace

nn::Var squashed_gaussian_action(nn::Var actor_outputs, nn::Var noise) {
  check_policy_shapes(actor_outputs, noise, kSquashedAction.name);
  return nn::custom(kSquashedAction, {actor_outputs, noise}, noise.shape());
}

nn::Var squashed_gaussian_log_prob(nn::Var actor_outputs, nn::Var noise) {
  check_policy_shapes(actor_outputs, noise, kSquashedLogProb.name);
  return nn::custom(kSquashedLogProb, {actor_outputs, noise}, {noise.rows(), 1});
}

// --- plumbing: configuration

void validate(const SacConfig& c) {
  check(c.buffer_size >= 1, "sac.buffer_size = ", c.buffer_size, " must be at least 1");
  check(c.gamma > 0 && c.gamma <= 1, "sac.gamma = ", c.gamma, " must be in (0, 1]");
  check(c.tau > 0 && c.tau <= 1, "sac.tau = ", c.tau, " must be in (0, 1]");
  check(c.batch_size >= 1, "sac.batch_size = ", c.batch_size, " must be at least 1");
  check(c.learning_starts >= 0, "sac.learning_starts = ", c.learning_starts, " must be >= 0");
  check(c.policy_lr > 0, "sac.policy_lr = ", c.policy_lr, " must be positive");
  check(c.q_lr > 0, "sac.q_lr = ", c.q_lr, " must be positive");
  check(c.policy_frequency >= 1, "sac.policy_frequency = ", c.policy_frequency,
        " must be at least 1");
  check(c.target_network_frequency >= 1,
        "sac.target_network_frequency = ", c.target_network_frequency, " must be at least 1");
  check(c.alpha >= 0, "sac.alpha = ", c.alpha, " must be >= 0");
  check(c.initial_alpha > 0, "sac.initial_alpha = ", c.initial_alpha,
        " must be positive (the tuning works on its log)");
  check(c.hidden_layers >= 0 && c.hidden_size >= 1, "sac.hidden_layers = ", c.hidden_layers,
        " and sac.hidden_size = ", c.hidden_size, " must be >= 0 and >= 1");
  check(c.gradient_steps >= 1, "sac.gradient_steps = ", c.gradient_steps, " must be at least 1");
  check(c.log_interval >= 1, "sac.log_interval = ", c.log_interval, " must be at least 1");
  nn::parse_activation(c.activation);
}

Preset<SacConfig> sac_preset(std::string_view env_id) {
  Preset<SacConfig> preset{.config = {}, .num_envs = 1, .steps = 1'000'000};  // CleanRL's defaults
  SacConfig& c = preset.config;
  if (env_id == "Pendulum-v1") {
    // RLtools' benchmark layout: one env, 10k steps, two hidden layers of 64 ReLU, batch 100.
    preset.steps = 10'000;
    c.hidden_layers = 2;
    c.hidden_size = 64;
    c.activation = "relu";
    c.batch_size = 100;
    // Our tuning (RL Zoo's Pendulum-v1 learning rate of 1e-3 for all three optimisers, every
    // update of the actor, a faster target), checked over 20 seeds at 10k and 15k steps.
    c.buffer_size = 100'000;
    c.learning_starts = 1000;
    c.policy_lr = 1e-3;
    c.q_lr = 1e-3;
    c.policy_frequency = 1;
    c.tau = 0.01;
  }
  return preset;
}

// --- plumbing: networks, optimisers and buffers

namespace {

nn::Sequential make_mlp(Index inputs, Index outputs, const SacConfig& c, std::uint64_t seed) {
  nn::MlpSpec spec;  // PyTorch's default initialisation, as CleanRL and SB3
  spec.sizes.push_back(inputs);
  spec.sizes.insert(spec.sizes.end(), static_cast<size_t>(c.hidden_layers), c.hidden_size);
  spec.sizes.push_back(outputs);
  spec.hidden = nn::parse_activation(c.activation);
  return nn::mlp(spec, seed);
}

const envs::Box& box_actions(const envs::EnvSpec& env) {
  const auto* box = std::get_if<envs::Box>(&env.action_space);
  check(box != nullptr, "sac: ", env.id, " has ", envs::to_string(env.action_space),
        " actions; SAC needs Box actions (use DQN or PPO for discrete ones)");
  check(box->bounded(), "sac: ", env.id, " has unbounded actions ",
        envs::to_string(env.action_space),
        "; the squashed policy needs finite bounds (wrap the env with ClipAction/RescaleAction)");
  return *box;
}

nn::ParamStore make_log_alpha(double initial_alpha) {
  nn::ParamStore store;
  const nn::Param p = store.add("log_alpha", 1, 1);
  store.value(p)(0, 0) = static_cast<Scalar>(std::log(initial_alpha));
  return store;
}

}  // namespace

Sac::Sac(envs::VecEnv& env, const SacConfig& config)
    : env_(env),
      config_((validate(config), config)),
      observation_size_(agents::observation_size(env.spec().observation_space)),
      action_size_(box_actions(env.spec()).size()),
      target_entropy_(config.target_entropy != 0 ? config.target_entropy
                                                 : -static_cast<double>(action_size_)),
      actor_(make_mlp(observation_size_, 2 * action_size_, config, config.seed * 4 + 1)),
      qf1_(make_mlp(observation_size_ + action_size_, 1, config, config.seed * 4 + 2)),
      qf2_(make_mlp(observation_size_ + action_size_, 1, config, config.seed * 4 + 3)),
      qf1_target_(qf1_),
      qf2_target_(qf2_),
      log_alpha_(make_log_alpha(config.initial_alpha)),
      actor_optimizer_(actor_.params(), {.learning_rate = config.policy_lr}),
      q_optimizer_({&qf1_.params(), &qf2_.params()}, {.learning_rate = config.q_lr}),
      alpha_optimizer_(log_alpha_, {.learning_rate = config.q_lr}),
      alpha_(config.autotune ? config.initial_alpha : config.alpha),
      rng_(config.seed),
      buffer_(config.buffer_size, observation_size_, action_size_, false) {
  check(env.spec().autoreset == envs::AutoReset::kSameStep,
        "sac: the env must reset itself (AutoReset::kSameStep)");
  const envs::Box& box = box_actions(env.spec());
  for (Index j = 0; j < action_size_; ++j) {
    const auto k = static_cast<size_t>(j);
    action_low_.push_back(box.low[k]);
    action_half_range_.push_back(0.5f * (box.high[k] - box.low[k]));
  }
  const std::int64_t n = env.num_envs();
  step_observations_.resize(n, observation_size_);
  step_noise_.resize(n, action_size_);
  step_actions_.resize(n, action_size_);
  env_actions_.resize_for(env.spec().action_space, n);
  const Index b = config.batch_size;
  noise_.resize(b, action_size_);
  next_actions_.resize(b, action_size_);
  next_log_probs_.resize(b, 1);
  next_input_.resize(b, observation_size_ + action_size_);
  critic_input_.resize(b, observation_size_ + action_size_);
  td_targets_.resize(b, 1);
}

// --- algorithm: the training loop (CleanRL's sac_continuous_action.py)

void Sac::learn(std::int64_t steps, Logger& logger) {
  check(steps >= 0, "sac: cannot learn for ", steps, " steps");
  if (!started_) {
    env_.reset(config_.seed);
    started_ = true;
  }
  const std::int64_t end = step_ + steps;
  const std::int64_t start_step = step_;
  const auto start = std::chrono::steady_clock::now();
  const auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  while (step_ < end) {
    const std::int64_t previous = step_;
    collect(logger);
    if (step_ >= config_.learning_starts) {
      for (std::int64_t g = 0; g < config_.gradient_steps; ++g) {
        update();
      }
    }
    if (step_ / config_.log_interval != previous / config_.log_interval) {
      log(logger, seconds(), start_step);
    }
  }
  if (step_ > start_step && step_ % config_.log_interval != 0) {
    log(logger, seconds(), start_step);
  }
}

// --- algorithm: collecting experience
// One step of every env: uniform random actions before learning_starts (SB3 and CleanRL), then
// samples of the policy. The buffer keeps actions in the policy's [-1, 1] (as SB3); the env gets
// them rescaled to its bounds. A finished episode's transition ends in its final observation:
// terminated stops bootstrapping there, truncated does not.
void Sac::collect(Logger& logger) {
  const std::int64_t n = env_.num_envs();
  step_observations_ = env_.last().observation_matrix();
  if (step_ < config_.learning_starts) {
    for (Index k = 0; k < step_actions_.size(); ++k) {
      step_actions_.data()[k] = static_cast<Scalar>(rng_.uniform(-1.0, 1.0));
    }
  } else {
    fill_normal(step_noise_, rng_);
    squashed_gaussian_forward(actor_.predict(step_observations_), step_noise_,
                              as_map(step_actions_), none());
  }
  to_env_actions(step_actions_, env_actions_);
  const envs::Batch& batch = env_actions_.step(env_);
  step_ += n;
  tracker_.record(batch, step_, logger);
  for (std::int64_t i = 0; i < n; ++i) {
    const auto k = static_cast<size_t>(i);
    const std::span<const float> next =
        batch.done(i) ? batch.final_observation(i) : batch.observation(i);
    buffer_.add(
        std::span<const float>(step_observations_.row(i).data(),
                               static_cast<size_t>(observation_size_)),
        std::span<const float>(step_actions_.row(i).data(), static_cast<size_t>(action_size_)),
        batch.rewards[k], next, batch.terminated[k] != 0, batch.truncated[k] != 0, config_.gamma);
  }
}

// --- algorithm: one gradient step on a uniformly sampled batch
//
//   a' ~ pi(.|s'),  y = r + gamma (1 - terminated) (min_k Q'_k(s', a') - alpha log pi(a'|s'))
//   L_Q = 0.5 sum_k mean((Q_k(s, a) - y)^2)                                   (SB3's scale)
// then every policy_frequency steps the actor and alpha (update_actor_and_alpha), and every
// target_network_frequency steps Q'_k = tau Q_k + (1 - tau) Q'_k.
void Sac::update() {
  buffer_.sample(config_.batch_size, rng_, batch_);
  const Index obs = observation_size_;
  // soft TD target, without gradients (the actor runs on a tape that is never differentiated:
  // its predict() workspace is sized for the acting batch, and resizing it would allocate)
  target_tape_.clear();
  const nn::Var next_outputs = actor_.forward(target_tape_, batch_.next_observations);
  fill_normal(noise_, rng_);
  squashed_gaussian_forward(next_outputs.value(), noise_, as_map(next_actions_),
                            as_map(next_log_probs_));
  next_input_.leftCols(obs) = batch_.next_observations;
  next_input_.rightCols(action_size_) = next_actions_;
  const nn::ConstMatrixMap next_q1 = qf1_target_.predict(next_input_);
  const nn::ConstMatrixMap next_q2 = qf2_target_.predict(next_input_);
  for (Index i = 0; i < config_.batch_size; ++i) {
    const double next_value =
        std::min(next_q1(i, 0), next_q2(i, 0)) - alpha_ * next_log_probs_(i, 0);
    td_targets_(i, 0) = static_cast<Scalar>(td_target(
        batch_.rewards(i, 0), next_value, batch_.terminated(i, 0) != 0, batch_.discounts(i, 0)));
  }
  // the twin critics
  critic_input_.leftCols(obs) = batch_.observations;
  critic_input_.rightCols(action_size_) = batch_.continuous_actions;
  critic_tape_.clear();
  const nn::Var state_action = critic_tape_.constant(critic_input_);
  const nn::Var targets = critic_tape_.constant(td_targets_);
  const nn::Var critic_loss =
      0.5f * (nn::mse_loss(qf1_.forward(critic_tape_, state_action), targets) +
              nn::mse_loss(qf2_.forward(critic_tape_, state_action), targets));
  q_optimizer_.zero_grad();
  check_loss(critic_loss.item(), "sac", step_);
  critic_tape_.backward(critic_loss);
  q_optimizer_.step();
  ++updates_;
  critic_loss_sum_ += critic_loss.item();
  ++critic_updates_logged_;

  if (updates_ % config_.policy_frequency == 0) {
    for (int k = 0; k < config_.policy_frequency; ++k) {  // CleanRL's delayed, compensated updates
      update_actor_and_alpha();
    }
  }
  if (updates_ % config_.target_network_frequency == 0) {
    const auto tau = static_cast<Scalar>(config_.tau);
    nn::soft_update(qf1_, qf1_target_, tau);
    nn::soft_update(qf2_, qf2_target_, tau);
  }
}

// --- algorithm: the actor and entropy-coefficient updates
//   a~ = tanh(mean + std eps), reparameterised
//   L_pi    = mean(alpha log pi(a~|s) - min_k Q_k(s, a~))
//   L_alpha = -mean(log alpha (log pi(a~|s) + target_entropy))                     (SB3's form)
// L_alpha lowers alpha while the policy's entropy -log pi is above the target, raises it below.
// It uses the log-probabilities of the actor before its step (as SB3), and alpha changes after
// the actor's step, so both losses see the alpha the critic target used.
void Sac::update_actor_and_alpha() {
  actor_tape_.clear();
  const nn::Var observations = actor_tape_.constant(batch_.observations);
  const nn::Var outputs = actor_.forward(actor_tape_, observations);
  fill_normal(noise_, rng_);
  const nn::Var noise = actor_tape_.constant(noise_);
  const nn::Var actions = squashed_gaussian_action(outputs, noise);
  const nn::Var log_prob = squashed_gaussian_log_prob(outputs, noise);
  const nn::Var state_action = nn::concat(observations, actions);
  const nn::Var q =
      nn::minimum(qf1_.forward(actor_tape_, state_action), qf2_.forward(actor_tape_, state_action));
  const nn::Var actor_loss = nn::mean(static_cast<Scalar>(alpha_) * log_prob - q);
  actor_optimizer_.zero_grad();
  check_loss(actor_loss.item(), "sac", step_);
  actor_tape_.backward(actor_loss);  // also fills the critics' gradients, which update() zeroes
  actor_optimizer_.step();
  actor_loss_sum_ += actor_loss.item();
  ++actor_updates_logged_;

  if (config_.autotune) {
    const double entropy_gap = static_cast<double>(log_prob.value().mean()) + target_entropy_;
    const double log_alpha = log_alpha_.values()(0);
    log_alpha_.grads()(0) = static_cast<Scalar>(-entropy_gap);  // dL_alpha / d log alpha
    alpha_optimizer_.step();
    alpha_ = std::exp(static_cast<double>(log_alpha_.values()(0)));
    alpha_loss_sum_ += -log_alpha * entropy_gap;
  }
}

// --- plumbing: acting, saving and logging

void Sac::act(const envs::ObservationMatrix& observations, bool deterministic, Actions& out) {
  const Index n = observations.rows();
  act_noise_.resize(n, action_size_);
  act_actions_.resize(n, action_size_);
  if (deterministic) {
    act_noise_.setZero();  // u = mean
  } else {
    fill_normal(act_noise_, rng_);
  }
  squashed_gaussian_forward(actor_.predict(observations), act_noise_, as_map(act_actions_), none());
  to_env_actions(act_actions_, out);
}

void Sac::describe(const envs::ObservationMatrix& observations, PolicyView& out) {
  act_noise_.setZero(1, action_size_);
  act_actions_.resize(1, action_size_);
  squashed_gaussian_forward(actor_.predict(observations.topRows(1)), act_noise_,
                            as_map(act_actions_), none());
  to_env_actions(act_actions_, describe_actions_);
  out.kind = PolicyView::Kind::action;
  out.values = describe_actions_.continuous;
}

// env action = low + (a + 1) (high - low) / 2 for a in [-1, 1] (SB3's unscale_action)
void Sac::to_env_actions(const nn::Matrix& squashed, Actions& out) const {
  out.discrete.clear();
  out.continuous.resize(static_cast<size_t>(squashed.size()));
  for (Index i = 0; i < squashed.rows(); ++i) {
    for (Index j = 0; j < action_size_; ++j) {
      const auto k = static_cast<size_t>(j);
      out.continuous[static_cast<size_t>(i * action_size_ + j)] =
          action_low_[k] + (squashed(i, j) + 1) * action_half_range_[k];
    }
  }
}

nn::StateDict Sac::policy_state() const {
  nn::StateDict state;
  state.merge(nn::state_dict(actor_.params()), "actor/");
  state.merge(nn::state_dict(qf1_.params()), "qf1/");
  state.merge(nn::state_dict(qf2_.params()), "qf2/");
  state.merge(nn::state_dict(qf1_target_.params()), "qf1_target/");
  state.merge(nn::state_dict(qf2_target_.params()), "qf2_target/");
  state.merge(nn::state_dict(log_alpha_), "");
  return state;
}

void Sac::load_policy_state(const nn::StateDict& state) {
  nn::load_state_dict(actor_.params(), state.subset("actor/"));
  nn::load_state_dict(qf1_.params(), state.subset("qf1/"));
  nn::load_state_dict(qf2_.params(), state.subset("qf2/"));
  nn::load_state_dict(qf1_target_.params(), state.subset("qf1_target/"));
  nn::load_state_dict(qf2_target_.params(), state.subset("qf2_target/"));
  nn::StateDict own;
  own.put("log_alpha", state.tensor("log_alpha"));
  nn::load_state_dict(log_alpha_, own);
  if (config_.autotune) {
    alpha_ = std::exp(static_cast<double>(log_alpha_.values()(0)));
  }
}

void Sac::log(Logger& logger, double seconds, std::int64_t start_step) {
  tracker_.log(step_, logger);
  if (critic_updates_logged_ > 0) {
    logger.scalar("train/critic_loss", step_,
                  critic_loss_sum_ / static_cast<double>(critic_updates_logged_));
  }
  if (actor_updates_logged_ > 0) {
    const auto n = static_cast<double>(actor_updates_logged_);
    logger.scalar("train/actor_loss", step_, actor_loss_sum_ / n);
    if (config_.autotune) {
      logger.scalar("train/ent_coef_loss", step_, alpha_loss_sum_ / n);
    }
  }
  logger.scalar("train/ent_coef", step_, alpha_);
  logger.scalar("train/learning_rate", step_, actor_optimizer_.learning_rate());
  logger.scalar("train/n_updates", step_, static_cast<double>(updates_));
  logger.scalar("time/fps", step_, static_cast<double>(step_ - start_step) / seconds);
  actor_loss_sum_ = critic_loss_sum_ = alpha_loss_sum_ = 0;
  actor_updates_logged_ = critic_updates_logged_ = 0;
}

// --- plumbing: training checkpoints
nn::StateDict Sac::training_state() const {
  nn::StateDict state;
  state.merge(policy_state(), "networks/");
  save_optimizer(state, "actor_optimizer/", actor_optimizer_);
  save_optimizer(state, "q_optimizer/", q_optimizer_);
  save_optimizer(state, "alpha_optimizer/", alpha_optimizer_);
  save_rng(state, "rng", rng_);
  buffer_.save(state, "replay/");
  tracker_.save(state, "episodes/");
  state.put("alpha", alpha_);
  state.put_words("counters",
                  {static_cast<std::uint64_t>(step_), static_cast<std::uint64_t>(updates_),
                   started_ ? 1u : 0u, static_cast<std::uint64_t>(actor_updates_logged_),
                   static_cast<std::uint64_t>(critic_updates_logged_)});
  state.put("diagnostics", std::vector<double>{actor_loss_sum_, critic_loss_sum_, alpha_loss_sum_});
  return state;
}

void Sac::load_training_state(const nn::StateDict& state) {
  load_policy_state(state.subset("networks/"));
  load_optimizer(state, "actor_optimizer/", actor_optimizer_);
  load_optimizer(state, "q_optimizer/", q_optimizer_);
  load_optimizer(state, "alpha_optimizer/", alpha_optimizer_);
  load_rng(state, "rng", rng_);
  buffer_.load(state, "replay/");
  tracker_.load(state, "episodes/");
  alpha_ = state.scalar("alpha");
  const std::vector<std::uint64_t>& counters = state.word_array("counters");
  const std::vector<double>& diagnostics = state.vector("diagnostics");
  check(counters.size() == 5 && diagnostics.size() == 3, "sac checkpoint: malformed counters");
  step_ = static_cast<std::int64_t>(counters[0]);
  updates_ = static_cast<std::int64_t>(counters[1]);
  started_ = counters[2] != 0;
  actor_updates_logged_ = static_cast<std::int64_t>(counters[3]);
  critic_updates_logged_ = static_cast<std::int64_t>(counters[4]);
  actor_loss_sum_ = diagnostics[0];
  critic_loss_sum_ = diagnostics[1];
  alpha_loss_sum_ = diagnostics[2];
}

}  // namespace rl::agents
