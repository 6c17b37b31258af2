#include "agents/actor_critic.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace rl::agents {

ActorCritic::ActorCritic(const envs::EnvSpec& env, const ActorCriticSpec& spec, std::uint64_t seed)
    : discrete_(std::holds_alternative<envs::Discrete>(env.action_space)),
      action_size_(discrete_ ? std::get<envs::Discrete>(env.action_space).n
                             : envs::flat_size(env.action_space)),
      observation_size_(agents::observation_size(env.observation_space)),
      spec_(spec) {
  check(std::holds_alternative<envs::Discrete>(env.action_space) ||
            std::holds_alternative<envs::Box>(env.action_space),
        env.id, ": actor-critic agents support Discrete and Box actions, not ",
        envs::to_string(env.action_space));
  actor = make_network(env.observation_space, action_size_, spec.actor, spec.actor_output_gain,
                       seed * 2 + 1);
  critic =
      make_network(env.observation_space, 1, spec.critic, spec.critic_output_gain, seed * 2 + 2);
  if (!discrete_) {
    log_std_param = log_std.add("log_std", 1, action_size_);
    log_std.value(log_std_param).setConstant(static_cast<nn::Scalar>(spec.initial_log_std));
  }
  observation_stats = envs::RunningMeanStd(observation_size_);
}

std::vector<nn::ParamStore*> ActorCritic::params() {
  std::vector<nn::ParamStore*> stores = {&actor.params(), &critic.params()};
  if (!discrete_) {
    stores.push_back(&log_std);
  }
  return stores;
}

void ActorCritic::prepare(const envs::ObservationMatrix& raw, bool update, nn::Matrix& out) {
  out = raw;
  if (spec_.normalize_observations && update) {
    observation_stats.update(std::span<const float>(raw.data(), static_cast<size_t>(raw.size())),
                             raw.rows());
  }
  normalize(out);
}

// (x - mean) / sqrt(var + 1e-8), clipped, as SB3's VecNormalize
void ActorCritic::normalize(nn::Matrix& out) const {
  if (!spec_.normalize_observations) {
    return;
  }
  const double clip = spec_.observation_clip;
  for (nn::Index j = 0; j < out.cols(); ++j) {
    const double mean = observation_stats.mean[static_cast<size_t>(j)];
    const double scale = 1.0 / std::sqrt(observation_stats.var[static_cast<size_t>(j)] + 1e-8);
    for (nn::Index i = 0; i < out.rows(); ++i) {
      out(i, j) = static_cast<float>(std::clamp((out(i, j) - mean) * scale, -clip, clip));
    }
  }
}

void ActorCritic::act(const nn::Matrix& observations, nn::Rng& rng, bool deterministic,
                      Actions& out, std::span<float> log_probs) {
  const nn::ConstMatrixMap outputs = actor.predict(observations);
  const nn::Index rows = outputs.rows();
  if (discrete_) {
    out.discrete.resize(static_cast<size_t>(rows));
    for (nn::Index i = 0; i < rows; ++i) {
      // log-softmax of the row, then inverse-CDF sampling
      const auto logits = outputs.row(i).array();
      const nn::Scalar max = logits.maxCoeff();
      const double log_z = max + std::log(static_cast<double>((logits - max).exp().sum()));
      nn::Index action = 0;
      if (deterministic) {
        outputs.row(i).maxCoeff(&action);
      } else {
        const double u = rng.uniform();
        double cumulative = 0;
        action = outputs.cols() - 1;
        for (nn::Index a = 0; a < outputs.cols(); ++a) {
          cumulative += std::exp(static_cast<double>(logits(a)) - log_z);
          if (u < cumulative) {
            action = a;
            break;
          }
        }
      }
      out.discrete[static_cast<size_t>(i)] = static_cast<std::int32_t>(action);
      if (!log_probs.empty()) {
        log_probs[static_cast<size_t>(i)] = static_cast<float>(logits(action) - log_z);
      }
    }
    return;
  }
  out.continuous.resize(static_cast<size_t>(rows * action_size_));
  const nn::ConstMatrixMap log_std_value = std::as_const(log_std).value(log_std_param);
  for (nn::Index i = 0; i < rows; ++i) {
    double log_prob = 0;
    for (nn::Index j = 0; j < action_size_; ++j) {
      const double ls = log_std_value(0, j);
      const double noise = deterministic ? 0.0 : rng.normal();
      const double mean = outputs(i, j);
      const auto a = static_cast<float>(mean + std::exp(ls) * noise);
      out.continuous[static_cast<size_t>(i * action_size_ + j)] = a;
      const double z = (static_cast<double>(a) - mean) * std::exp(-ls);
      log_prob += -0.5 * z * z - ls - 0.9189385332046727;  // log N(a; mean, std)
    }
    if (!log_probs.empty()) {
      log_probs[static_cast<size_t>(i)] = static_cast<float>(log_prob);
    }
  }
}

void ActorCritic::describe(const nn::Matrix& observations, PolicyView& out) {
  const nn::ConstMatrixMap outputs = actor.predict(observations.topRows(1));
  const auto row = outputs.row(0).array();
  out.values.resize(static_cast<size_t>(outputs.cols()));
  if (discrete_) {
    out.kind = PolicyView::Kind::probabilities;
    const nn::Scalar max = row.maxCoeff();
    const double z = static_cast<double>((row - max).exp().sum());
    for (nn::Index a = 0; a < outputs.cols(); ++a) {
      out.values[static_cast<size_t>(a)] = static_cast<float>(std::exp(row(a) - max) / z);
    }
  } else {
    out.kind = PolicyView::Kind::action;
    for (nn::Index j = 0; j < outputs.cols(); ++j) {
      out.values[static_cast<size_t>(j)] = row(j);
    }
  }
}

