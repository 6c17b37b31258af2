// Ops, their gradients and optimiser trajectories against PyTorch (Debian's python3-torch, 1.13),
// the reference our users trust. tests/nn/torch_reference.py computes every case below with torch
// from the same float32 inputs (exchanged through text files, in one python run) and both sides
// must agree to float32 rounding.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <map>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "nn/functional.hpp"
#include "nn/layers/sequential.hpp"
#include "nn/optim/adam.hpp"
#include "nn/optim/rmsprop.hpp"
#include "nn/optim/sgd.hpp"
#include "tests/support/gradcheck.hpp"
#include <sys/wait.h>

namespace rl::nn {
namespace {

namespace fs = std::filesystem;
using test::random_matrix;

/// Debian's interpreter: it has python3-torch, the one first on PATH may not.
constexpr const char* kPython = "/usr/bin/python3";
/// torch_reference.py's exit status when torch cannot be imported.
constexpr int kTorchMissing = 3;

/// |ours - torch| <= kAbsolute + kRelative |torch| per element, for values, gradients and the
/// weights after 20 optimiser steps alike. Both sides compute in float32 but sum in different
/// orders (Eigen vs. torch's kernels), so they agree to a few ulps, not bit for bit.
constexpr double kAbsolute = 1e-6;
constexpr double kRelative = 1e-5;

/// A tensor in the exchange files; doubles so that arguments (learning rates, ...) pass exactly.
struct Tensor {
  std::string name;
  Index rows = 0;
  Index cols = 0;
  std::vector<double> values;
};

struct Expectation {
  std::string name;
  Matrix ours;
};

/// What the test sends to torch_reference.py, and our results that its tensors of the same name
/// must match.
struct Exchange {
  std::vector<Tensor> inputs;
  std::vector<Expectation> expected;

