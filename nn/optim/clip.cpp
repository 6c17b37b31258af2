#include "nn/optim/clip.hpp"

#include <cmath>

#include "nn/error.hpp"

namespace rl::nn {

double grad_norm(std::span<ParamStore* const> params) {
  double squared = 0;
  for (const ParamStore* store : params) {
    squared += static_cast<double>(store->grads().squaredNorm());
  }
  return std::sqrt(squared);
}

double clip_grad_norm(std::span<ParamStore* const> params, double max_norm) {
  check(max_norm > 0, "clip_grad_norm: max_norm = ", max_norm, " must be positive");
  const double norm = grad_norm(params);
  const double coefficient = max_norm / (norm + 1e-6);
  if (coefficient < 1) {
    for (ParamStore* store : params) {
      store->grads() *= static_cast<Scalar>(coefficient);
    }
  }
  return norm;
}

}  // namespace rl::nn
