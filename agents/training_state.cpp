#include "agents/training_state.hpp"

#include "core/error.hpp"

namespace rl::agents {

void save_rng(nn::StateDict& state, const std::string& name, const nn::Rng& rng) {
  const auto words = rng.state();
  state.put_words(name, std::vector<std::uint64_t>(words.begin(), words.end()));
}

void load_rng(const nn::StateDict& state, const std::string& name, nn::Rng& rng) {
  rng.set_state(state.word_array(name));
}

void save_optimizer(nn::StateDict& state, const std::string& prefix,
                    const nn::Optimizer& optimizer) {
  state.merge(optimizer.state_dict(), prefix);
}

void load_optimizer(const nn::StateDict& state, const std::string& prefix,
                    nn::Optimizer& optimizer) {
  optimizer.load_state_dict(state.subset(prefix));
}

void save_statistics(nn::StateDict& state, const std::string& prefix,
                     const envs::RunningMeanStd& stats) {
  state.put(prefix + "mean", stats.mean);
  state.put(prefix + "var", stats.var);
  state.put(prefix + "count", stats.count);
}

void load_statistics(const nn::StateDict& state, const std::string& prefix,
                     envs::RunningMeanStd& stats) {
  const std::vector<double>& mean = state.vector(prefix + "mean");
  const std::vector<double>& var = state.vector(prefix + "var");
  check(mean.size() == stats.mean.size() && var.size() == stats.var.size(),
        "checkpoint statistics '", prefix, "' have ", mean.size(), " values, expected ",
        stats.mean.size());
  stats.mean = mean;
  stats.var = var;
  stats.count = state.scalar(prefix + "count");
}

}  // namespace rl::agents
