#include "envs/wrappers/running_mean_std.hpp"

#include "core/error.hpp"

namespace rl::envs {

RunningMeanStd::RunningMeanStd(std::int64_t size)
    : mean(static_cast<size_t>(size), 0.0), var(static_cast<size_t>(size), 1.0) {}

namespace {
template <class T>
void update_from(RunningMeanStd& s, std::span<const T> batch, std::int64_t rows) {
  const size_t size = s.mean.size();
  check(batch.size() == size * static_cast<size_t>(rows), "RunningMeanStd: got ", batch.size(),
        " values for ", rows, " rows of ", size);
  if (rows == 0) {
    return;
  }
  const auto n = static_cast<double>(rows);
  const double total = s.count + n;
  for (size_t j = 0; j < size; ++j) {
    double batch_mean = 0;
    for (std::int64_t r = 0; r < rows; ++r) {
      batch_mean += static_cast<double>(batch[static_cast<size_t>(r) * size + j]);
    }
    batch_mean /= n;
    double batch_var = 0;
    for (std::int64_t r = 0; r < rows; ++r) {
      const double d = static_cast<double>(batch[static_cast<size_t>(r) * size + j]) - batch_mean;
      batch_var += d * d;
    }
    batch_var /= n;
    // combine (mean, var, count) with (batch_mean, batch_var, n)
    const double delta = batch_mean - s.mean[j];
    const double m2 = s.var[j] * s.count + batch_var * n + delta * delta * s.count * n / total;
    s.mean[j] += delta * n / total;
    s.var[j] = m2 / total;
  }
  s.count = total;
}
}  // namespace

void RunningMeanStd::update(std::span<const float> batch, std::int64_t rows) {
  update_from(*this, batch, rows);
}

void RunningMeanStd::update(std::span<const double> batch, std::int64_t rows) {
  update_from(*this, batch, rows);
}

}  // namespace rl::envs
