// After a warm-up iteration, recording, backward, optimiser steps and inference allocate nothing.
// The counter interposes malloc for the whole process; it is not built under the sanitizers.
#include <catch2/catch.hpp>

#ifdef RL_COUNT_ALLOCATIONS

#include <vector>

#include "nn/functional.hpp"
#include "nn/layers/sequential.hpp"
#include "nn/optim/adam.hpp"
#include "nn/optim/clip.hpp"
#include "nn/optim/rmsprop.hpp"
#include "nn/optim/sgd.hpp"
#include "tests/support/alloc_counter.hpp"
#include "tests/support/random_matrix.hpp"

namespace rl::nn {
namespace {

using test::random_matrix;

/// Allocations made by the second of two identical calls.
template <class F>
long allocations_on_repeat(F&& iteration) {
  iteration();
  const test::AllocationCounter counter;
  iteration();
  return counter.count();
}

TEST_CASE("the allocation counter sees allocations", "[nn][alloc]") {
  const test::AllocationCounter counter;
  std::vector<int> v(100);
  Matrix m(10, 10);
  CHECK(counter.count() >= 2);
}

TEST_CASE("an MLP training step allocates nothing after warm-up", "[nn][alloc]") {
  Rng rng(1);
  Sequential net = mlp({.sizes = {4, 64, 64, 2}, .hidden = Activation::kTanh});
  Adam adam(net.params(), {});
  Tape tape;
  const Matrix x = random_matrix(64, 4, rng);
  const Matrix target = random_matrix(64, 2, rng);
  CHECK(allocations_on_repeat([&] {
          tape.clear();
          const Var loss = mse_loss(net.forward(tape, x), tape.constant(target));
          adam.zero_grad();
          tape.backward(loss);
          clip_grad_norm(net.params(), 0.5);
          adam.step();
        }) == 0);
}

TEST_CASE("a CNN step with pooling, layer norm and dropout allocates nothing after warm-up",
          "[nn][alloc]") {
  Rng rng(2);
  Sequential net = Sequential(ImageShape{4, 10, 10}, 3)
                       .conv2d(8, 3, 1, 1)
                       .relu()
                       .max_pool2d(2)
                       .flatten()
                       .linear(32)
                       .layer_norm()
                       .activation(Activation::kElu)
                       .dropout(0.2f)
                       .linear(6);
  RmsProp optimizer(net.params(), {.momentum = 0.9, .centered = true});
  Tape tape;
  const Matrix x = random_matrix(16, 400, rng);
  const std::vector<std::int32_t> labels(16, 3);
  CHECK(allocations_on_repeat([&] {
          tape.clear();
          const Var loss = cross_entropy(net.forward(tape, x), labels);
          optimizer.zero_grad();
          tape.backward(loss);
          optimizer.step();
        }) == 0);
}

TEST_CASE("every op records and differentiates without allocating after warm-up", "[nn][alloc]") {
  Rng rng(3);
  ParamStore store;
  const Param w = store.add("w", 6, 6);
  const Param conv_w = store.add("conv_w", 2, 4 * 3 * 3);
  const Param gamma = store.add("gamma", 1, 6);
  const Param beta = store.add("beta", 1, 6);
  store.values().setRandom();
  Sgd sgd(store, {.learning_rate = 0.01, .momentum = 0.9, .nesterov = true});
  AdamW adamw(store, {.weight_decay = 0.01});
  const Matrix x = random_matrix(8, 6, rng);
  const Matrix image = random_matrix(8, 4 * 5 * 5, rng);
  const std::vector<std::int32_t> index = {0, 1, 2, 3, 4, 5, 0, 1};
  static const CustomOp twice{
      "twice", [](std::span<const ConstMatrixMap> in, MatrixMap y) { y = 2 * in[0]; },
      [](std::span<const ConstMatrixMap>, ConstMatrixMap, ConstMatrixMap dy,
         std::span<MatrixMap> grads) { grads[0] += 2 * dy; }};
  Tape tape;
  CHECK(allocations_on_repeat([&] {
          tape.clear();
          const Var xv = tape.constant(x);
          const Var h = linear(xv, tape.parameter(store, w));
          const Var n = layer_norm(h, tape.parameter(store, gamma), tape.parameter(store, beta));
          Var a = relu(n) + leaky_relu(n) + elu(n) + tanh(n) + sigmoid(n) + softplus(n);
          a = a * 0.5f + 1.0f - abs(n) / (square(n) + 1.0f);
          a = minimum(a, maximum(n, xv)) + clamp(n, -0.5f, 0.5f) + exp(-square(n));
          a = a + log(square(n) + 1.0f) + sqrt(square(n) + 1.0f) + pow(square(n) + 1.0f, 1.5f);
          a = custom(twice, {a}, a.shape()) + matmul(a, tape.parameter(store, w));
          const Var mean_row = mean(a, 0);
          const Var per_row = sum(a, 1);
          const Var joined = concat(a, per_row, 1);
          const Var reshaped = reshape(joined, 4, 14);
          const Var conv =
              conv2d(tape.constant(image), tape.parameter(store, conv_w), {4, 5, 5, 2, 3, 1, 0});
          const Var pooled = max_pool2d(conv, {2, 3, 3, 2, 1});
          Var loss = mean(reshaped) + mean(mean_row) + mean(pooled) + mean(softmax(a)) +
                     mean(log_softmax(a)) + mean(gather(a, index)) +
                     huber_loss(a, stop_gradient(a) * 0.5f) + mse_loss(a, xv) +
                     cross_entropy(a, index) + mean(categorical_log_prob(a, index)) +
                     mean(categorical_entropy(a)) +
                     mean(gaussian_log_prob(a, tape.parameter(store, gamma), xv)) +
                     mean(gaussian_entropy(tape.parameter(store, beta)));
          store.zero_grad();
          tape.backward(loss);
          sgd.step();
          adamw.step();
        }) == 0);
}

TEST_CASE("inference without a tape allocates nothing after warm-up", "[nn][alloc]") {
  Rng rng(4);
  Sequential net = cnn({.input = {4, 10, 10},
                        .convs = {{.channels = 16, .kernel = 3}},
                        .hidden = {128},
                        .outputs = 6});
  const Matrix x = random_matrix(32, 400, rng);
  CHECK(allocations_on_repeat([&] { net.predict(x); }) == 0);
  // acting on one row and computing targets on a batch, alternately
  const Matrix one = x.topRows(1);
  CHECK(allocations_on_repeat([&] {
          net.predict(one);
          net.predict(x);
        }) == 0);
}

}  // namespace
}  // namespace rl::nn

#endif  // RL_COUNT_ALLOCATIONS
