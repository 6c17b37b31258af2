// Every op and loss of nn/ against central finite differences, in the double-precision build of
// the same sources (rl_nn_f64). Inputs avoid the kinks of non-smooth ops by a margin far larger
// than the finite-difference step.
#include <cstdint>
#include <numeric>
#include <vector>

#include <catch2/catch.hpp>

#include "nn/functional.hpp"
#include "nn/layers/sequential.hpp"
#include "tests/support/gradcheck.hpp"

namespace rl::nn {
namespace {

using test::away_from_zero;
using test::gradcheck;
using test::GradcheckOptions;
using test::random_matrix;

static_assert(sizeof(Scalar) == 8, "gradient checks run in the double-precision build");

void expect_gradients(const char* what, const test::Builder& f, std::vector<Matrix> inputs,
                      GradcheckOptions options = {}) {
  INFO(what);
  const test::GradcheckResult result = gradcheck(f, std::move(inputs), options);
  INFO(result.report);
  CHECK(result.passed);
}

Matrix positive(Index rows, Index cols, Rng& rng) {
  return random_matrix(rows, cols, rng, 0.2, 2.0);
}

TEST_CASE("gradient check fails for a deliberately wrong backward", "[nn][gradcheck]") {
  // y = x^3 as a user-defined op, once with the right derivative and once off by 0.1%.
  static const CustomOp right{
      "cube",
      [](std::span<const ConstMatrixMap> in, MatrixMap y) { y = in[0].array().cube().matrix(); },
      [](std::span<const ConstMatrixMap> in, ConstMatrixMap, ConstMatrixMap dy,
         std::span<MatrixMap> grads) {
        grads[0].array() += dy.array() * 3 * in[0].array().square();
      }};
  static const CustomOp slightly_wrong{"cube_wrong", right.forward,
                                       [](std::span<const ConstMatrixMap> in, ConstMatrixMap,
                                          ConstMatrixMap dy, std::span<MatrixMap> grads) {
                                         grads[0].array() +=
                                             dy.array() * 3.003 * in[0].array().square();
                                       }};
  static const CustomOp assigns_instead_of_accumulating{
      "cube_assign", right.forward,
      [](std::span<const ConstMatrixMap> in, ConstMatrixMap, ConstMatrixMap dy,
         std::span<MatrixMap> grads) {
        grads[0].array() = dy.array() * 3 * in[0].array().square();
      }};
  Rng rng(1);
  const Matrix x = random_matrix(3, 4, rng);
  const auto with = [](const CustomOp& op) {
    return [&op](std::span<const Var> v) { return custom(op, {v[0]}, v[0].shape()); };
  };
  CHECK(gradcheck(with(right), {x}).passed);
  const test::GradcheckResult wrong = gradcheck(with(slightly_wrong), {x});
  CHECK_FALSE(wrong.passed);
  CHECK(wrong.max_error > 10);
  CHECK_FALSE(gradcheck(with(assigns_instead_of_accumulating), {x}).passed);
}

TEST_CASE("linear and matmul gradients match finite differences", "[nn][gradcheck]") {
  Rng rng(2);
  expect_gradients("linear with bias",
                   [](std::span<const Var> v) { return linear(v[0], v[1], v[2]); },
                   {random_matrix(5, 4, rng), random_matrix(3, 4, rng), random_matrix(1, 3, rng)});
  expect_gradients("linear without bias", [](std::span<const Var> v) { return linear(v[0], v[1]); },
                   {random_matrix(5, 4, rng), random_matrix(3, 4, rng)});
  expect_gradients("linear with a constant input",
                   [](std::span<const Var> v) { return linear(v[0], v[1], v[2]); },
                   {random_matrix(5, 4, rng), random_matrix(3, 4, rng), random_matrix(1, 3, rng)},
                   {.differentiable = {false, true, true}});
  expect_gradients("matmul", [](std::span<const Var> v) { return matmul(v[0], v[1]); },
                   {random_matrix(3, 5, rng), random_matrix(5, 2, rng)});
}

TEST_CASE("broadcasting binary op gradients match finite differences", "[nn][gradcheck]") {
  using BinaryFn = Var (*)(Var, Var);
  const std::pair<const char*, BinaryFn> ops[] = {{"add", add},         {"sub", sub},
                                                  {"mul", mul},         {"div", div},
                                                  {"minimum", minimum}, {"maximum", maximum}};
  const std::pair<Shape, Shape> shapes[] = {{{4, 3}, {4, 3}}, {{4, 3}, {1, 3}}, {{4, 3}, {4, 1}},
                                            {{4, 3}, {1, 1}}, {{1, 3}, {4, 3}}, {{4, 1}, {1, 3}},
                                            {{1, 1}, {4, 3}}};
  Rng rng(3);
  for (const auto& [name, op] : ops) {
    for (const auto& [sa, sb] : shapes) {
      INFO(name << " " << sa.rows << "x" << sa.cols << " with " << sb.rows << "x" << sb.cols);
      Matrix a = random_matrix(sa.rows, sa.cols, rng);
      // b away from zero (div) and separated from a (min/max ties) by a clear margin
      Matrix b = away_from_zero(sb.rows, sb.cols, rng, 0.3);
      if (std::string(name) == "minimum" || std::string(name) == "maximum") {
        a = away_from_zero(sa.rows, sa.cols, rng, 0.05) * 0.2;  // |a| <= 0.21 < 0.3 <= |b|
      }
      expect_gradients(name, [op](std::span<const Var> v) { return op(v[0], v[1]); }, {a, b});
    }
  }
}

TEST_CASE("pointwise op gradients match finite differences", "[nn][gradcheck]") {
  Rng rng(4);
  const Matrix any = away_from_zero(3, 5, rng);  // |x| >= 0.1: away from the kinks at 0
  const Matrix pos = positive(3, 5, rng);
  struct Case {
    const char* name;
    Var (*f)(Var);
    const Matrix* input;
  };
  const Case cases[] = {
      {"add_scalar", [](Var x) { return add_scalar(x, 0.7); }, &any},
      {"mul_scalar", [](Var x) { return mul_scalar(x, -1.3); }, &any},
      {"pow 2.5", [](Var x) { return pow(x, 2.5); }, &pos},
      {"pow 3", [](Var x) { return pow(x, 3.0); }, &pos},
      {"clamp", [](Var x) { return clamp(x, -0.55, 0.45); }, &any},
      {"neg", [](Var x) { return neg(x); }, &any},
      {"exp", [](Var x) { return exp(x); }, &any},
      {"log", [](Var x) { return log(x); }, &pos},
      {"sqrt", [](Var x) { return sqrt(x); }, &pos},
      {"square", [](Var x) { return square(x); }, &any},
      {"abs", [](Var x) { return abs(x); }, &any},
      {"relu", [](Var x) { return relu(x); }, &any},
      {"leaky_relu", [](Var x) { return leaky_relu(x, 0.1); }, &any},
      {"elu", [](Var x) { return elu(x, 0.7); }, &any},
      {"tanh", [](Var x) { return tanh(x); }, &any},
      {"sigmoid", [](Var x) { return sigmoid(x); }, &any},
      {"softplus", [](Var x) { return softplus(x); }, &any},
      {"softmax", [](Var x) { return softmax(x); }, &any},
      {"log_softmax", [](Var x) { return log_softmax(x); }, &any},
      {"operators", [](Var x) { return (2.0 - x) * 3.0 / 4.0 + x - 1.0; }, &any},
  };
  Matrix clamp_input = any;
  for (Index i = 0; i < clamp_input.size(); ++i) {  // keep clear of the clamp bounds too
    Scalar& v = clamp_input.data()[i];
    if (std::abs(v + 0.55) < 0.05 || std::abs(v - 0.45) < 0.05) {
      v += 0.1;
    }
  }
  for (const Case& c : cases) {
    const Matrix& input = std::string(c.name) == "clamp" ? clamp_input : *c.input;
    expect_gradients(c.name, [f = c.f](std::span<const Var> v) { return f(v[0]); }, {input});
  }
}

TEST_CASE("reduction, indexing and shape op gradients match finite differences",
          "[nn][gradcheck]") {
  Rng rng(5);
  const Matrix x = random_matrix(4, 3, rng);
  for (int dim : {-1, 0, 1}) {
    INFO("dim " << dim);
    expect_gradients("sum", [dim](std::span<const Var> v) { return sum(v[0], dim); }, {x});
    expect_gradients("mean", [dim](std::span<const Var> v) { return mean(v[0], dim); }, {x});
  }
  static const std::vector<std::int32_t> index = {2, 0, 1, 2};
  expect_gradients("gather", [](std::span<const Var> v) { return gather(v[0], index); }, {x});
  expect_gradients("concat columns", [](std::span<const Var> v) { return concat(v[0], v[1], 1); },
                   {x, random_matrix(4, 2, rng)});
  expect_gradients("concat rows", [](std::span<const Var> v) { return concat(v[0], v[1], 0); },
                   {x, random_matrix(2, 3, rng)});
  expect_gradients("reshape then a row-dependent op",
                   [](std::span<const Var> v) { return softmax(reshape(v[0], 2, 6)) * 2.0; }, {x});
  expect_gradients("flatten", [](std::span<const Var> v) { return tanh(flatten(v[0])); }, {x});
}

TEST_CASE("convolution and pooling gradients match finite differences", "[nn][gradcheck]") {
  Rng rng(6);
  struct Case {
    const char* name;
    Conv2dGeometry g;
  };
  const Case cases[] = {
      {"3x3, stride 1, no padding", {2, 5, 6, 3, 3, 1, 0}},
      {"3x3, stride 2, padding 1", {2, 5, 5, 2, 3, 2, 1}},
      {"2x2, stride 1, padding 1, one channel", {1, 4, 4, 2, 2, 1, 1}},
  };
  for (const Case& c : cases) {
    const Conv2dGeometry g = c.g;
    const Matrix x = random_matrix(2, g.in_features(), rng);
    const Matrix w = random_matrix(g.out_channels, g.patch_size(), rng);
    const Matrix b = random_matrix(1, g.out_channels, rng);
    expect_gradients(c.name, [g](std::span<const Var> v) { return conv2d(v[0], v[1], v[2], g); },
                     {x, w, b});
    expect_gradients(c.name, [g](std::span<const Var> v) { return conv2d(v[0], v[1], g); }, {x, w});
  }
  for (const Pool2dGeometry g : {Pool2dGeometry{2, 4, 6, 2, 2}, Pool2dGeometry{1, 5, 5, 3, 1}}) {
    // a random permutation scaled by 0.01: every window's maximum is unique by a clear margin
    Matrix x(2, g.in_features());
    std::vector<Index> order(static_cast<size_t>(x.size()));
    std::iota(order.begin(), order.end(), 0);
    for (size_t i = order.size() - 1; i > 0; --i) {
      std::swap(order[i], order[rng.below(i + 1)]);
    }
    for (Index i = 0; i < x.size(); ++i) {
      x.data()[i] = 0.01 * static_cast<Scalar>(order[static_cast<size_t>(i)]);
    }
    expect_gradients("max_pool2d", [g](std::span<const Var> v) { return max_pool2d(v[0], g); },
                     {x});
  }
}

TEST_CASE("dropout and layer norm gradients match finite differences", "[nn][gradcheck]") {
  Rng rng(7);
  expect_gradients("dropout",
                   [](std::span<const Var> v) {
                     Rng mask_rng(99);  // the same mask on every evaluation
                     return dropout(v[0], 0.4, mask_rng);
                   },
                   {random_matrix(4, 5, rng)});
  expect_gradients(
      "layer_norm", [](std::span<const Var> v) { return layer_norm(v[0], v[1], v[2]); },
      {random_matrix(4, 5, rng), random_matrix(1, 5, rng, 0.5, 1.5), random_matrix(1, 5, rng)});
}

TEST_CASE("loss gradients match finite differences", "[nn][gradcheck]") {
  Rng rng(8);
  const Matrix p = random_matrix(4, 3, rng);
  const Matrix t = random_matrix(4, 3, rng);
  expect_gradients("mse_loss", [](std::span<const Var> v) { return mse_loss(v[0], v[1]); }, {p, t});
  // Huber with delta 0.5: errors on both sides of the threshold, none within 0.05 of it.
  Matrix huber_target = p;
  for (Index i = 0; i < p.size(); ++i) {
    const double magnitude = (i % 2 == 0 ? 0.1 : 0.7) + 0.3 * rng.uniform();
    huber_target.data()[i] = p.data()[i] + (i % 3 == 0 ? -magnitude : magnitude);
  }
  expect_gradients("huber_loss", [](std::span<const Var> v) { return huber_loss(v[0], v[1], 0.5); },
                   {p, huber_target});
  static const std::vector<std::int32_t> labels = {0, 2, 1, 2};
  expect_gradients("cross_entropy",
                   [](std::span<const Var> v) { return cross_entropy(v[0], labels); },
                   {random_matrix(4, 3, rng, -2, 2)});
}

TEST_CASE("distribution gradients match finite differences", "[nn][gradcheck]") {
  Rng rng(9);
  static const std::vector<std::int32_t> actions = {1, 0, 3};
  const Matrix logits = random_matrix(3, 4, rng, -2, 2);
  expect_gradients("categorical_log_prob",
                   [](std::span<const Var> v) { return categorical_log_prob(v[0], actions); },
                   {logits});
  expect_gradients("categorical_entropy",
                   [](std::span<const Var> v) { return categorical_entropy(v[0]); }, {logits});
  const Matrix mean = random_matrix(3, 2, rng);
  const Matrix action = random_matrix(3, 2, rng);
  expect_gradients("gaussian_log_prob, shared log_std",
                   [](std::span<const Var> v) { return gaussian_log_prob(v[0], v[1], v[2]); },
                   {mean, random_matrix(1, 2, rng, -1, 0.5), action});
  expect_gradients("gaussian_log_prob, per-row log_std",
                   [](std::span<const Var> v) { return gaussian_log_prob(v[0], v[1], v[2]); },
                   {mean, random_matrix(3, 2, rng, -1, 0.5), action});
  expect_gradients("gaussian_entropy",
                   [](std::span<const Var> v) { return gaussian_entropy(v[0]); },
                   {random_matrix(3, 2, rng)});
}

// The layers' parameter gradients: perturb each parameter in the store and compare with the
// gradient the tape accumulated into it.
void expect_parameter_gradients(const char* what, Sequential net, const Matrix& x) {
  INFO(what);
  net.train();
  Rng rng(10);
  const Matrix r = random_matrix(x.rows(), net.out_features(), rng);
  const auto loss_at = [&](Sequential& n) {
    Tape tape;
    return (n.forward(tape, x).value().array() * r.array()).sum();
  };
  Tape tape;
  net.params().zero_grad();
  tape.backward(net.forward(tape, x), r);
  const Vector analytic = net.params().grads();
  const double eps = 1e-6;
  for (Index i = 0; i < net.params().size(); ++i) {
    Scalar& p = net.params().values()[i];
    const Scalar saved = p;
    p = saved + eps;
    const double plus = loss_at(net);
    p = saved - eps;
    const double minus = loss_at(net);
    p = saved;
    const double numeric = (plus - minus) / (2 * eps);
    INFO("parameter " << i);
    CHECK(std::abs(analytic[i] - numeric) <= 1e-6 + 1e-5 * std::abs(numeric));
  }
}

TEST_CASE("network parameter gradients match finite differences", "[nn][gradcheck]") {
  Rng rng(11);
  expect_parameter_gradients(
      "MLP with layer norm and tanh",
      mlp({.sizes = {3, 5, 4, 2}, .hidden = Activation::kTanh, .layer_norm = true}, 1),
      random_matrix(4, 3, rng));
  expect_parameter_gradients("CNN with pooling",
                             cnn({.input = {2, 6, 6},
                                  .convs = {{.channels = 3, .kernel = 3, .padding = 1, .pool = 2}},
                                  .hidden = {5},
                                  .outputs = 2,
                                  .activation = Activation::kTanh},
                                 2),
                             random_matrix(2, 72, rng));
}

}  // namespace
}  // namespace rl::nn
