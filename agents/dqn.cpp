#include "agents/dqn.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>

#include "agents/networks.hpp"
#include "agents/returns.hpp"
#include "agents/training_state.hpp"
#include "core/error.hpp"
#include "nn/functional.hpp"
#include "nn/optim/clip.hpp"
#include "nn/optim/schedule.hpp"

namespace rl::agents {

// --- plumbing: configuration

std::vector<nn::Index> parse_hidden_sizes(const std::string& hidden) {
  std::vector<nn::Index> sizes;
  const char* p = hidden.data();
  const char* end = p + hidden.size();
  while (p != end) {
    nn::Index width = 0;
    const auto [next, error] = std::from_chars(p, end, width);
    check(error == std::errc() && width >= 1 && (next == end || *next == ','), "dqn.hidden = '",
          hidden, "' must list positive layer widths separated by commas, e.g. 120,84");
    sizes.push_back(width);
    p = next == end ? end : next + 1;
    check(next == end || p != end, "dqn.hidden = '", hidden, "' ends with a comma");
  }
  return sizes;
}

void validate(const DqnConfig& c) {
  check(c.learning_rate > 0, "dqn.learning_rate = ", c.learning_rate, " must be positive");
  check(c.buffer_size >= 1, "dqn.buffer_size = ", c.buffer_size, " must be at least 1");
  check(c.gamma > 0 && c.gamma <= 1, "dqn.gamma = ", c.gamma, " must be in (0, 1]");
  check(c.tau > 0 && c.tau <= 1, "dqn.tau = ", c.tau, " must be in (0, 1]");
  check(c.target_network_frequency >= 1,
        "dqn.target_network_frequency = ", c.target_network_frequency, " must be at least 1");
  check(c.batch_size >= 1, "dqn.batch_size = ", c.batch_size, " must be at least 1");
  check(c.start_e >= 0 && c.start_e <= 1, "dqn.start_e = ", c.start_e, " must be in [0, 1]");
  check(c.end_e >= 0 && c.end_e <= 1, "dqn.end_e = ", c.end_e, " must be in [0, 1]");
  check(c.exploration_fraction >= 0 && c.exploration_fraction <= 1,
        "dqn.exploration_fraction = ", c.exploration_fraction, " must be in [0, 1]");
  check(c.learning_starts >= 0, "dqn.learning_starts = ", c.learning_starts, " must be >= 0");
  check(c.train_frequency >= 1, "dqn.train_frequency = ", c.train_frequency, " must be at least 1");
  check(c.gradient_steps >= 1, "dqn.gradient_steps = ", c.gradient_steps, " must be at least 1");
  check(c.total_steps >= 1, "dqn.total_steps = ", c.total_steps, " must be at least 1");
  check(c.n_step >= 1, "dqn.n_step = ", c.n_step, " must be at least 1");
  check(c.per_alpha >= 0, "dqn.per_alpha = ", c.per_alpha, " must be >= 0");
  check(c.per_beta0 >= 0 && c.per_beta0 <= 1, "dqn.per_beta0 = ", c.per_beta0,
        " must be in [0, 1]");
  check(c.loss == "mse" || c.loss == "huber", "dqn.loss = '", c.loss,
        "' is not a TD loss; use mse or huber");
  check(c.max_grad_norm >= 0, "dqn.max_grad_norm = ", c.max_grad_norm, " must be >= 0 (0: off)");
  check(c.adam_eps > 0, "dqn.adam_eps = ", c.adam_eps, " must be positive");
  const std::vector<nn::Index> hidden = parse_hidden_sizes(c.hidden);
  check(!c.dueling || !hidden.empty(), "dqn.dueling needs at least one hidden layer (dqn.hidden)");
  nn::parse_activation(c.activation);
}

Preset<DqnConfig> dqn_preset(std::string_view env_id) {
  Preset<DqnConfig> preset{.config = {}, .num_envs = 1, .steps = 500'000};
  DqnConfig& c = preset.config;
  if (env_id == "CartPole-v1" || env_id == "Acrobot-v1") {
    // RL Zoo's settings (on SB3's 64-64 net) reach the thresholds, but on CartPole most seeds
    // collapse again before the budget ends and on Acrobot some miss by a little. Double DQN
    // with a dueling head and 3-step returns, one gradient step every 4 env steps, Huber loss
    // and clipping at 10 passed on every CartPole seed tried and all but one Acrobot seed
    preset.steps = 100'000;
    c.learning_rate = 1e-3;
    c.buffer_size = 100'000;
    c.batch_size = 128;
    c.learning_starts = 1000;
    c.train_frequency = 4;
    c.target_network_frequency = 500;
    c.exploration_fraction = 0.1;
    c.end_e = 0.02;
    c.double_q = true;
    c.dueling = true;
    c.n_step = 3;
    c.loss = "huber";
    c.max_grad_norm = 10;
    c.hidden = "64,64";
  } else if (env_id == "MountainCar-v0") {
    // RL Zoo's (4e-3, gamma 0.98, 8 gradient steps every 16 env steps, net 256-256) ends between
    // -100 and -160 here. What made it reliable: velocity (+-0.07) scaled to the range of
    // position, 5-step returns, a dueling head, gamma 0.99, and a long exploration phase
    // (epsilon 1 to 0.01 over 60k steps) with a bigger buffer; 128-128 is enough
    preset.steps = 150'000;
    c.learning_rate = 2e-3;
    c.buffer_size = 50'000;
    c.batch_size = 128;
    c.learning_starts = 1000;
    c.train_frequency = 16;
    c.gradient_steps = 8;
    c.target_network_frequency = 600;
    c.exploration_fraction = 0.4;
    c.end_e = 0.01;
    c.dueling = true;
    c.n_step = 5;
    c.loss = "huber";
    c.max_grad_norm = 10;
    c.scale_observations = true;
    c.hidden = "128,128";
  }
  c.total_steps = preset.steps;
  return preset;
}

double dqn_epsilon(const DqnConfig& c, std::int64_t step) {
  const auto decay_steps =
      static_cast<std::int64_t>(c.exploration_fraction * static_cast<double>(c.total_steps));
  return nn::LinearSchedule{c.start_e, c.end_e, decay_steps}(step);
}

// --- algorithm: the TD target

void dqn_targets(const nn::ConstMatrixRef& target_next_q, const nn::ConstMatrixRef& selector_next_q,
                 const ReplayBatch& batch, nn::Matrix& targets) {
  check(target_next_q.rows() == batch.rewards.rows() &&
            selector_next_q.rows() == target_next_q.rows() &&
            selector_next_q.cols() == target_next_q.cols(),
        "dqn_targets: Q(s') of shapes (", target_next_q.rows(), ", ", target_next_q.cols(),
        ") and (", selector_next_q.rows(), ", ", selector_next_q.cols(), ") for a batch of ",
        batch.rewards.rows());
  targets.resize(target_next_q.rows(), 1);
  for (nn::Index i = 0; i < target_next_q.rows(); ++i) {
    nn::Index next_action = 0;
    selector_next_q.row(i).maxCoeff(&next_action);
    targets(i, 0) =
        static_cast<nn::Scalar>(td_target(batch.rewards(i, 0), target_next_q(i, next_action),
                                          batch.terminated(i, 0) != 0, batch.discounts(i, 0)));
  }
}

// --- algorithm: the Q-network, plain or dueling

QNetwork::QNetwork(const envs::Space& observation_space, nn::Index actions, const DqnConfig& config,
                   std::uint64_t seed)
    : dueling(config.dueling) {
  NetworkSpec spec;
  spec.hidden = parse_hidden_sizes(config.hidden);
  spec.activation = nn::parse_activation(config.activation);
  spec.orthogonal_init = config.orthogonal_init;
  const double gain = std::sqrt(2.0);  // CleanRL's hidden-layer gain, when orthogonal
  if (!dueling) {
    torso = make_network(observation_space, actions, spec, 1.0, seed);
    return;
  }
  // the torso is the network up to its last hidden layer; two linear heads read its features
  const nn::Index features = spec.hidden.back();
  spec.hidden.pop_back();
  torso = make_network(observation_space, features, spec, gain, seed);
  torso.activation(spec.activation);
  NetworkSpec head;
  head.hidden.clear();
  head.orthogonal_init = config.orthogonal_init;
  const envs::Space feature_space = envs::Box::uniform(0, 0, {features});
  value = make_network(feature_space, 1, head, 1.0, seed + 1);
  advantage = make_network(feature_space, actions, head, 1.0, seed + 2);
}

// Q = V + A - mean_a A: (B, 1) + (B, A) - (B, 1)
nn::Var QNetwork::forward(nn::Tape& tape, nn::Var observations) {
  const nn::Var out = torso.forward(tape, observations);
  if (!dueling) {
    return out;
  }
  const nn::Var a = advantage.forward(tape, out);
  return value.forward(tape, out) + (a - nn::mean(a, 1));
}

std::vector<nn::ParamStore*> QNetwork::params() {
  if (!dueling) {
    return {&torso.params()};
  }
  return {&torso.params(), &value.params(), &advantage.params()};
}

nn::StateDict QNetwork::state_dict() const {
  nn::StateDict state;
  state.merge(nn::state_dict(torso.params()), "torso/");
  if (dueling) {
    state.merge(nn::state_dict(value.params()), "value/");
    state.merge(nn::state_dict(advantage.params()), "advantage/");
  }
  return state;
}

void QNetwork::load_state_dict(const nn::StateDict& state) {
  nn::load_state_dict(torso.params(), state.subset("torso/"));
  if (dueling) {
    nn::load_state_dict(value.params(), state.subset("value/"));
    nn::load_state_dict(advantage.params(), state.subset("advantage/"));
  }
}

void update_target(const QNetwork& online, QNetwork& target, double tau) {
  const auto blend = [tau](const nn::Sequential& from, nn::Sequential& to) {
    if (tau == 1.0) {
      nn::copy_params(from, to);
    } else {
      nn::soft_update(from, to, static_cast<nn::Scalar>(tau));
    }
  };
  blend(online.torso, target.torso);
  if (online.dueling) {
    blend(online.value, target.value);
    blend(online.advantage, target.advantage);
  }
}

// --- plumbing: construction

namespace {

/// Row i of a row-major matrix as a span.
std::span<const float> row_span(const nn::Matrix& m, std::int64_t i) {
  return {m.row(i).data(), static_cast<size_t>(m.cols())};
}

const envs::Discrete& discrete_actions(const envs::EnvSpec& spec) {
  const auto* discrete = std::get_if<envs::Discrete>(&spec.action_space);
  check(discrete != nullptr, "dqn: ", spec.id, " has ", envs::to_string(spec.action_space),
        " actions; DQN needs Discrete actions (use SAC or PPO for Box actions)");
  return *discrete;
}

}  // namespace

Dqn::Dqn(envs::VecEnv& env, const DqnConfig& config)
    : env_(env),
      config_((validate(config), config)),
      num_actions_(discrete_actions(env.spec()).n),
      action_start_(discrete_actions(env.spec()).start),
      online_(env.spec().observation_space, num_actions_, config, config.seed * 4 + 1),
      target_(online_),
      params_(online_.params()),
      optimizer_(params_, {.learning_rate = config.learning_rate, .eps = config.adam_eps}),
      rng_(config.seed * 4),
      collector_(env.num_envs(), config.n_step, config.gamma,
                 observation_size(env.spec().observation_space), 1) {
  const nn::Index obs_size = observation_size(env.spec().observation_space);
  if (config.prioritized) {
    prioritized_replay_.emplace(config.buffer_size, obs_size, 1, true, config.per_alpha);
  } else {
    replay_.emplace(config.buffer_size, obs_size, 1, true);
  }
  // scaling into [-1, 1] where both bounds are finite (MountainCar's velocity spans +-0.07)
  const auto& box = std::get<envs::Box>(env.spec().observation_space);
  observation_center_.setZero(obs_size);
  observation_scale_.setOnes(obs_size);
  for (nn::Index j = 0; j < obs_size; ++j) {
    const double low = box.low[static_cast<size_t>(j)];
    const double high = box.high[static_cast<size_t>(j)];
    if (config.scale_observations && std::isfinite(low) && std::isfinite(high) && high > low) {
      observation_center_(j) = static_cast<nn::Scalar>((low + high) / 2);
      observation_scale_(j) = static_cast<nn::Scalar>(2 / (high - low));
    }
  }
  const auto n = static_cast<size_t>(env.num_envs());
  observations_.resize(env.num_envs(), obs_size);
  next_observations_.resize(env.num_envs(), obs_size);
  action_indices_.resize(n);
  exploring_.resize(n);
  env_actions_.resize(n);
  td_errors_.resize(static_cast<size_t>(config.batch_size));
}

// --- algorithm: epsilon-greedy actions

void Dqn::scale(nn::Matrix& observations) const {
  if (config_.scale_observations) {
    observations = (observations.rowwise() - observation_center_).array().rowwise() *
                   observation_scale_.array();
  }
}

void Dqn::choose_actions(const nn::Matrix& observations, double epsilon,
                         std::vector<std::int32_t>& out) {
  const auto n = static_cast<size_t>(observations.rows());
  out.resize(n);
  exploring_.resize(n);
  bool any_greedy = false;
  for (size_t i = 0; i < n; ++i) {
    exploring_[i] = epsilon > 0 && rng_.uniform() < epsilon;
    if (exploring_[i]) {
      out[i] = static_cast<std::int32_t>(rng_.below(static_cast<std::uint64_t>(num_actions_)));
    }
    any_greedy = any_greedy || !exploring_[i];
  }
  if (!any_greedy) {  // the network is not needed when every env explores
    return;
  }
  act_tape_.clear();
  const nn::ConstMatrixMap q = online_.forward(act_tape_, act_tape_.constant(observations)).value();
  for (size_t i = 0; i < n; ++i) {
    if (!exploring_[i]) {
      nn::Index best = 0;
      q.row(static_cast<nn::Index>(i)).maxCoeff(&best);
      out[i] = static_cast<std::int32_t>(best);
    }
  }
}

void Dqn::act(const envs::ObservationMatrix& observations, bool deterministic, Actions& out) {
  prepared_ = observations;
  scale(prepared_);
  choose_actions(prepared_, deterministic ? 0.0 : dqn_epsilon(config_, step_), out.discrete);
  for (std::int32_t& a : out.discrete) {
    a += static_cast<std::int32_t>(action_start_);
  }
  out.continuous.clear();
}

void Dqn::describe(const envs::ObservationMatrix& observations, PolicyView& out) {
  prepared_ = observations.topRows(1);
  scale(prepared_);
  act_tape_.clear();
  const nn::ConstMatrixMap q = online_.forward(act_tape_, act_tape_.constant(prepared_)).value();
  out.kind = PolicyView::Kind::q_values;
  out.values.assign(q.data(), q.data() + q.cols());
}

// --- algorithm: the training loop (CleanRL's dqn.py, one iteration per step of the N envs)

void Dqn::learn(std::int64_t steps, Logger& logger) {
  check(steps >= 0, "dqn: cannot learn for ", steps, " steps");
  if (!started_) {
    env_.reset(config_.seed);
    started_ = true;
  }
  const std::int64_t n = env_.num_envs();
  const std::int64_t end = step_ + steps;
  const auto start = std::chrono::steady_clock::now();
  const std::int64_t start_step = step_;
  const auto store = [this](std::span<const float> observation, std::span<const float> action,
                            double reward, std::span<const float> next_observation, bool terminated,
                            bool truncated, double discount) {
    if (prioritized_replay_) {
      prioritized_replay_->add(observation, action, reward, next_observation, terminated, truncated,
                               discount);
    } else {
      replay_->add(observation, action, reward, next_observation, terminated, truncated, discount);
    }
  };
  while (step_ < end) {
    // act epsilon-greedily and step the envs
    observations_ = env_.last().observation_matrix();
    scale(observations_);
    choose_actions(observations_, dqn_epsilon(config_, step_), action_indices_);
    for (size_t i = 0; i < action_indices_.size(); ++i) {
      env_actions_[i] = action_indices_[i] + static_cast<std::int32_t>(action_start_);
    }
    const std::int64_t first_step = step_;  // CleanRL's global_step of env 0
    const envs::Batch& batch = env_.step(env_actions_);
    step_ += n;
    tracker_.record(batch, step_, logger);

    // store (s, a, r, s', terminated, truncated); s' is the final observation where an episode
    // ended, so truncated transitions bootstrap from the state the time limit cut off
    for (std::int64_t i = 0; i < n; ++i) {
      const std::span<const float> next =
          batch.done(i) ? batch.final_observation(i) : batch.observation(i);
      std::copy(next.begin(), next.end(), next_observations_.row(i).data());
    }
    scale(next_observations_);
    for (std::int64_t i = 0; i < n; ++i) {
      const auto k = static_cast<size_t>(i);
      const auto action = static_cast<float>(action_indices_[k]);
      collector_.add(i, row_span(observations_, i), std::span<const float>(&action, 1),
                     batch.rewards[k], row_span(next_observations_, i), batch.terminated[k] != 0,
                     batch.truncated[k] != 0, store);
    }

    // train every train_frequency env steps and update the target every
    // target_network_frequency steps, once past learning_starts (steps first_step ... step_ - 1)
    const std::int64_t stored = prioritized_replay_ ? prioritized_replay_->size() : replay_->size();
    for (std::int64_t t = first_step; t < step_; ++t) {
      if (t <= config_.learning_starts || stored == 0) {
        continue;
      }
      if (t % config_.train_frequency == 0) {
        for (int g = 0; g < config_.gradient_steps; ++g) {
          update();
        }
      }
      if (t % config_.target_network_frequency == 0) {
        update_target(online_, target_, config_.tau);
      }
    }

    // --- plumbing: logging about every 1000 steps
    if (step_ - last_log_step_ >= 1000 || step_ >= end) {
      log(logger, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
                      static_cast<double>(step_ - start_step));
    }
  }
}

// One gradient step on a sampled batch:
//   y    = r_n + gamma^n (1 - terminated) Q_target(s', a')       (no gradient)
//   loss = mean_i w_i l(Q(s_i, a_i) - y_i),  l = d^2 or Huber(d), w = IS weights (PER) or 1
void Dqn::update() {
  // --- algorithm: sample (prioritised replay anneals beta from per_beta0 to 1)
  if (prioritized_replay_) {
    const double beta = nn::LinearSchedule{config_.per_beta0, 1.0, config_.total_steps}(step_);
    prioritized_replay_->sample(config_.batch_size, beta, rng_, batch_);
  } else {
    replay_->sample(config_.batch_size, rng_, batch_);
  }

  // --- algorithm: TD targets from the target network (Double DQN: online argmax)
  next_tape_.clear();
  const nn::Var next_observations = next_tape_.constant(batch_.next_observations);
  const nn::ConstMatrixMap target_next_q = target_.forward(next_tape_, next_observations).value();
  if (config_.double_q) {
    dqn_targets(target_next_q, online_.forward(next_tape_, next_observations).value(), batch_,
                targets_);
  } else {
    dqn_targets(target_next_q, target_next_q, batch_, targets_);
  }

  // --- algorithm: weighted TD loss and one Adam step
  tape_.clear();
  const nn::Var q = online_.forward(tape_, tape_.constant(batch_.observations));
  const nn::Var q_taken = nn::gather(q, batch_.discrete_actions);  // (B, 1)
  const nn::Var td_error = q_taken - tape_.constant(targets_);
  nn::Var elementwise;
  if (config_.loss == "huber") {  // 0.5 min(|d|, 1)^2 + (|d| - min(|d|, 1)): PyTorch's delta 1
    const nn::Var magnitude = nn::abs(td_error);
    const nn::Var quadratic = nn::clamp(magnitude, 0, 1);
    elementwise = 0.5f * nn::square(quadratic) + (magnitude - quadratic);
  } else {
    elementwise = nn::square(td_error);
  }
  const nn::Var loss = nn::mean(tape_.constant(batch_.weights) * elementwise);
  optimizer_.zero_grad();
  check_loss(loss.item(), "dqn", step_);
  tape_.backward(loss);
  grad_norm_sum_ += config_.max_grad_norm > 0 ? nn::clip_grad_norm(params_, config_.max_grad_norm)
                                              : nn::grad_norm(params_);
  optimizer_.step();

  // --- algorithm: new priorities |TD error|
  if (prioritized_replay_) {
    const nn::ConstMatrixMap d = td_error.value();
    std::copy_n(d.data(), d.size(), td_errors_.begin());
    prioritized_replay_->update_priorities(batch_.indices, td_errors_);
  }
  loss_sum_ += loss.item();
  q_sum_ += q_taken.value().mean();
  ++updates_since_log_;
}

// --- plumbing: logging with Stable-Baselines3's keys

void Dqn::log(Logger& logger, double seconds_per_step) {
  last_log_step_ = step_;
  tracker_.log(step_, logger);
  logger.scalar("rollout/exploration_rate", step_, dqn_epsilon(config_, step_));
  if (updates_since_log_ > 0) {
    const auto n = static_cast<double>(updates_since_log_);
    logger.scalar("train/loss", step_, loss_sum_ / n);
    logger.scalar("train/q_values", step_, q_sum_ / n);
    logger.scalar("train/grad_norm", step_, grad_norm_sum_ / n);
    logger.scalar("train/learning_rate", step_, optimizer_.learning_rate());
    logger.scalar("train/n_updates", step_, static_cast<double>(optimizer_.steps()));
    loss_sum_ = q_sum_ = grad_norm_sum_ = 0;
    updates_since_log_ = 0;
  }
  logger.scalar("time/fps", step_, 1.0 / seconds_per_step);
}

// --- plumbing: saving and restoring

nn::StateDict Dqn::policy_state() const {
  nn::StateDict state;
  state.merge(online_.state_dict(), "online/");
  state.merge(target_.state_dict(), "target/");
  return state;
}

void Dqn::load_policy_state(const nn::StateDict& state) {
  online_.load_state_dict(state.subset("online/"));
  target_.load_state_dict(state.subset("target/"));
}

// --- plumbing: training checkpoints
nn::StateDict Dqn::training_state() const {
  nn::StateDict state;
  state.merge(policy_state(), "networks/");
  save_optimizer(state, "optimizer/", optimizer_);
  save_rng(state, "rng", rng_);
  if (replay_) {
    replay_->save(state, "replay/");
  } else {
    prioritized_replay_->save(state, "replay/");
  }
  collector_.save(state, "n_step/");
  tracker_.save(state, "episodes/");
  state.put_words("counters",
                  {static_cast<std::uint64_t>(step_), static_cast<std::uint64_t>(last_log_step_),
                   started_ ? 1u : 0u, static_cast<std::uint64_t>(updates_since_log_)});
  state.put("diagnostics", std::vector<double>{loss_sum_, q_sum_, grad_norm_sum_});
  return state;
}

void Dqn::load_training_state(const nn::StateDict& state) {
  load_policy_state(state.subset("networks/"));
  load_optimizer(state, "optimizer/", optimizer_);
  load_rng(state, "rng", rng_);
  if (replay_) {
    replay_->load(state, "replay/");
  } else {
    prioritized_replay_->load(state, "replay/");
  }
  collector_.load(state, "n_step/");
  tracker_.load(state, "episodes/");
  const std::vector<std::uint64_t>& counters = state.word_array("counters");
  const std::vector<double>& diagnostics = state.vector("diagnostics");
  check(counters.size() == 4 && diagnostics.size() == 3, "dqn checkpoint: malformed counters");
  step_ = static_cast<std::int64_t>(counters[0]);
  last_log_step_ = static_cast<std::int64_t>(counters[1]);
  started_ = counters[2] != 0;
  updates_since_log_ = static_cast<std::int64_t>(counters[3]);
  loss_sum_ = diagnostics[0];
  q_sum_ = diagnostics[1];
  grad_norm_sum_ = diagnostics[2];
}

}  // namespace rl::agents
