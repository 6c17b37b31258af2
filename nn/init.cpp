#include "nn/init.hpp"

#include <cmath>

#include <Eigen/QR>

#include "nn/error.hpp"

namespace rl::nn {

namespace {

void fill_uniform(MatrixMap& w, double bound, Rng& rng) {
  for (Index i = 0; i < w.size(); ++i) {
    w.data()[i] = static_cast<Scalar>(rng.uniform(-bound, bound));
  }
}

void fill_normal(MatrixMap& w, double stddev, Rng& rng) {
  for (Index i = 0; i < w.size(); ++i) {
    w.data()[i] = static_cast<Scalar>(rng.normal(0.0, stddev));
  }
}

// As torch.nn.init.orthogonal_: QR of a Gaussian matrix with the longer side as rows, signs fixed
// by diag(R) so the result is uniformly distributed, transposed back if needed.
void fill_orthogonal(MatrixMap& w, double gain, Rng& rng) {
  const Index rows = w.rows();
  const Index cols = w.cols();
  const bool transpose = rows < cols;
  const Index tall = transpose ? cols : rows;
  const Index narrow = transpose ? rows : cols;
  Eigen::MatrixXd gaussian(tall, narrow);
  for (Index i = 0; i < gaussian.size(); ++i) {
    gaussian.data()[i] = rng.normal();
  }
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(gaussian);
  Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(tall, narrow);
  const Eigen::MatrixXd r = qr.matrixQR().topRows(narrow).triangularView<Eigen::Upper>();
  for (Index j = 0; j < narrow; ++j) {
    if (r(j, j) < 0) {
      q.col(j) *= -1.0;
    }
  }
  q *= gain;
  if (transpose) {
    w = q.transpose().cast<Scalar>();
  } else {
    w = q.cast<Scalar>();
  }
}

}  // namespace

void initialize(MatrixMap w, Init init, Rng& rng, Index fan_in) {
  const auto in = static_cast<double>(fan_in > 0 ? fan_in : w.cols());
  const auto out = static_cast<double>(w.rows());
  switch (init.kind) {
    case Init::Kind::kConstant: w.setConstant(static_cast<Scalar>(init.value)); return;
    case Init::Kind::kUniformFanIn: fill_uniform(w, init.value / std::sqrt(in), rng); return;
    case Init::Kind::kXavierUniform:
      fill_uniform(w, init.value * std::sqrt(6.0 / (in + out)), rng);
      return;
    case Init::Kind::kXavierNormal:
      fill_normal(w, init.value * std::sqrt(2.0 / (in + out)), rng);
      return;
    case Init::Kind::kKaimingUniform:
      fill_uniform(w, init.value * std::sqrt(3.0 / in), rng);
      return;
    case Init::Kind::kKaimingNormal: fill_normal(w, init.value / std::sqrt(in), rng); return;
    case Init::Kind::kOrthogonal: fill_orthogonal(w, init.value, rng); return;
  }
  throw Error("initialize: unknown initialiser kind");
}

}  // namespace rl::nn
