#include "envs/space.hpp"

#include <cmath>
#include <sstream>

namespace rl::envs {

Box Box::uniform(float lo, float hi, std::vector<std::int64_t> box_shape) {
  std::int64_t count = 1;
  for (std::int64_t d : box_shape) {
    count *= d;
  }
  Box box;
  box.low.assign(static_cast<size_t>(count), lo);
  box.high.assign(static_cast<size_t>(count), hi);
  box.shape = std::move(box_shape);
  return box;
}

bool Box::contains(std::span<const float> x) const {
  if (x.size() != low.size()) {
    return false;
  }
  for (size_t i = 0; i < x.size(); ++i) {
    if (!(x[i] >= low[i] && x[i] <= high[i])) {  // also false for NaN
      return false;
    }
  }
  return true;
}

bool Box::bounded() const {
  for (size_t i = 0; i < low.size(); ++i) {
    if (!std::isfinite(low[i]) || !std::isfinite(high[i])) {
      return false;
    }
  }
  return true;
}

void Box::sample(NumpyRandom& rng, std::span<float> out) const {
  for (size_t i = 0; i < low.size(); ++i) {
    const bool low_finite = std::isfinite(low[i]);
    const bool high_finite = std::isfinite(high[i]);
    double value = 0;
    if (low_finite && high_finite) {
      value = rng.uniform(low[i], high[i]);
    } else if (!low_finite && !high_finite) {  // a standard normal, by Box-Muller
      const double u = 1.0 - rng.uniform();
      value = std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * 3.141592653589793 * rng.uniform());
    } else {
      const double exponential = -std::log(1.0 - rng.uniform());
      value = low_finite ? low[i] + exponential : high[i] - exponential;
    }
    out[i] = static_cast<float>(value);
  }
}

std::int64_t Discrete::sample(NumpyRandom& rng) const {
  return start + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(n)));
}

bool MultiDiscrete::contains(std::span<const std::int32_t> a) const {
  if (a.size() != nvec.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] < 0 || a[i] >= nvec[i]) {
      return false;
    }
  }
  return true;
}

void MultiDiscrete::sample(NumpyRandom& rng, std::span<std::int32_t> out) const {
  for (size_t i = 0; i < nvec.size(); ++i) {
    out[i] = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(nvec[i])));
  }
}

namespace {

void print_shape(std::ostream& out, const std::vector<std::int64_t>& shape) {
  out << '(';
  for (size_t i = 0; i < shape.size(); ++i) {
    out << shape[i] << (shape.size() == 1 || i + 1 < shape.size() ? "," : "");
    if (i + 1 < shape.size()) {
      out << ' ';
    }
  }
  out << ')';
}

void print_bounds(std::ostream& out, const std::vector<float>& v) {
  bool same = true;
  for (float x : v) {
    same = same && x == v.front();
  }
  if (same && !v.empty()) {
    out << v.front();
    return;
  }
  out << '[';
  for (size_t i = 0; i < v.size(); ++i) {
    out << (i ? " " : "") << v[i];
  }
  out << ']';
}

}  // namespace

std::string to_string(const Space& space) {
  std::ostringstream out;
  if (const auto* box = std::get_if<Box>(&space)) {
    out << "Box(";
    print_bounds(out, box->low);
    out << ", ";
    print_bounds(out, box->high);
    out << ", ";
    print_shape(out, box->shape);
    out << ", float32)";
  } else if (const auto* discrete = std::get_if<Discrete>(&space)) {
    out << "Discrete(" << discrete->n;
    if (discrete->start != 0) {
      out << ", start=" << discrete->start;
    }
    out << ')';
  } else {
    const auto& multi = std::get<MultiDiscrete>(space);
    out << "MultiDiscrete([";
    for (size_t i = 0; i < multi.nvec.size(); ++i) {
      out << (i ? " " : "") << multi.nvec[i];
    }
    out << "])";
  }
  return out.str();
}

std::int64_t flat_size(const Space& space) {
  if (const auto* box = std::get_if<Box>(&space)) {
    return box->size();
  }
  if (std::holds_alternative<Discrete>(space)) {
    return 1;
  }
  return std::get<MultiDiscrete>(space).size();
}

bool is_discrete(const Space& space) {
  return !std::holds_alternative<Box>(space);
}

}  // namespace rl::envs