  void send(const std::string& name, const ConstMatrixRef& m) {
    inputs.push_back({name, m.rows(), m.cols(), {m.data(), m.data() + m.size()}});
  }
  /// A case's scalar arguments as one row, "<case>.args".
  void send_args(const std::string& name, std::vector<double> args) {
    const auto cols = static_cast<Index>(args.size());
    inputs.push_back({name + ".args", 1, cols, std::move(args)});
  }
  void expect(const std::string& name, const ConstMatrixRef& ours) {
    expected.push_back({name, ours});
  }
};

Matrix indices_as_matrix(const std::vector<std::int32_t>& indices) {
  Matrix m(1, static_cast<Index>(indices.size()));
  for (Index i = 0; i < m.size(); ++i) {
    m(0, i) = static_cast<Scalar>(indices[static_cast<size_t>(i)]);
  }
  return m;
}

/// Records f with every input a variable and backpropagates: a (1, 1) loss from 1, as torch's
/// loss.backward(), anything else from a random upstream gradient "<case>.dy". Expects torch's
/// value "<case>.y" and the gradient of every input, "<case>.grad.<input>".
void op_case(Exchange& exchange, const std::string& name,
             const std::vector<std::pair<std::string, Matrix>>& inputs, const test::Builder& f,
             Rng& rng) {
  Tape tape;
  std::vector<Var> vars;
  for (const auto& [input, value] : inputs) {
    exchange.send(name + "." + input, value);
    vars.push_back(tape.variable(value));
  }
  const Var y = f(vars);
  if (y.shape() == Shape{1, 1}) {
    tape.backward(y);
  } else {
    const Matrix dy = random_matrix(y.rows(), y.cols(), rng);
    exchange.send(name + ".dy", dy);
    tape.backward(y, dy);
  }
  exchange.expect(name + ".y", y.value());
  for (size_t i = 0; i < inputs.size(); ++i) {
    exchange.expect(name + ".grad." + inputs[i].first, vars[i].grad());
  }
}

void add_op_cases(Exchange& exchange) {
  Rng rng(20240611);
  op_case(
      exchange, "linear_tanh_relu",
      {{"x", random_matrix(5, 4, rng)},
       {"w1", random_matrix(6, 4, rng)},
       {"b1", random_matrix(1, 6, rng)},
       {"w2", random_matrix(3, 6, rng)},
       {"b2", random_matrix(1, 3, rng)}},
      [](std::span<const Var> v) {
        return relu(linear(tanh(linear(v[0], v[1], v[2])), v[3], v[4]));
      },
      rng);

  // 3 input channels, a 7x6 image (not square, to catch a transposed layout), 3x3 kernel,
  // stride 2, padding 1 -> 4 channels of 4x3; then 2x2 max pooling -> 2x1.
  const Conv2dGeometry conv{.in_channels = 3,
                            .height = 7,
                            .width = 6,
                            .out_channels = 4,
                            .kernel = 3,
                            .stride = 2,
                            .padding = 1};
  const Pool2dGeometry pool{.channels = 4,
                            .height = conv.out_height(),
                            .width = conv.out_width(),
                            .kernel = 2,
                            .stride = 2};
  const std::vector<double> conv_args = {
      double(conv.in_channels), double(conv.height), double(conv.width),  double(conv.out_channels),
      double(conv.kernel),      double(conv.stride), double(conv.padding)};
  const auto conv_inputs = [&] {
    return std::vector<std::pair<std::string, Matrix>>{
        {"x", random_matrix(2, conv.in_features(), rng)},
        {"w", random_matrix(conv.out_channels, conv.patch_size(), rng)},
        {"b", random_matrix(1, conv.out_channels, rng)}};
  };
  exchange.send_args("conv2d", conv_args);
  op_case(
      exchange, "conv2d", conv_inputs(),
      [conv](std::span<const Var> v) { return conv2d(v[0], v[1], v[2], conv); }, rng);
  std::vector<double> pool_args = conv_args;
  pool_args.insert(pool_args.end(), {double(pool.kernel), double(pool.stride)});
  exchange.send_args("conv2d_max_pool2d", pool_args);
  op_case(
      exchange, "conv2d_max_pool2d", conv_inputs(),
      [conv, pool](std::span<const Var> v) {
        return max_pool2d(conv2d(v[0], v[1], v[2], conv), pool);
      },
      rng);

  const Scalar eps = Scalar(1e-5);
  exchange.send_args("layer_norm", {eps});
  op_case(
      exchange, "layer_norm",
      {{"x", random_matrix(4, 6, rng, -2, 3)},
       {"gamma", random_matrix(1, 6, rng, 0.5, 1.5)},
       {"beta", random_matrix(1, 6, rng)}},
      [eps](std::span<const Var> v) { return layer_norm(v[0], v[1], v[2], eps); }, rng);

  op_case(
      exchange, "softmax", {{"x", random_matrix(4, 5, rng, -3, 3)}},
      [](std::span<const Var> v) { return softmax(v[0]); }, rng);
  op_case(
      exchange, "log_softmax", {{"x", random_matrix(4, 5, rng, -3, 3)}},
      [](std::span<const Var> v) { return log_softmax(v[0]); }, rng);

  op_case(
      exchange, "mse_loss",
      {{"prediction", random_matrix(4, 3, rng)}, {"target", random_matrix(4, 3, rng)}},
      [](std::span<const Var> v) { return mse_loss(v[0], v[1]); }, rng);
  // Huber with delta 0.5: errors alternate between the quadratic part (|error| in [0.1, 0.4))
  // and the linear part ([0.7, 1.0)), with both signs.
  const Scalar delta = 0.5f;
  const Matrix prediction = random_matrix(4, 3, rng);
  Matrix target = prediction;
  for (Index i = 0; i < target.size(); ++i) {
    const double magnitude = (i % 2 == 0 ? 0.1 : 0.7) + 0.3 * rng.uniform();
    target.data()[i] += static_cast<Scalar>(i % 3 == 0 ? -magnitude : magnitude);
  }
  exchange.send_args("huber_loss", {delta});
  op_case(
      exchange, "huber_loss", {{"prediction", prediction}, {"target", target}},
      [delta](std::span<const Var> v) { return huber_loss(v[0], v[1], delta); }, rng);

  static const std::vector<std::int32_t> labels = {3, 0, 2, 2, 1};
  exchange.send("cross_entropy.labels", indices_as_matrix(labels));
  op_case(
      exchange, "cross_entropy", {{"logits", random_matrix(5, 4, rng, -2, 2)}},
      [](std::span<const Var> v) { return cross_entropy(v[0], labels); }, rng);

  static const std::vector<std::int32_t> actions = {1, 3, 0, 1, 2};
  exchange.send("categorical_log_prob.actions", indices_as_matrix(actions));
  op_case(
      exchange, "categorical_log_prob", {{"logits", random_matrix(5, 4, rng, -2, 2)}},
      [](std::span<const Var> v) { return categorical_log_prob(v[0], actions); }, rng);
  op_case(
      exchange, "categorical_entropy", {{"logits", random_matrix(5, 4, rng, -2, 2)}},
      [](std::span<const Var> v) { return categorical_entropy(v[0]); }, rng);

  // A state-independent (1, A) log_std broadcast over a batch of 5, as CleanRL's continuous PPO.
  const Matrix mean = random_matrix(5, 3, rng);
  const Matrix log_std = random_matrix(1, 3, rng, -1, 0.5);
  op_case(
      exchange, "gaussian_log_prob",
      {{"mean", mean}, {"log_std", log_std}, {"action", random_matrix(5, 3, rng, -2, 2)}},
      [](std::span<const Var> v) { return gaussian_log_prob(v[0], v[1], v[2]); }, rng);
  // torch's entropy has the batch shape of Normal(mean, std); ours gets it from a broadcast.
  exchange.send("gaussian_entropy.mean", mean);
  op_case(
      exchange, "gaussian_entropy", {{"log_std", log_std}},
      [batch = mean.rows()](std::span<const Var> v) {
        return gaussian_entropy(v[0] + v[0].tape->constant(Matrix::Zero(batch, v[0].cols())));
      },
      rng);

  // Ties split the gradient evenly between both inputs, as torch.minimum/maximum do.
  Matrix a = random_matrix(3, 4, rng);
  Matrix b = random_matrix(3, 4, rng);
  b(0, 0) = a(0, 0);
  b(1, 2) = a(1, 2);
  b(2, 3) = a(2, 3);
  op_case(
      exchange, "minimum_tie", {{"a", a}, {"b", b}},
      [](std::span<const Var> v) { return minimum(v[0], v[1]); }, rng);
  Matrix row = random_matrix(1, 4, rng);
  row(0, 1) = a(2, 1);
  op_case(
      exchange, "maximum_broadcast_tie", {{"a", a}, {"b", row}},
      [](std::span<const Var> v) { return maximum(v[0], v[1]); }, rng);

  // Values exactly at the bounds pass the gradient (torch's clamp_backward uses >= and <=).
  const Scalar lo = -0.5f;
  const Scalar hi = 0.25f;
  Matrix clamped = random_matrix(3, 4, rng);
  clamped(0, 0) = lo;
  clamped(1, 2) = hi;
  clamped(2, 3) = lo;
  exchange.send_args("clamp_boundary", {lo, hi});
  op_case(
      exchange, "clamp_boundary", {{"x", clamped}},
      [lo, hi](std::span<const Var> v) { return clamp(v[0], lo, hi); }, rng);

  const Scalar alpha = 0.7f;
  const Scalar slope = 0.1f;
  exchange.send_args("elu", {alpha});
  op_case(
      exchange, "elu", {{"x", random_matrix(4, 6, rng, -4, 4)}},
      [alpha](std::span<const Var> v) { return elu(v[0], alpha); }, rng);
  op_case(
      exchange, "softplus", {{"x", random_matrix(4, 6, rng, -6, 6)}},
      [](std::span<const Var> v) { return softplus(v[0]); }, rng);
  op_case(
      exchange, "sigmoid", {{"x", random_matrix(4, 6, rng, -6, 6)}},
      [](std::span<const Var> v) { return sigmoid(v[0]); }, rng);
  exchange.send_args("leaky_relu", {slope});
  op_case(
      exchange, "leaky_relu", {{"x", random_matrix(4, 6, rng, -4, 4)}},
      [slope](std::span<const Var> v) { return leaky_relu(v[0], slope); }, rng);
}

/// Trains `net` for `steps` steps of mse on (x, y) and expects torch's loss before each step,
/// "<case>.loss", and final parameters, "<case>.<parameter>".
void optimiser_case(Exchange& exchange, const std::string& name, std::vector<double> args,
                    Sequential& net, Optimizer& optimiser, const Matrix& x, const Matrix& y,
                    int steps) {
  exchange.send_args(name, std::move(args));
  Matrix losses(1, steps);
  Tape tape;
  for (int t = 0; t < steps; ++t) {
    tape.clear();
    optimiser.zero_grad();
    const Var loss = mse_loss(net.forward(tape, x), tape.constant(y));
    losses(0, t) = loss.item();
    tape.backward(loss);
    optimiser.step();
  }
  exchange.expect(name + ".loss", losses);
  for (const NamedParam& entry : net.params().entries()) {
    exchange.expect(name + "." + entry.name, net.params().value(entry.param));
  }
}

void add_optimiser_cases(Exchange& exchange) {
  constexpr int kSteps = 20;
  Rng rng(7);
  const Matrix x = random_matrix(32, 4, rng, -2, 2);
  Matrix y(32, 2);
  y.col(0) = (x.col(0).array() * x.col(1).array()).sin().matrix();
  y.col(1) = x.col(2) - Scalar(0.5) * x.col(3);
  const Sequential initial = mlp({.sizes = {4, 16, 16, 2}}, 11);
  exchange.send("mlp.x", x);
  exchange.send("mlp.y", y);
  exchange.send_args("mlp", {kSteps});
  for (const NamedParam& entry : initial.params().entries()) {
    exchange.send("mlp.init." + entry.name, initial.params().value(entry.param));
  }

  const AdamConfig adam{.learning_rate = 1e-2};
  const std::vector<double> adam_args = {adam.learning_rate, adam.beta1, adam.beta2, adam.eps,
                                         adam.weight_decay};
  const AdamConfig adamw{.learning_rate = 1e-2, .weight_decay = 0.01};
  const std::vector<double> adamw_args = {adamw.learning_rate, adamw.beta1, adamw.beta2, adamw.eps,
                                          adamw.weight_decay};
  const SgdConfig sgd{.learning_rate = 0.05, .momentum = 0.9, .nesterov = true};
  const std::vector<double> sgd_args = {sgd.learning_rate, sgd.momentum, sgd.dampening,
                                        double(sgd.nesterov), sgd.weight_decay};
  const RmsPropConfig rmsprop{.learning_rate = 1e-3, .momentum = 0.5, .centered = true};
  const std::vector<double> rmsprop_args = {
      rmsprop.learning_rate,    rmsprop.alpha,       rmsprop.eps, rmsprop.momentum,
      double(rmsprop.centered), rmsprop.weight_decay};
  {
    Sequential net = initial;
    Adam optimiser(net.params(), adam);
    optimiser_case(exchange, "adam", adam_args, net, optimiser, x, y, kSteps);
  }
  {
    Sequential net = initial;
    AdamW optimiser(net.params(), adamw);
    optimiser_case(exchange, "adamw", adamw_args, net, optimiser, x, y, kSteps);
  }
  {
    Sequential net = initial;
    Sgd optimiser(net.params(), sgd);
    optimiser_case(exchange, "sgd", sgd_args, net, optimiser, x, y, kSteps);
  }
  {
    Sequential net = initial;
    RmsProp optimiser(net.params(), rmsprop);
    optimiser_case(exchange, "rmsprop", rmsprop_args, net, optimiser, x, y, kSteps);
  }
}

// --- the exchange files: one tensor per line, "name rows cols v1 v2 ..." ---

void write_tensors(const fs::path& path, const std::vector<Tensor>& tensors) {
  std::ofstream out(path);
  char number[32];
  for (const Tensor& t : tensors) {
    out << t.name << ' ' << t.rows << ' ' << t.cols;
    for (const double v : t.values) {
      std::snprintf(number, sizeof number, " %.17g", v);  // exact for floats and doubles
      out << number;
    }
    out << '\n';
  }
  REQUIRE(out.good());
}

std::map<std::string, Matrix> read_tensors(const fs::path& path) {
  std::map<std::string, Matrix> tensors;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string name;
    Index rows = 0;
    Index cols = 0;
    if (!(fields >> name >> rows >> cols)) {
      continue;
    }
    Matrix m(rows, cols);
    std::string number;
    for (Index i = 0; i < m.size(); ++i) {
      fields >> number;  // strtof reads nan and inf, which >> does not
      m.data()[i] = std::strtof(number.c_str(), nullptr);
    }
    tensors.emplace(name, std::move(m));
  }
  return tensors;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// A fresh directory under the system temporary directory, removed with everything in it.
struct TemporaryDirectory {
  fs::path path;
  TemporaryDirectory() {
    std::string pattern = (fs::temp_directory_path() / "rl_torch_reference_XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
};

/// Runs torch_reference.py once over all inputs and returns its tensors; fails the test, saying
/// how to fix it, when python or torch is missing.
std::map<std::string, Matrix> run_torch(const std::vector<Tensor>& inputs) {
  const fs::path script = fs::path(RL_SOURCE_DIR) / "tests" / "nn" / "torch_reference.py";
  REQUIRE(fs::exists(script));
  const TemporaryDirectory dir;
  const fs::path in = dir.path / "inputs.txt";
  const fs::path out = dir.path / "torch.txt";
  const fs::path err = dir.path / "stderr.txt";
  write_tensors(in, inputs);
  std::ostringstream command;  // paths in single quotes for the shell
  command << "OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 " << kPython << " '" << script.string()
          << "' '" << in.string() << "' '" << out.string() << "' 2> '" << err.string() << "'";
  const int status = std::system(command.str().c_str());
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code != 0) {
    const std::string fix =
        code == kTorchMissing || code == 127
            ? std::string(
                  "PyTorch is missing: run `apt-get install python3-torch` (the "
                  "project's setup script installs it) so that ") +
                  kPython + " can import torch. "
            : std::string();
    FAIL(fix << command.str() << " exited with status " << code << ":\n" << read_text(err));
  }
  return read_tensors(out);
}

/// Compares one of our results with torch's and reports the worst element.
void check_against_torch(const Expectation& e, const std::map<std::string, Matrix>& torch) {
  INFO(e.name);
  const auto found = torch.find(e.name);
  if (found == torch.end()) {
    FAIL_CHECK("torch_reference.py wrote no " << e.name << "; give its case a function there");
    return;
  }
  const Matrix& theirs = found->second;
  if (theirs.rows() != e.ours.rows() || theirs.cols() != e.ours.cols()) {
    FAIL_CHECK("ours is " << e.ours.rows() << "x" << e.ours.cols() << ", torch's is "
                          << theirs.rows() << "x" << theirs.cols());
    return;
  }
  double worst = 0;  // in units of the tolerance
  Index worst_index = 0;
  for (Index i = 0; i < theirs.size(); ++i) {
    const double ours = e.ours.data()[i];
    const double reference = theirs.data()[i];
    double error = std::abs(ours - reference) / (kAbsolute + kRelative * std::abs(reference));
    if (std::isnan(error)) {
      error = ours == reference || (std::isnan(ours) && std::isnan(reference))
                  ? 0
                  : std::numeric_limits<double>::infinity();
    }
    if (error > worst) {
      worst = error;
      worst_index = i;
    }
  }
  const Index cols = theirs.cols();
  INFO(std::setprecision(9) << "worst element (" << worst_index / cols << ", " << worst_index % cols
                            << "): ours " << e.ours.data()[worst_index] << ", torch "
                            << theirs.data()[worst_index] << ", " << std::setprecision(3) << worst
                            << " x the tolerance (" << kAbsolute << " + " << kRelative
                            << " |torch|)");
  CHECK(worst <= 1);
}

TEST_CASE("ops, gradients and optimiser steps match PyTorch", "[nn][torch]") {
  Exchange exchange;
  add_op_cases(exchange);
  add_optimiser_cases(exchange);
  const std::map<std::string, Matrix> torch = run_torch(exchange.inputs);
  for (const Expectation& e : exchange.expected) {
    check_against_torch(e, torch);
  }
}

}  // namespace
}  // namespace rl::nn