nn::Var ActorCritic::log_prob(nn::Tape& tape, nn::Var actor_outputs, const RolloutBuffer& buffer,
                              std::span<const std::int64_t> rows, nn::Matrix& action_scratch,
                              std::vector<std::int32_t>& index_scratch) {
  const auto n = static_cast<nn::Index>(rows.size());
  if (discrete_) {
    index_scratch.resize(rows.size());
    for (size_t k = 0; k < rows.size(); ++k) {
      index_scratch[k] = buffer.discrete_actions[static_cast<size_t>(rows[k])];
    }
    return nn::categorical_log_prob(actor_outputs, index_scratch);
  }
  action_scratch.resize(n, action_size_);
  for (nn::Index k = 0; k < n; ++k) {
    action_scratch.row(k) = buffer.continuous_actions.row(rows[static_cast<size_t>(k)]);
  }
  return nn::gaussian_log_prob(actor_outputs, tape.parameter(log_std, log_std_param),
                               tape.constant(action_scratch));
}

nn::Var ActorCritic::entropy(nn::Tape& tape, nn::Var actor_outputs) {
  if (discrete_) {
    return nn::categorical_entropy(actor_outputs);
  }
  return nn::gaussian_entropy(tape.parameter(log_std, log_std_param));
}

void ActorCritic::collect(envs::VecEnv& env, RolloutBuffer& buffer, nn::Rng& rng,
                          EpisodeTracker& tracker, Logger& logger, std::int64_t& step) {
  const std::int64_t n = env.num_envs();
  const envs::Batch* batch = &env.last();
  for (std::int64_t t = 0; t < buffer.steps; ++t) {
    const nn::Index first = buffer.row(t, 0);
    prepare(batch->observation_matrix(), true, prepared_);
    buffer.observations.middleRows(first, n) = prepared_;
    step_log_probs_.resize(static_cast<size_t>(n));
    act(prepared_, rng, false, actions_, step_log_probs_);
    for (std::int64_t i = 0; i < n; ++i) {
      const auto k = static_cast<size_t>(first + i);
      buffer.log_probs[k] = step_log_probs_[static_cast<size_t>(i)];
      if (discrete_) {
        buffer.discrete_actions[k] = actions_.discrete[static_cast<size_t>(i)];
      } else {
        for (nn::Index j = 0; j < action_size_; ++j) {
          buffer.continuous_actions(first + i, j) =
              actions_.continuous[static_cast<size_t>(i * action_size_ + j)];
        }
      }
    }
    batch = &actions_.step(env);
    step += n;
    tracker.record(*batch, step, logger);
    // the observation each env moved to: the final one where an episode ended
    for (std::int64_t i = 0; i < n; ++i) {
      const auto k = static_cast<size_t>(first + i);
      buffer.rewards[k] = batch->rewards[static_cast<size_t>(i)];
      buffer.terminated[k] = batch->terminated[static_cast<size_t>(i)];
      buffer.truncated[k] = batch->truncated[static_cast<size_t>(i)];
      const std::span<const float> next =
          batch->done(i) ? batch->final_observation(i) : batch->observation(i);
      for (nn::Index j = 0; j < observation_size_; ++j) {
        buffer.next_observations(first + i, j) = next[static_cast<size_t>(j)];
      }
    }
  }
  normalize(buffer.next_observations);  // with the statistics of this rollout
  const nn::ConstMatrixMap values = critic.predict(buffer.observations);
  std::copy_n(values.data(), buffer.size(), buffer.values.begin());
  const nn::ConstMatrixMap next_values = critic.predict(buffer.next_observations);
  std::copy_n(next_values.data(), buffer.size(), buffer.next_values.begin());
}

nn::StateDict ActorCritic::policy_state() const {
  nn::StateDict state;
  state.merge(nn::state_dict(actor.params()), "actor/");
  state.merge(nn::state_dict(critic.params()), "critic/");
  if (!discrete_) {
    state.merge(nn::state_dict(log_std), "");
  }
  if (spec_.normalize_observations) {
    state.put("observation_mean", observation_stats.mean);
    state.put("observation_var", observation_stats.var);
    state.put("observation_count", observation_stats.count);
  }
  return state;
}

void ActorCritic::load_policy_state(const nn::StateDict& state) {
  nn::load_state_dict(actor.params(), state.subset("actor/"));
  nn::load_state_dict(critic.params(), state.subset("critic/"));
  if (!discrete_) {
    nn::StateDict own;
    own.put("log_std", state.tensor("log_std"));
    nn::load_state_dict(log_std, own);
  }
  if (spec_.normalize_observations) {
    const std::vector<double>& mean = state.vector("observation_mean");
    const std::vector<double>& var = state.vector("observation_var");
    check(static_cast<nn::Index>(mean.size()) == observation_size_ &&
              static_cast<nn::Index>(var.size()) == observation_size_,
          "policy state: observation statistics have ", mean.size(), " features, expected ",
          observation_size_);
    observation_stats.mean = mean;
    observation_stats.var = var;
    observation_stats.count = state.scalar("observation_count");
  }
}

}  // namespace rl::agents
