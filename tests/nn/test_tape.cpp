// The tape itself: gradient accumulation rules, views, stop-gradient, and the errors users see.
#include <string>

#include <catch2/catch.hpp>

#include "nn/functional.hpp"
#include "nn/layers/sequential.hpp"

namespace rl::nn {
namespace {

using Catch::Matchers::Contains;

Matrix filled(Index rows, Index cols, std::initializer_list<Scalar> values) {
  Matrix m(rows, cols);
  Index i = 0;
  for (Scalar v : values) {
    m.data()[i++] = v;
  }
  return m;
}

TEST_CASE("backward accumulates into parameters and recomputes other gradients", "[nn][tape]") {
  ParamStore store;
  const Param w = store.add("w", 1, 2);
  store.value(w) << 2, -3;
  Tape tape;
  const Matrix x = filled(1, 2, {1, 4});
  for (int call = 1; call <= 2; ++call) {
    tape.clear();
    const Var xv = tape.variable(x);
    const Var loss = sum(tape.parameter(store, w) * xv);  // w . x
    tape.backward(loss);
    CHECK(loss.item() == Scalar(2 * 1 - 3 * 4));
    // parameter gradients add up over calls (zero_grad resets them), as in PyTorch
    CHECK(store.grad(w)(0, 0) == Scalar(call * 1));
    CHECK(store.grad(w)(0, 1) == Scalar(call * 4));
    // a variable's gradient is its own, per backward
    CHECK(xv.grad()(0, 0) == 2);
    CHECK(xv.grad()(0, 1) == -3);
  }
  store.zero_grad();
  CHECK(store.grads().isZero());
}

TEST_CASE("a value used twice receives the sum of both gradients", "[nn][tape]") {
  Tape tape;
  const Var x = tape.variable(filled(1, 3, {1, 2, 3}));
  tape.backward(sum(x * x + x));  // d/dx = 2x + 1
  CHECK(Matrix(x.grad()) == filled(1, 3, {3, 5, 7}));
}

TEST_CASE("reshape views the same storage and passes gradients through", "[nn][tape]") {
  Tape tape;
  const Var x = tape.variable(filled(2, 3, {1, 2, 3, 4, 5, 6}));
  const Var r = reshape(x, 3, 2);
  CHECK(r.shape() == Shape{3, 2});
  CHECK(r.value().data() == x.value().data());
  CHECK(r.value()(2, 1) == 6);
  tape.backward(sum(r * tape.constant(filled(3, 2, {1, 0, 0, 0, 0, 2}))));
  CHECK(Matrix(x.grad()) == filled(2, 3, {1, 0, 0, 0, 0, 2}));
  CHECK_THROWS_WITH(reshape(x, 4, 2), Contains("cannot view (2, 3) as (4, 2)"));
}

TEST_CASE("stop_gradient passes the value but blocks the gradient", "[nn][tape]") {
  Tape tape;
  const Var x = tape.variable(filled(1, 2, {3, -2}));
  const Var stopped = stop_gradient(x);
  CHECK_FALSE(stopped.requires_grad());
  tape.backward(sum(x * stopped));  // only the first factor carries gradient: d/dx = x
  CHECK(Matrix(x.grad()) == filled(1, 2, {3, -2}));
}

TEST_CASE("constants get no gradient and a graph without parameters cannot be differentiated",
          "[nn][tape]") {
  Tape tape;
  const Var c = tape.constant(filled(1, 2, {1, 2}));
  CHECK_FALSE(c.requires_grad());
  CHECK_THROWS_WITH(tape.backward(sum(c)), Contains("nothing to differentiate"));
  CHECK_THROWS_WITH(c.grad(), Contains("has no gradient"));
}

TEST_CASE("broadcasting follows numpy rules and ties split the gradient of minimum", "[nn][tape]") {
  Tape tape;
  const Var a = tape.variable(filled(2, 2, {1, 5, 3, 7}));
  const Var row = tape.variable(filled(1, 2, {10, 20}));
  const Var col = tape.variable(filled(2, 1, {100, 200}));
  CHECK(Matrix((a + row).value()) == filled(2, 2, {11, 25, 13, 27}));
  CHECK(Matrix((a - col).value()) == filled(2, 2, {-99, -95, -197, -193}));
  CHECK(Matrix((row * col).value()) == filled(2, 2, {1000, 2000, 2000, 4000}));
  CHECK_THROWS_WITH(a + tape.constant(filled(1, 3, {1, 2, 3})),
                    Contains("shapes (2, 2) and (1, 3) do not broadcast"));

  tape.clear();
  const Var x = tape.variable(filled(1, 3, {1, 2, 3}));
  const Var y = tape.variable(filled(1, 3, {1, 5, 0}));
  tape.backward(sum(minimum(x, y)));
  CHECK(Matrix(x.grad()) == filled(1, 3, {0.5f, 1, 0}));
  CHECK(Matrix(y.grad()) == filled(1, 3, {0.5f, 0, 1}));
}

TEST_CASE("bad shapes and arguments raise errors that name the problem", "[nn][tape]") {
  Tape tape;
  const Var x = tape.constant(Matrix::Zero(4, 3));
  const Var w = tape.variable(Matrix::Zero(2, 5));
  CHECK_THROWS_WITH(linear(x, w), Contains("input has 3 features") && Contains("expects 5"));
  CHECK_THROWS_WITH(matmul(x, x), Contains("do not chain"));
  CHECK_THROWS_WITH(tape.backward(x), Contains("pass a (1, 1) value"));
  CHECK_THROWS_WITH(x.item(), Contains("needs a (1, 1) value"));
  const std::vector<std::int32_t> bad = {0, 1, 3, 0};
  CHECK_THROWS_WITH(gather(x, bad), Contains("index[2] = 3 is outside [0, 3)"));
  CHECK_THROWS_WITH(cross_entropy(x, std::vector<std::int32_t>{0, 1}),
                    Contains("got 2 indices for a batch of 4 rows"));
  CHECK_THROWS_WITH(sum(x, 2), Contains("dim = 2 is not valid"));
  CHECK_THROWS_WITH(clamp(x, 1, 0), Contains("lower bound 1 is above upper bound 0"));
  Tape other;
  CHECK_THROWS_WITH(x + other.constant(Matrix::Zero(4, 3)), Contains("different tapes"));
  CHECK_THROWS_WITH(parse_activation("relux"), Contains("unknown activation 'relux'"));
  CHECK_THROWS_WITH(Sequential(4).conv2d(8, 3), Contains("not an image"));
}

TEST_CASE("backward from a non-scalar output takes its gradient", "[nn][tape]") {
  Tape tape;
  const Var x = tape.variable(filled(1, 2, {2, 3}));
  const Var y = x * x;
  tape.backward(y, filled(1, 2, {1, 10}));
  CHECK(Matrix(x.grad()) == filled(1, 2, {4, 60}));
  CHECK_THROWS_WITH(tape.backward(y, Matrix::Ones(2, 2)), Contains("output gradient has shape"));
}

}  // namespace
}  // namespace rl::nn
