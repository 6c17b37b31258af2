#include "experiments/episode_player.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <variant>

#include "core/error.hpp"

namespace rl::experiments {

namespace {

std::string format_number(double value, const char* format) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

}  // namespace

std::vector<std::string> action_labels(const envs::EnvSpec& spec) {
  const std::int64_t count = envs::is_discrete(spec.action_space)
                                 ? std::get<envs::Discrete>(spec.action_space).n
                                 : envs::flat_size(spec.action_space);
  std::vector<std::string> labels;
  for (std::int64_t i = 0; i < count; ++i) {
    labels.push_back(static_cast<size_t>(i) < spec.action_names.size()
                         ? spec.action_names[static_cast<size_t>(i)]
                         : std::to_string(i));
  }
  return labels;
}

sim::Bars action_bars(const envs::EnvSpec& spec, std::span<const float> action) {
  sim::Bars bars;
  bars.title = "action";
  bars.labels = action_labels(spec);
  bars.values.assign(action.begin(), action.end());
  const auto& box = std::get<envs::Box>(spec.action_space);
  bars.low = *std::min_element(box.low.begin(), box.low.end());
  bars.high = *std::max_element(box.high.begin(), box.high.end());
  return bars;
}

PolicyChooser::PolicyChooser(agents::Agent& agent, const envs::EnvSpec& spec, bool deterministic)
    : agent_(agent), spec_(spec), deterministic_(deterministic) {}

void PolicyChooser::choose(const envs::Batch& last, agents::Actions& out,
                           std::vector<sim::Bars>& view) {
  const envs::ObservationMatrix observations = last.observation_matrix();
  agent_.act(observations, deterministic_, out);
  agent_.describe(observations, policy_view_);
  view.resize(1);
  sim::Bars& bars = view[0];
  bars.labels = action_labels(spec_);
  bars.values = policy_view_.values;
  bars.highlighted = out.discrete.empty() ? -1 : out.discrete[0];
  if (!out.discrete.empty()) {
    bars.highlighted -= static_cast<int>(std::get<envs::Discrete>(spec_.action_space).start);
  }
  switch (policy_view_.kind) {
    case agents::PolicyView::Kind::probabilities:
      bars.title = "action probabilities";
      bars.low = 0;
      bars.high = 1;
      break;
    case agents::PolicyView::Kind::q_values: {
      bars.title = "Q-values";
      const auto [lowest, highest] = std::minmax_element(bars.values.begin(), bars.values.end());
      bars.low = std::min(0.0f, *lowest);
      bars.high = std::max({0.0f, *highest, bars.low + 1e-6f});
      break;
    }
    case agents::PolicyView::Kind::action: {
      bars = action_bars(spec_, policy_view_.values);
      bars.title = deterministic_ ? "action (policy mean)" : "policy mean";
      if (!deterministic_) {
        sim::Bars taken = action_bars(spec_, out.continuous);
        taken.title = "action taken (sampled)";
        view.push_back(std::move(taken));
      }
      break;
    }
  }
}

RandomChooser::RandomChooser(const envs::EnvSpec& spec, std::uint64_t seed)
    : spec_(spec), rng_(seed) {}

void RandomChooser::choose(const envs::Batch&, agents::Actions& out, std::vector<sim::Bars>& view) {
  view.clear();
  if (const auto* discrete = std::get_if<envs::Discrete>(&spec_.action_space)) {
    out.continuous.clear();
    out.discrete.assign(1, static_cast<std::int32_t>(discrete->sample(rng_)));
    sim::Bars bars;
    bars.title = "random action";
    bars.labels = action_labels(spec_);
    bars.values.assign(static_cast<size_t>(discrete->n), 1.0f / static_cast<float>(discrete->n));
    bars.highlighted = out.discrete[0] - static_cast<int>(discrete->start);
    view.push_back(std::move(bars));
  } else if (const auto* box = std::get_if<envs::Box>(&spec_.action_space)) {
    out.discrete.clear();
    out.continuous.resize(static_cast<size_t>(envs::flat_size(spec_.action_space)));
    box->sample(rng_, out.continuous);
    view.push_back(action_bars(spec_, out.continuous));
    view.back().title = "random action";
  } else {
    throw Error(message(spec_.id, ": random play of ", envs::to_string(spec_.action_space),
                        " actions is not supported"));
  }
}

EpisodePlayer::EpisodePlayer(envs::VecEnv& env, Chooser& chooser, std::uint64_t seed)
    : env_(env), chooser_(chooser), seed_(seed) {
  check(env.num_envs() == 1 && env.spec().autoreset == envs::AutoReset::kDisabled,
        "EpisodePlayer: needs one env copy without autoreset");
}

void EpisodePlayer::begin_episode() {
  env_.reset(seed_ + static_cast<std::uint64_t>(episode_));
  ++episode_;
  steps_ = 0;
  return_ = 0;
  last_reward_ = 0;
  over_ = false;
  terminated_ = false;
  choose_next();
}

void EpisodePlayer::rechoose() {
  if (!over_) {
    choose_next();
  }
}

void EpisodePlayer::choose_next() {
  chooser_.choose(env_.last(), pending_, view_);
}

bool EpisodePlayer::step() {
  check(episode_ > 0 && !over_, "EpisodePlayer: step() needs a running episode");
  const envs::Batch& batch = pending_.step(env_);
  ++steps_;
  last_reward_ = batch.rewards_exact[0];
  return_ += last_reward_;
  if (batch.done(0)) {
    over_ = true;
    terminated_ = batch.terminated[0] != 0;
    returns_.push_back(return_);
    return true;
  }
  choose_next();
  return false;
}

std::string EpisodePlayer::returns_text() const {
  std::string text = returns_.empty() ? "" : ": returns";
  for (double r : returns_) {
    text += format_number(r, " %.2f");
  }
  return text;
}

void EpisodePlayer::draw(sim::Canvas& canvas, const std::vector<std::string>& heading,
                         const std::string& status) {
  env_.draw(0, scene_);
  canvas.draw_scene(scene_);
  overlay_.clear();
  overlay_.lines = heading;
  overlay_.lines.push_back("episode " + std::to_string(episode_) + "   step " +
                           std::to_string(steps_));
  overlay_.lines.push_back("reward " + format_number(last_reward_, "%+.2f") + "   return " +
                           format_number(return_, "%.2f"));
  if (over_) {
    overlay_.lines.push_back(terminated_ ? "episode over: terminated" : "episode over: time limit");
  } else {
    overlay_.bars = view_;
  }
  overlay_.status = status;
  canvas.draw_overlay(overlay_);
}

}  // namespace rl::experiments
