#include "envs/wrappers/wrapper.hpp"

#include "core/error.hpp"

namespace rl::envs {

VecEnvWrapper::VecEnvWrapper(std::unique_ptr<VecEnv> inner) : inner_(std::move(inner)) {
  check(inner_ != nullptr, "wrapper: the environment to wrap is null");
  spec_ = inner_->spec();
}

}  // namespace rl::envs
