// Checkpoints: a ParamStore's state_dict round-trips bit for bit and rejects other architectures
// with a message naming the difference; optimiser state restores training exactly, so that k + m
// steps in one run equal k steps, save, load into fresh objects, and m more steps.
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "nn/error.hpp"
#include "nn/functional.hpp"
#include "nn/layers/sequential.hpp"
#include "nn/optim/adam.hpp"
#include "nn/optim/rmsprop.hpp"
#include "nn/optim/sgd.hpp"
#include "nn/random.hpp"
#include "nn/state_dict.hpp"
#include "tests/support/random_matrix.hpp"

namespace rl::nn {
namespace {

using test::random_matrix;

using Catch::Matchers::Contains;

const MlpSpec kSpec{.sizes = {3, 16, 16, 2}, .hidden = Activation::kTanh};

TEST_CASE("a network's state_dict round-trips bit for bit into a fresh network",
          "[nn][checkpoint]") {
  Sequential source = mlp(kSpec, 1);
  Sequential target = mlp(kSpec, 2);
  REQUIRE(source.params().values() != target.params().values());

  const StateDict dict = state_dict(source.params());
  REQUIRE(dict.tensors.size() == source.params().entries().size());
  CHECK(dict.scalars.empty());
  for (const NamedParam& entry : source.params().entries()) {
    INFO(entry.name);
    REQUIRE(dict.has_tensor(entry.name));
    CHECK(dict.tensor(entry.name) == source.params().value(entry.param));
  }

  load_state_dict(target.params(), dict);
  CHECK(target.params().values() == source.params().values());

  SECTION("the dict is a copy, not a view") {
    const Vector saved = source.params().values();
    source.params().values().setZero();
    Sequential third = mlp(kSpec, 3);
    load_state_dict(third.params(), dict);
    CHECK(third.params().values() == saved);
  }
  SECTION("both networks then compute the same outputs") {
    Rng rng(4);
    const Matrix x = random_matrix(5, 3, rng);
    const Matrix y_source = source.predict(x);
    const Matrix y_target = target.predict(x);
    CHECK(y_source == y_target);
  }
}

TEST_CASE("loading into a different architecture throws naming the difference",
          "[nn][checkpoint]") {
  Sequential deep = mlp({.sizes = {3, 16, 16, 2}}, 1);
  const Vector before = deep.params().values();

  SECTION("a different number of parameters") {
    const Sequential shallow = mlp({.sizes = {3, 16, 2}}, 1);
    const StateDict dict = state_dict(shallow.params());
    CHECK_THROWS_AS(load_state_dict(deep.params(), dict), Error);
    CHECK_THROWS_WITH(load_state_dict(deep.params(), dict),
                      Contains("4 tensors") && Contains("6 parameters"));
  }
  SECTION("the same count with a different width") {
    const Sequential wide = mlp({.sizes = {3, 17, 16, 2}}, 1);
    const StateDict dict = state_dict(wide.params());
    CHECK_THROWS_AS(load_state_dict(deep.params(), dict), Error);
    CHECK_THROWS_WITH(load_state_dict(deep.params(), dict),
                      Contains("'0.weight'") && Contains("(17, 3)") && Contains("(16, 3)"));
  }
  SECTION("the same count with different names") {
    ParamStore store;
    store.add("encoder.weight", 2, 3);
    store.add("encoder.bias", 1, 2);
    StateDict dict;
    dict.put("encoder.weight", Matrix::Zero(2, 3));
    dict.put("decoder.bias", Matrix::Zero(1, 2));
    CHECK_THROWS_AS(load_state_dict(store, dict), Error);
    CHECK_THROWS_WITH(load_state_dict(store, dict), Contains("'encoder.bias'"));
  }
  SECTION("one tensor of the wrong shape, and nothing is half-loaded") {
    StateDict dict = state_dict(mlp({.sizes = {3, 16, 16, 2}}, 9).params());
    REQUIRE(dict.tensors.back().first == "4.bias");
    dict.tensors.back().second = Matrix::Zero(3, 3);
    CHECK_THROWS_AS(load_state_dict(deep.params(), dict), Error);
    CHECK_THROWS_WITH(load_state_dict(deep.params(), dict),
                      Contains("'4.bias'") && Contains("(3, 3)") && Contains("(1, 2)"));
    CHECK(deep.params().values() == before);
  }
}

TEST_CASE("StateDict merge and subset add and strip prefixes", "[nn][checkpoint]") {
  Rng rng(5);
  StateDict actor;
  actor.put("0.weight", random_matrix(4, 3, rng));
  actor.put("0.bias", random_matrix(1, 4, rng));
  actor.put("steps", 17.0);
  StateDict critic;
  critic.put("0.weight", random_matrix(2, 3, rng));
  critic.put("learning_rate", 3e-4);

  StateDict all;
  all.merge(actor, "actor/");
  all.merge(critic, "critic/");
  CHECK(all.tensors.size() == 3);
  CHECK(all.scalars.size() == 2);
  CHECK(all.has_tensor("actor/0.weight"));
  CHECK(all.has_tensor("actor/0.bias"));
  CHECK(all.has_tensor("critic/0.weight"));
  CHECK_FALSE(all.has_tensor("0.weight"));
  CHECK(all.has_scalar("actor/steps"));
  CHECK(all.scalar("critic/learning_rate") == 3e-4);
  CHECK(all.tensor("critic/0.weight") == critic.tensor("0.weight"));

  const StateDict back = all.subset("actor/");
  REQUIRE(back.tensors.size() == actor.tensors.size());
  REQUIRE(back.scalars.size() == actor.scalars.size());
  for (size_t i = 0; i < back.tensors.size(); ++i) {
    CHECK(back.tensors[i].first == actor.tensors[i].first);
    CHECK(back.tensors[i].second == actor.tensors[i].second);
  }
  CHECK(back.scalar("steps") == 17.0);
  CHECK_FALSE(back.has_tensor("critic/0.weight"));
  CHECK_FALSE(back.has_scalar("learning_rate"));

  CHECK(all.subset("target/").tensors.empty());
  CHECK(all.subset("target/").scalars.empty());

  SECTION("a network saved under a prefix loads from the subset") {
    const Sequential net = mlp(kSpec, 6);
    StateDict checkpoint;
    checkpoint.merge(state_dict(net.params()), "online/");
    Sequential fresh = mlp(kSpec, 7);
    CHECK_THROWS_AS(load_state_dict(fresh.params(), checkpoint), Error);
    load_state_dict(fresh.params(), checkpoint.subset("online/"));
    CHECK(fresh.params().values() == net.params().values());
  }
}

TEST_CASE("a missing tensor or scalar throws naming the entry", "[nn][checkpoint]") {
  StateDict dict;
  dict.put("present", Matrix::Ones(2, 2));
  dict.put("count", 3.0);
  CHECK(dict.tensor("present") == Matrix::Ones(2, 2));
  CHECK(dict.scalar("count") == 3.0);
  CHECK_THROWS_AS(dict.tensor("absent"), Error);
  CHECK_THROWS_WITH(dict.tensor("absent"), Contains("'absent'") && Contains("present"));
  CHECK_THROWS_AS(dict.scalar("absent_value"), Error);
  CHECK_THROWS_WITH(dict.scalar("absent_value"), Contains("'absent_value'") && Contains("count"));
  // a tensor is not a scalar and the other way round
  CHECK_THROWS_AS(dict.scalar("present"), Error);
  CHECK_THROWS_AS(dict.tensor("count"), Error);
}

TEST_CASE("scalars are stored exactly", "[nn][checkpoint]") {
  struct Entry {
    const char* name;
    double value;
  };
  const Entry entries[] = {{"tenth", 0.1},
                           {"third", 1.0 / 3.0},
                           {"tiny", 1e-300},
                           {"large", -2.5e17},
                           {"odd", 9007199254740993.0}};
  StateDict dict;
  for (const Entry& e : entries) {
    dict.put(e.name, e.value);
  }
  for (const Entry& e : entries) {
    CHECK(dict.scalar(e.name) == e.value);
  }
}

// --- exact resume -------------------------------------------------------------------------------

using Factory = std::function<std::unique_ptr<Optimizer>(ParamStore&)>;

struct Data {
  Matrix x;  // (32, 3)
  Matrix y;  // (32, 2)
};

Data make_data() {
  Rng rng(8);
  Data d{random_matrix(32, 3, rng), Matrix(32, 2)};
  for (Index i = 0; i < 32; ++i) {
    d.y(i, 0) = std::sin(2 * d.x(i, 0)) + d.x(i, 1) * d.x(i, 2);
    d.y(i, 1) = d.x(i, 0) - Scalar(0.5) * d.x(i, 2);
  }
  return d;
}

void train(Sequential& net, Optimizer& optimizer, const Data& data, int steps) {
  Tape tape;
  for (int s = 0; s < steps; ++s) {
    tape.clear();
    const Var prediction = net.forward(tape, data.x);
    const Var loss = mse_loss(prediction, tape.constant(data.y));
    optimizer.zero_grad();
    tape.backward(loss);
    optimizer.step();
  }
}

struct ResumeResult {
  Vector uninterrupted;  ///< k + m steps in one run
  Vector resumed;  ///< k steps, save, load into fresh objects, m steps
  Vector without_state;  ///< as resumed, but with a fresh optimiser state
  std::int64_t resumed_steps = 0;
  double resumed_learning_rate = 0;
};

ResumeResult resume(const Factory& make, int k, int m) {
  const Data data = make_data();
  ResumeResult r;

  Sequential net = mlp(kSpec, 1);
  const auto optimizer = make(net.params());
  train(net, *optimizer, data, k);
  // a learning rate set by a schedule must come back too
  optimizer->set_learning_rate(optimizer->learning_rate() * 0.5);
  const StateDict params = state_dict(net.params());
  const StateDict optimizer_state = optimizer->state_dict();
  train(net, *optimizer, data, m);
  r.uninterrupted = net.params().values();

  Sequential fresh = mlp(kSpec, 99);
  const auto fresh_optimizer = make(fresh.params());
  load_state_dict(fresh.params(), params);
  fresh_optimizer->load_state_dict(optimizer_state);
  r.resumed_steps = fresh_optimizer->steps();
  r.resumed_learning_rate = fresh_optimizer->learning_rate();
  train(fresh, *fresh_optimizer, data, m);
  r.resumed = fresh.params().values();

  Sequential stateless = mlp(kSpec, 98);
  const auto stateless_optimizer = make(stateless.params());
  load_state_dict(stateless.params(), params);
  stateless_optimizer->set_learning_rate(optimizer->learning_rate());
  train(stateless, *stateless_optimizer, data, m);
  r.without_state = stateless.params().values();
  return r;
}

TEST_CASE("training resumes exactly from a parameter and optimiser checkpoint",
          "[nn][checkpoint]") {
  struct Case {
    const char* name;
    Factory make;
    double learning_rate;
  };
  const Case cases[] = {
      {"adam",
       [](ParamStore& p) {
         return std::make_unique<Adam>(p, AdamConfig{.learning_rate = 1e-2, .weight_decay = 1e-3});
       },
       1e-2},
      {"adamw",
       [](ParamStore& p) {
         return std::make_unique<AdamW>(p, AdamConfig{.learning_rate = 1e-2, .weight_decay = 0.01});
       },
       1e-2},
      {"sgd nesterov",
       [](ParamStore& p) {
         return std::make_unique<Sgd>(
             p, SgdConfig{.learning_rate = 0.05, .momentum = 0.9, .nesterov = true});
       },
       0.05},
      {"rmsprop centered momentum",
       [](ParamStore& p) {
         return std::make_unique<RmsProp>(
             p, RmsPropConfig{.learning_rate = 1e-3, .momentum = 0.9, .centered = true});
       },
       1e-3},
  };
  constexpr int k = 7;
  constexpr int m = 6;
  for (const Case& c : cases) {
    INFO(c.name);
    const ResumeResult r = resume(c.make, k, m);
    CHECK(r.resumed_steps == k);
    CHECK(r.resumed_learning_rate == 0.5 * c.learning_rate);
    REQUIRE(r.resumed.size() == r.uninterrupted.size());
    CHECK((r.resumed.array() != r.uninterrupted.array()).count() == 0);
    CHECK(r.resumed == r.uninterrupted);
    // the optimiser state matters: without it the run differs
    CHECK(r.without_state != r.uninterrupted);
  }
}

TEST_CASE("an optimiser state loads only into a matching optimiser", "[nn][checkpoint]") {
  Sequential net = mlp(kSpec, 1);
  Adam adam(net.params(), {});
  const StateDict adam_state = adam.state_dict();

  SECTION("adam state into rmsprop") {
    RmsProp rmsprop(net.params(), {});
    CHECK_THROWS_AS(rmsprop.load_state_dict(adam_state), Error);
    CHECK_THROWS_WITH(rmsprop.load_state_dict(adam_state), Contains("square_avg"));
  }
  SECTION("adam state into sgd with momentum") {
    Sgd sgd(net.params(), {.momentum = 0.9});
    CHECK_THROWS_WITH(sgd.load_state_dict(adam_state), Contains("velocity"));
  }
  SECTION("plain rmsprop state into centered rmsprop") {
    RmsProp plain(net.params(), {});
    RmsProp centered(net.params(), {.centered = true});
    CHECK_THROWS_WITH(centered.load_state_dict(plain.state_dict()), Contains("grad_avg"));
  }
  SECTION("adam state of another network") {
    Sequential other = mlp({.sizes = {3, 8, 2}}, 1);
    Adam other_adam(other.params(), {});
    CHECK_THROWS_AS(other_adam.load_state_dict(adam_state), Error);
    CHECK_THROWS_WITH(other_adam.load_state_dict(adam_state), Contains("exp_avg"));
  }
  SECTION("a dict without the step count") {
    StateDict partial = adam_state;
    partial.scalars.clear();
    Adam fresh(net.params(), {});
    CHECK_THROWS_WITH(fresh.load_state_dict(partial), Contains("'steps'"));
  }
}

}  // namespace
}  // namespace rl::nn
