#include "nn/params.hpp"

#include <utility>

#include "nn/error.hpp"

namespace rl::nn {

Param ParamStore::add(std::string name, Index rows, Index cols) {
  check(rows > 0 && cols > 0, "ParamStore::add: parameter '", name, "' has shape (", rows, ", ",
        cols, "); both dimensions must be positive");
  check(!find(name), "ParamStore::add: a parameter named '", name,
        "' already exists; give each parameter a unique name");
  const Param p{values_.size(), rows, cols};
  const Index new_size = values_.size() + p.size();
  Vector values(new_size);
  values << values_, Vector::Zero(p.size());
  values_ = std::move(values);
  grads_ = Vector::Zero(new_size);
  entries_.push_back({std::move(name), p});
  return p;
}

std::optional<Param> ParamStore::find(std::string_view name) const {
  for (const auto& entry : entries_) {
    if (entry.name == name) {
      return entry.param;
    }
  }
  return std::nullopt;
}

bool ParamStore::same_layout(const ParamStore& other) const {
  if (entries_.size() != other.entries_.size()) {
    return false;
  }
  for (size_t i = 0; i < entries_.size(); ++i) {
    const auto& a = entries_[i];
    const auto& b = other.entries_[i];
    if (a.name != b.name || a.param.offset != b.param.offset ||
        a.param.shape() != b.param.shape()) {
      return false;
    }
  }
  return true;
}

namespace {
void check_same_layout(const ParamStore& online, const ParamStore& target, const char* what) {
  check(online.same_layout(target), what, ": the two networks have different parameter layouts (",
        online.size(), " vs ", target.size(),
        " values); copy between networks built with the same architecture");
}
}  // namespace

void copy_params(const ParamStore& online, ParamStore& target) {
  check_same_layout(online, target, "copy_params");
  target.values() = online.values();
}

void soft_update(const ParamStore& online, ParamStore& target, Scalar tau) {
  check_same_layout(online, target, "soft_update");
  check(tau >= 0 && tau <= 1, "soft_update: tau = ", tau, " must be in [0, 1]");
  // target <- tau * online + (1 - tau) * target
  target.values() = tau * online.values() + (Scalar(1) - tau) * target.values();
}

}  // namespace rl::nn
