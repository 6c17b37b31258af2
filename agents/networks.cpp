#include "agents/networks.hpp"

#include <cmath>

#include "core/error.hpp"

namespace rl::agents {

nn::Index observation_size(const envs::Space& observation_space) {
  const auto* box = std::get_if<envs::Box>(&observation_space);
  check(box != nullptr, "agents need Box observations, got ", envs::to_string(observation_space));
  return box->size();
}

nn::Sequential make_network(const envs::Space& observation_space, nn::Index outputs,
                            const NetworkSpec& spec, double output_gain, std::uint64_t seed) {
  const auto& box = std::get<envs::Box>(observation_space);
  const nn::Init hidden_init =
      spec.orthogonal_init ? nn::Init::orthogonal(std::sqrt(2.0)) : nn::Init::torch_default();
  const nn::Init output_init =
      spec.orthogonal_init ? nn::Init::orthogonal(output_gain) : nn::Init::torch_default();
  const nn::Init bias_init =
      spec.orthogonal_init ? nn::Init::constant(0) : nn::Init::torch_default();
  nn::Sequential net;
  if (box.shape.size() == 3) {
    net = nn::Sequential(nn::ImageShape{box.shape[0], box.shape[1], box.shape[2]}, seed);
    net.conv2d(16, 3, 1, 0, hidden_init, bias_init).relu().flatten();
  } else {
    net = nn::Sequential(observation_size(observation_space), seed);
  }
  for (nn::Index width : spec.hidden) {
    net.linear(width, hidden_init, bias_init).activation(spec.activation);
  }
  net.linear(outputs, output_init, bias_init);
  return net;
}

}  // namespace rl::agents
