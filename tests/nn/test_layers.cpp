// Modules: building, naming, inference without a tape, deep copies and target-network updates.
#include <catch2/catch.hpp>

#include "nn/functional.hpp"
#include "nn/layers/sequential.hpp"
#include "tests/support/random_matrix.hpp"

namespace rl::nn {
namespace {

using test::random_matrix;

using Catch::Matchers::Contains;

TEST_CASE("an MLP has PyTorch's parameter names, shapes and count", "[nn][layers]") {
  const Sequential net = mlp({.sizes = {4, 64, 64, 2}, .hidden = Activation::kTanh});
  CHECK(net.params().size() == 4 * 64 + 64 + 64 * 64 + 64 + 64 * 2 + 2);
  const auto& entries = net.params().entries();
  REQUIRE(entries.size() == 6);
  CHECK(entries[0].name == "0.weight");
  CHECK(entries[0].param.shape() == Shape{64, 4});
  CHECK(entries[1].name == "0.bias");
  CHECK(entries[2].name == "2.weight");
  CHECK(entries[5].param.shape() == Shape{1, 2});
  CHECK(net.in_features() == 4);
  CHECK(net.out_features() == 2);
  CHECK_THAT(net.summary(),
             Contains("Linear(4, 64)") && Contains("tanh") && Contains("4610 parameters"));
}

TEST_CASE("a CNN tracks image shapes through convolution and pooling", "[nn][layers]") {
  const Sequential net = cnn({.input = {4, 10, 10},
                              .convs = {{.channels = 16, .kernel = 3}},
                              .hidden = {128},
                              .outputs = 6});
  CHECK(net.params().size() == (16 * 36 + 16) + (1024 * 128 + 128) + (128 * 6 + 6));
  CHECK_THAT(net.summary(), Contains("-> (16, 8, 8)") && Contains("Linear(1024, 128)"));
  const Sequential pooled =
      Sequential(ImageShape{1, 12, 12}).conv2d(8, 3, 1, 1).relu().max_pool2d(2).flatten();
  CHECK(pooled.out_features() == 8 * 6 * 6);
}

TEST_CASE("predict without a tape equals the recorded forward", "[nn][layers]") {
  Rng rng(1);
  SECTION("MLP with layer norm and dropout (off at inference)") {
    Sequential net = mlp(
        {.sizes = {5, 16, 16, 3}, .hidden = Activation::kElu, .layer_norm = true, .dropout = 0.5f},
        7);
    const Matrix x = random_matrix(9, 5, rng);
    net.eval();
    Tape tape;
    const Matrix recorded = net.forward(tape, x).value();
    const Matrix predicted = net.predict(x);
    CHECK(recorded.isApprox(predicted, 1e-6f));
    net.train();
    tape.clear();
    CHECK_FALSE(Matrix(net.forward(tape, x).value()).isApprox(predicted, 1e-3f));
  }
  SECTION("CNN with pooling") {
    Sequential net = cnn({.input = {2, 8, 8},
                          .convs = {{.channels = 4, .kernel = 3, .padding = 1, .pool = 2}},
                          .hidden = {10},
                          .outputs = 3},
                         3);
    const Matrix x = random_matrix(4, 128, rng);
    Tape tape;
    const Matrix recorded = net.forward(tape, x).value();
    CHECK(recorded.isApprox(Matrix(net.predict(x)), 1e-6f));
    // a different batch size works too
    CHECK(net.predict(x.topRows(1)).rows() == 1);
  }
}

TEST_CASE("copying a network copies its parameters; soft_update blends them", "[nn][layers]") {
  Sequential online = mlp({.sizes = {3, 8, 2}}, 1);
  Sequential target = online;  // deep copy
  CHECK(target.params().values() == online.params().values());
  online.params().values().array() += 1;
  CHECK(target.params().values() != online.params().values());  // independent storage

  const Vector before = target.params().values();
  soft_update(online, target, 0.25f);
  const Vector expected = 0.25f * online.params().values() + 0.75f * before;
  CHECK(target.params().values().isApprox(expected, 1e-6f));
  copy_params(online, target);
  CHECK(target.params().values() == online.params().values());

  Sequential other = mlp({.sizes = {3, 9, 2}}, 1);
  CHECK_THROWS_WITH(copy_params(online, other), Contains("different parameter layouts"));
  CHECK_THROWS_WITH(soft_update(online, target, 1.5f), Contains("tau = 1.5"));
}

TEST_CASE("the same seed builds the same network, another seed a different one", "[nn][layers]") {
  const MlpSpec spec{.sizes = {4, 32, 2}, .hidden_init = Init::orthogonal(1.41)};
  CHECK(mlp(spec, 5).params().values() == mlp(spec, 5).params().values());
  CHECK(mlp(spec, 5).params().values() != mlp(spec, 6).params().values());
}

}  // namespace
}  // namespace rl::nn
