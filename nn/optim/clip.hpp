// Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_): if the L2 norm of all gradients
// together exceeds max_norm, every gradient is scaled by max_norm / (norm + 1e-6).
#pragma once

#include <initializer_list>
#include <span>

#include "nn/params.hpp"

namespace rl::nn {

/// Returns the total gradient norm before clipping (log it to watch for exploding gradients).
double clip_grad_norm(std::span<ParamStore* const> params, double max_norm);
inline double clip_grad_norm(std::initializer_list<ParamStore*> params, double max_norm) {
  return clip_grad_norm(std::span(params.begin(), params.size()), max_norm);
}
inline double clip_grad_norm(ParamStore& params, double max_norm) {
  ParamStore* one = &params;
  return clip_grad_norm(std::span(&one, 1), max_norm);
}
/// The L2 norm of all gradients together, without changing them.
double grad_norm(std::span<ParamStore* const> params);

}  // namespace rl::nn
