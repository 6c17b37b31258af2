// Optimisers against double-precision scalar references transcribed from the pseudocode in the
// PyTorch docs (torch.optim.SGD, Adam, AdamW, RMSprop), plus argument validation, multi-store
// updates, global-norm clipping (torch.nn.utils.clip_grad_norm_), schedules and early stopping.
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "nn/error.hpp"
#include "nn/optim/adam.hpp"
#include "nn/optim/clip.hpp"
#include "nn/optim/early_stopping.hpp"
#include "nn/optim/rmsprop.hpp"
#include "nn/optim/schedule.hpp"
#include "nn/optim/sgd.hpp"
#include "nn/params.hpp"
#include "nn/random.hpp"

namespace rl::nn {
namespace {

using Catch::Matchers::Contains;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// --- references: one scalar loop per algorithm, written from the docs' pseudocode -------------

// torch.optim.SGD: g += wd θ; b = μ b + (1 - τ) g (b = g at t = 1); g = g + μ b (Nesterov) or
// g = b; θ -= lr g.
struct SgdReference {
  SgdConfig config;
  std::vector<double> b{};
  int t = 0;

  void step(std::vector<double>& theta, const std::vector<double>& grad, double lr) {
    ++t;
    b.resize(theta.size(), 0.0);
    for (size_t i = 0; i < theta.size(); ++i) {
      double g = grad[i];
      if (config.weight_decay != 0) {
        g = g + config.weight_decay * theta[i];
      }
      if (config.momentum != 0) {
        if (t > 1) {
          b[i] = config.momentum * b[i] + (1 - config.dampening) * g;
        } else {
          b[i] = g;
        }
        if (config.nesterov) {
          g = g + config.momentum * b[i];
        } else {
          g = b[i];
        }
      }
      theta[i] = theta[i] - lr * g;
    }
  }
};

// torch.optim.Adam / AdamW: AdamW first decays θ -= lr λ θ, Adam adds λ θ to g; then
// m = β1 m + (1 - β1) g; v = β2 v + (1 - β2) g²; m̂ = m / (1 - β1^t); v̂ = v / (1 - β2^t);
// θ -= lr m̂ / (sqrt(v̂) + ε).
struct AdamReference {
  AdamConfig config;
  bool decoupled = false;
  std::vector<double> m{};
  std::vector<double> v{};
  int t = 0;

  void step(std::vector<double>& theta, const std::vector<double>& grad, double lr) {
    ++t;
    m.resize(theta.size(), 0.0);
    v.resize(theta.size(), 0.0);
    for (size_t i = 0; i < theta.size(); ++i) {
      double g = grad[i];
      if (decoupled) {
        theta[i] = theta[i] - lr * config.weight_decay * theta[i];
      } else if (config.weight_decay != 0) {
        g = g + config.weight_decay * theta[i];
      }
      m[i] = config.beta1 * m[i] + (1 - config.beta1) * g;
      v[i] = config.beta2 * v[i] + (1 - config.beta2) * g * g;
      const double m_hat = m[i] / (1 - std::pow(config.beta1, t));
      const double v_hat = v[i] / (1 - std::pow(config.beta2, t));
      theta[i] = theta[i] - lr * m_hat / (std::sqrt(v_hat) + config.eps);
    }
  }
};

// torch.optim.RMSprop: g += λ θ; v = α v + (1 - α) g²; ṽ = v, centred: g_ave = α g_ave +
// (1 - α) g, ṽ = ṽ - g_ave²; momentum: b = μ b + g / (sqrt(ṽ) + ε), θ -= lr b; otherwise
// θ -= lr g / (sqrt(ṽ) + ε).
struct RmsPropReference {
  RmsPropConfig config;
  std::vector<double> v{};
  std::vector<double> g_ave{};
  std::vector<double> b{};

  void step(std::vector<double>& theta, const std::vector<double>& grad, double lr) {
    v.resize(theta.size(), 0.0);
    g_ave.resize(theta.size(), 0.0);
    b.resize(theta.size(), 0.0);
    for (size_t i = 0; i < theta.size(); ++i) {
      double g = grad[i];
      if (config.weight_decay != 0) {
        g = g + config.weight_decay * theta[i];
      }
      v[i] = config.alpha * v[i] + (1 - config.alpha) * g * g;
      double v_tilde = v[i];
      if (config.centered) {
        g_ave[i] = g_ave[i] * config.alpha + (1 - config.alpha) * g;
        v_tilde = v_tilde - g_ave[i] * g_ave[i];
      }
      if (config.momentum > 0) {
        b[i] = config.momentum * b[i] + g / (std::sqrt(v_tilde) + config.eps);
        theta[i] = theta[i] - lr * b[i];
      } else {
        theta[i] = theta[i] - lr * g / (std::sqrt(v_tilde) + config.eps);
      }
    }
  }
};

// --- the problem: a store whose gradient is a fixed function of its values --------------------

/// A store with a (3, 4) and a (1, 5) parameter; each step's gradient is g_i = c_i p_i + d_i,
/// evaluated on the float values the optimiser holds.
struct Problem {
  ParamStore store;
  std::vector<double> c;
  std::vector<double> d;

  explicit Problem(std::uint64_t seed, Index rows = 3, Index cols = 4, Index bias = 5) {
    store.add("w", rows, cols);
    store.add("b", 1, bias);
    Rng rng(seed);
    for (Index i = 0; i < store.size(); ++i) {
      store.values()[i] = static_cast<Scalar>(rng.uniform(-1, 1));
      c.push_back(rng.uniform(0.5, 2.0));
      d.push_back(rng.uniform(-1, 1));
    }
  }

  void set_gradients() {
    for (Index i = 0; i < store.size(); ++i) {
      const auto k = static_cast<size_t>(i);
      store.grads()[i] = static_cast<Scalar>(c[k] * store.values()[i] + d[k]);
    }
  }
};

struct Comparison {
  double max_error = 0;  ///< largest |ours - reference| / (rtol |reference| + atol)
  std::string worst;
};

constexpr double kRtol = 1e-5;
constexpr double kAtol = 1e-6;

/// Runs `steps` updates of optimizer and reference on the same gradients, with the learning rate
/// cut to 0.4x for the second half (through set_learning_rate), and compares every parameter
/// after every step.
template <class Reference>
Comparison run_against(Optimizer& optimizer, Problem& problem, Reference reference,
                       int steps = 10) {
  ParamStore& store = problem.store;
  const double base_lr = optimizer.learning_rate();
  std::vector<double> theta(static_cast<size_t>(store.size()));
  for (Index i = 0; i < store.size(); ++i) {
    theta[static_cast<size_t>(i)] = store.values()[i];
  }
  Comparison result;
  for (int t = 1; t <= steps; ++t) {
    const double lr = t <= steps / 2 ? base_lr : 0.4 * base_lr;
    optimizer.set_learning_rate(lr);
    problem.set_gradients();
    std::vector<double> grad(theta.size());
    for (Index i = 0; i < store.size(); ++i) {
      grad[static_cast<size_t>(i)] = store.grads()[i];
    }
    optimizer.step();
    reference.step(theta, grad, lr);
    for (Index i = 0; i < store.size(); ++i) {
      const double ours = store.values()[i];
      const double ref = theta[static_cast<size_t>(i)];
      const double error = std::abs(ours - ref) / (kRtol * std::abs(ref) + kAtol);
      if (!(error <= result.max_error)) {  // also catches NaN
        result.max_error = std::isnan(error) ? kInf : error;
        std::ostringstream where;
        where.precision(10);
        where << "step " << t << ", element " << i << ": ours " << ours << ", reference " << ref;
        result.worst = where.str();
      }
    }
  }
  if (optimizer.steps() != steps) {
    result.max_error = kInf;
    result.worst = "wrong step count";
  }
  return result;
}

void expect_match(const char* name, const Comparison& c) {
  INFO(name << ": worst " << c.worst << " (error " << c.max_error << " tolerances)");
  CHECK(c.max_error <= 1);
}

TEST_CASE("SGD matches the PyTorch algorithm at every step", "[nn][optim]") {
  struct Case {
    const char* name;
    SgdConfig config;
  };
  const Case cases[] = {
      {"plain", {.learning_rate = 0.1}},
      {"momentum", {.learning_rate = 0.1, .momentum = 0.9}},
      {"momentum with dampening", {.learning_rate = 0.1, .momentum = 0.9, .dampening = 0.3}},
      {"nesterov", {.learning_rate = 0.1, .momentum = 0.8, .nesterov = true}},
      {"weight decay", {.learning_rate = 0.1, .weight_decay = 0.2}},
      {"nesterov with weight decay",
       {.learning_rate = 0.05, .momentum = 0.9, .nesterov = true, .weight_decay = 0.1}},
      {"dampening with weight decay",
       {.learning_rate = 0.05, .momentum = 0.5, .dampening = 0.5, .weight_decay = 0.3}},
  };
  for (const Case& c : cases) {
    Problem problem(1);
    Sgd sgd(problem.store, c.config);
    expect_match(c.name, run_against(sgd, problem, SgdReference{.config = c.config}));
  }
}

TEST_CASE("Adam and AdamW match the PyTorch algorithms at every step", "[nn][optim]") {
  struct Case {
    const char* name;
    AdamConfig config;
  };
  // A large eps and short betas make the position of eps and the bias corrections visible at
  // float precision; the defaults are checked too.
  const Case cases[] = {
      {"defaults", {}},
      {"short betas, large eps", {.learning_rate = 0.05, .beta1 = 0.8, .beta2 = 0.95, .eps = 1e-2}},
      {"weight decay",
       {.learning_rate = 0.05, .beta1 = 0.8, .beta2 = 0.95, .eps = 1e-2, .weight_decay = 0.1}},
      {"PyTorch's AdamW defaults", {.weight_decay = 0.01}},
      {"large weight decay", {.learning_rate = 0.02, .weight_decay = 0.5}},
  };
  for (const Case& c : cases) {
    {
      Problem problem(2);
      Adam adam(problem.store, c.config);
      expect_match(
          (std::string("adam, ") + c.name).c_str(),
          run_against(adam, problem, AdamReference{.config = c.config, .decoupled = false}));
    }
    {
      Problem problem(2);
      AdamW adamw(problem.store, c.config);
      expect_match(
          (std::string("adamw, ") + c.name).c_str(),
          run_against(adamw, problem, AdamReference{.config = c.config, .decoupled = true}));
    }
  }
}

TEST_CASE("RMSprop matches the PyTorch algorithm at every step", "[nn][optim]") {
  struct Case {
    const char* name;
    RmsPropConfig config;
  };
  const Case cases[] = {
      {"defaults", {}},
      {"plain", {.learning_rate = 0.01, .alpha = 0.9, .eps = 1e-3}},
      {"centered", {.learning_rate = 0.01, .alpha = 0.9, .eps = 1e-3, .centered = true}},
      {"momentum", {.learning_rate = 0.01, .alpha = 0.9, .eps = 1e-3, .momentum = 0.8}},
      {"centered with momentum",
       {.learning_rate = 0.01, .alpha = 0.9, .eps = 1e-3, .momentum = 0.8, .centered = true}},
      {"weight decay", {.learning_rate = 0.01, .alpha = 0.9, .eps = 1e-3, .weight_decay = 0.2}},
      {"everything",
       {.learning_rate = 0.005,
        .alpha = 0.95,
        .eps = 1e-2,
        .momentum = 0.5,
        .centered = true,
        .weight_decay = 0.1}},
  };
  for (const Case& c : cases) {
    Problem problem(3);
    RmsProp rmsprop(problem.store, c.config);
    expect_match(c.name, run_against(rmsprop, problem, RmsPropReference{.config = c.config}));
  }
}

TEST_CASE("the reference comparison tells neighbouring algorithms apart", "[nn][optim]") {
  // The same harness must reject a reference for a slightly different algorithm, or the tests
  // above would prove nothing.
  const AdamConfig adam_config{.learning_rate = 0.05, .weight_decay = 0.1};
  {
    Problem problem(4);
    Adam adam(problem.store, adam_config);
    CHECK(run_against(adam, problem, AdamReference{.config = adam_config, .decoupled = true})
              .max_error > 10);
  }
  {
    Problem problem(4);
    AdamW adamw(problem.store, adam_config);
    CHECK(run_against(adamw, problem, AdamReference{.config = adam_config, .decoupled = false})
              .max_error > 10);
  }
  {
    Problem problem(4);
    Sgd sgd(problem.store, {.learning_rate = 0.1, .momentum = 0.9, .nesterov = true});
    const SgdConfig heavy_ball{.learning_rate = 0.1, .momentum = 0.9};
    CHECK(run_against(sgd, problem, SgdReference{.config = heavy_ball}).max_error > 10);
  }
  {
    Problem problem(4);
    const RmsPropConfig centered{.learning_rate = 0.01, .centered = true};
    RmsProp rmsprop(problem.store, centered);
    CHECK(run_against(rmsprop, problem, RmsPropReference{.config = {.learning_rate = 0.01}})
              .max_error > 10);
  }
}

using Factory = std::function<std::unique_ptr<Optimizer>(std::vector<ParamStore*>)>;

struct NamedFactory {
  const char* name;
  Factory make;
};

std::vector<NamedFactory> stateful_optimizers() {
  return {
      {"sgd nesterov",
       [](std::vector<ParamStore*> p) {
         return std::make_unique<Sgd>(
             std::move(p), SgdConfig{.learning_rate = 0.1, .momentum = 0.9, .nesterov = true});
       }},
      {"sgd dampened",
       [](std::vector<ParamStore*> p) {
         return std::make_unique<Sgd>(
             std::move(p),
             SgdConfig{
                 .learning_rate = 0.1, .momentum = 0.9, .dampening = 0.2, .weight_decay = 0.05});
       }},
      {"adam",
       [](std::vector<ParamStore*> p) {
         return std::make_unique<Adam>(std::move(p),
                                       AdamConfig{.learning_rate = 0.05, .weight_decay = 0.1});
       }},
      {"adamw",
       [](std::vector<ParamStore*> p) {
         return std::make_unique<AdamW>(std::move(p),
                                        AdamConfig{.learning_rate = 0.05, .weight_decay = 0.1});
       }},
      {"rmsprop centered momentum",
       [](std::vector<ParamStore*> p) {
         return std::make_unique<RmsProp>(
             std::move(p),
             RmsPropConfig{
                 .learning_rate = 0.01, .momentum = 0.9, .centered = true, .weight_decay = 0.05});
       }},
  };
}

TEST_CASE("an optimiser over two stores equals one optimiser per store", "[nn][optim]") {
  for (const NamedFactory& f : stateful_optimizers()) {
    INFO(f.name);
    Problem a(5, 3, 4, 5);
    Problem b(6, 2, 7, 2);
    Problem a_alone = a;
    Problem b_alone = b;
    const auto joint = f.make({&a.store, &b.store});
    const auto only_a = f.make({&a_alone.store});
    const auto only_b = f.make({&b_alone.store});
    for (int t = 0; t < 8; ++t) {
      for (Problem* p : {&a, &b, &a_alone, &b_alone}) {
        p->set_gradients();
      }
      joint->step();
      only_a->step();
      only_b->step();
    }
    CHECK(a.store.values() == a_alone.store.values());
    CHECK(b.store.values() == b_alone.store.values());
    CHECK(a.store.values() != Problem(5, 3, 4, 5).store.values());  // it did move
  }
}

TEST_CASE("zero_grad clears the gradients of every store", "[nn][optim]") {
  Problem a(7);
  Problem b(8);
  Adam adam({&a.store, &b.store}, {});
  a.set_gradients();
  b.set_gradients();
  REQUIRE(a.store.grads().squaredNorm() > 0);
  adam.zero_grad();
  CHECK((a.store.grads().array() == 0).all());
  CHECK((b.store.grads().array() == 0).all());
}

TEST_CASE("set_learning_rate changes the size of the next step", "[nn][optim]") {
  Problem problem(9);
  Sgd sgd(problem.store, {.learning_rate = 0.1});
  problem.set_gradients();
  const Vector before = problem.store.values();
  const Vector grad = problem.store.grads();
  sgd.set_learning_rate(0.025);
  CHECK(sgd.learning_rate() == 0.025);
  sgd.step();
  const Vector expected = before - Scalar(0.025) * grad;
  CHECK((problem.store.values() - expected).cwiseAbs().maxCoeff() < 1e-7);

  sgd.set_learning_rate(0);
  const Vector frozen = problem.store.values();
  problem.set_gradients();
  sgd.step();
  CHECK(problem.store.values() == frozen);
}

TEST_CASE("invalid hyperparameters throw rl::nn::Error naming the value", "[nn][optim]") {
  Problem problem(10);
  ParamStore& store = problem.store;
  const auto sgd = [&](const SgdConfig& c) { Sgd o(store, c); };
  const std::function<void(const AdamConfig&)> adam = [&](const AdamConfig& c) {
    Adam o(store, c);
  };
  const std::function<void(const AdamConfig&)> adamw = [&](const AdamConfig& c) {
    AdamW o(store, c);
  };
  const auto rmsprop = [&](const RmsPropConfig& c) { RmsProp o(store, c); };

  SECTION("learning rates") {
    for (const double lr : {-1e-3, kNaN, kInf, -kInf}) {
      INFO("lr " << lr);
      CHECK_THROWS_AS(sgd({.learning_rate = lr}), Error);
      CHECK_THROWS_AS(adam({.learning_rate = lr}), Error);
      CHECK_THROWS_AS(adamw({.learning_rate = lr}), Error);
      CHECK_THROWS_AS(rmsprop({.learning_rate = lr}), Error);
    }
    CHECK_THROWS_WITH(sgd({.learning_rate = -0.5}), Contains("-0.5"));
    CHECK_NOTHROW(sgd({.learning_rate = 0}));

    Adam valid(store, {.learning_rate = 0.01});
    for (const double lr : {-1e-3, kNaN, kInf}) {
      INFO("lr " << lr);
      CHECK_THROWS_AS(valid.set_learning_rate(lr), Error);
      CHECK(valid.learning_rate() == 0.01);
    }
  }
  SECTION("adam betas and eps") {
    for (const auto* make : {&adam, &adamw}) {
      CHECK_THROWS_AS((*make)({.beta1 = 1.0}), Error);
      CHECK_THROWS_AS((*make)({.beta1 = -0.1}), Error);
      CHECK_THROWS_AS((*make)({.beta2 = 1.0}), Error);
      CHECK_THROWS_AS((*make)({.beta2 = 1.5}), Error);
      CHECK_THROWS_AS((*make)({.beta1 = kNaN}), Error);
      CHECK_THROWS_AS((*make)({.eps = 0}), Error);
      CHECK_THROWS_AS((*make)({.eps = -1e-8}), Error);
      CHECK_THROWS_AS((*make)({.weight_decay = -0.1}), Error);
      CHECK_NOTHROW((*make)({.beta1 = 0, .beta2 = 0}));
    }
    CHECK_THROWS_WITH(adam({.beta2 = 1.25}), Contains("1.25"));
  }
  SECTION("sgd momentum, nesterov and weight decay") {
    CHECK_THROWS_AS(sgd({.momentum = -0.5}), Error);
    CHECK_THROWS_WITH(sgd({.momentum = -0.5}), Contains("-0.5"));
    CHECK_THROWS_AS(sgd({.weight_decay = -1}), Error);
    CHECK_THROWS_AS(sgd({.nesterov = true}), Error);  // no momentum
    CHECK_THROWS_AS((sgd({.momentum = 0.9, .dampening = 0.1, .nesterov = true})), Error);
    CHECK_NOTHROW((sgd({.momentum = 0.9, .nesterov = true})));
  }
  SECTION("rmsprop alpha, eps, momentum and weight decay") {
    CHECK_THROWS_AS(rmsprop({.alpha = 1.0}), Error);
    CHECK_THROWS_AS(rmsprop({.alpha = -0.5}), Error);
    CHECK_THROWS_AS(rmsprop({.eps = 0}), Error);
    CHECK_THROWS_AS(rmsprop({.momentum = -0.9}), Error);
    CHECK_THROWS_WITH(rmsprop({.momentum = -0.9}), Contains("-0.9"));
    CHECK_THROWS_AS(rmsprop({.weight_decay = -0.1}), Error);
  }
  SECTION("no parameters") {
    ParamStore empty;
    CHECK_THROWS_AS((Sgd(empty, {})), Error);
    CHECK_THROWS_AS((Adam(std::vector<ParamStore*>{}, {})), Error);
    CHECK_THROWS_AS((Adam(std::vector<ParamStore*>{nullptr}, {})), Error);
  }
}

TEST_CASE("a parameter added after the optimiser makes step throw", "[nn][optim]") {
  const std::vector<NamedFactory> factories = stateful_optimizers();
  for (const NamedFactory& f : factories) {
    INFO(f.name);
    Problem problem(11);
    const Index before = problem.store.size();
    const auto optimizer = f.make({&problem.store});
    problem.set_gradients();
    optimizer->step();
    problem.store.add("late.weight", 2, 3);
    const Index after = problem.store.size();
    const Vector values = problem.store.values();
    CHECK_THROWS_AS(optimizer->step(), Error);
    CHECK_THROWS_WITH(optimizer->step(),
                      Contains(std::to_string(before)) && Contains(std::to_string(after)));
    CHECK(problem.store.values() == values);  // nothing half-updated
  }
}

// --- gradient clipping ------------------------------------------------------------------------

double reference_norm(const std::vector<const ParamStore*>& stores) {
  double squared = 0;
  for (const ParamStore* s : stores) {
    for (Index i = 0; i < s->size(); ++i) {
      squared += static_cast<double>(s->grads()[i]) * s->grads()[i];
    }
  }
  return std::sqrt(squared);
}

TEST_CASE("clip_grad_norm scales all gradients to max_norm and returns the norm before",
          "[nn][optim]") {
  Problem a(12);
  Problem b(13, 2, 2, 3);
  a.set_gradients();
  b.set_gradients();
  const double norm = reference_norm({&a.store, &b.store});
  REQUIRE(norm > 1);
  const Vector grads_a = a.store.grads();
  const Vector grads_b = b.store.grads();
  const std::vector<ParamStore*> both = {&a.store, &b.store};
  const std::vector<ParamStore*> only_a = {&a.store};

  SECTION("above max_norm") {
    const double max_norm = 0.5;
    const double returned = clip_grad_norm(both, max_norm);
    CHECK(returned == Approx(norm).epsilon(1e-6));
    CHECK(reference_norm({&a.store, &b.store}) == Approx(max_norm).epsilon(1e-5));
    CHECK(grad_norm(both) == Approx(max_norm).epsilon(1e-5));
    // every gradient scaled by the same max_norm / (norm + 1e-6), as torch does
    const double coefficient = max_norm / (norm + 1e-6);
    for (Index i = 0; i < a.store.size(); ++i) {
      CHECK(a.store.grads()[i] == Approx(grads_a[i] * coefficient).epsilon(1e-6).margin(1e-9));
    }
    for (Index i = 0; i < b.store.size(); ++i) {
      CHECK(b.store.grads()[i] == Approx(grads_b[i] * coefficient).epsilon(1e-6).margin(1e-9));
    }
  }
  SECTION("below max_norm nothing changes") {
    const double returned = clip_grad_norm(both, 2 * norm);
    CHECK(returned == Approx(norm).epsilon(1e-6));
    CHECK(a.store.grads() == grads_a);
    CHECK(b.store.grads() == grads_b);
  }
  SECTION("one store at a time uses only that store's norm") {
    const double norm_a = reference_norm({&a.store});
    const double returned = clip_grad_norm(a.store, norm_a / 4);
    CHECK(returned == Approx(norm_a).epsilon(1e-6));
    CHECK(reference_norm({&a.store}) == Approx(norm_a / 4).epsilon(1e-5));
    CHECK(b.store.grads() == grads_b);
  }
  SECTION("grad_norm only measures") {
    CHECK(grad_norm(both) == Approx(norm).epsilon(1e-6));
    CHECK(a.store.grads() == grads_a);
  }
  SECTION("a non-positive max_norm throws") {
    CHECK_THROWS_AS(clip_grad_norm(only_a, 0), Error);
    CHECK_THROWS_AS(clip_grad_norm(only_a, -1), Error);
    CHECK(a.store.grads() == grads_a);
  }
}

TEST_CASE("clip_grad_norm leaves zero gradients at zero", "[nn][optim]") {
  Problem a(14);
  a.store.zero_grad();
  CHECK(clip_grad_norm(a.store, 1.0) == 0);
  CHECK((a.store.grads().array() == 0).all());
}

// --- schedules ----------------------------------------------------------------------------------

TEST_CASE("LinearSchedule interpolates then holds its end value", "[nn][optim]") {
  const LinearSchedule s{.start = 1.0, .end = 0.1, .steps = 100};
  CHECK(s(0) == 1.0);
  CHECK(s(25) == Approx(0.775).epsilon(1e-12));
  CHECK(s(50) == Approx(0.55).epsilon(1e-12));
  CHECK(s(100) == Approx(0.1).epsilon(1e-12));
  CHECK(s(101) == s(100));
  CHECK(s(1000000) == s(100));
  CHECK(s(-5) == 1.0);

  const LinearSchedule anneal{.start = 2.5e-4, .end = 0, .steps = 1000};  // CleanRL's PPO
  CHECK(anneal(0) == 2.5e-4);
  CHECK(anneal(500) == Approx(1.25e-4).epsilon(1e-12));
  CHECK(anneal(1000) == 0);
  CHECK(anneal(5000) == 0);

  const LinearSchedule rising{.start = 0.0, .end = 1.0, .steps = 10};  // epsilon decay reversed
  CHECK(rising(5) == Approx(0.5).epsilon(1e-12));
  CHECK(rising(10) == 1.0);
  CHECK(rising(11) == 1.0);
}

TEST_CASE("CosineSchedule follows half a cosine then holds its end value", "[nn][optim]") {
  const CosineSchedule s{.start = 1.0, .end = 0.1, .steps = 100};
  const double pi = std::acos(-1.0);
  CHECK(s(0) == 1.0);
  CHECK(s(50) == Approx(0.55).epsilon(1e-12));
  // the quarter points separate a cosine from a straight line
  CHECK(s(25) == Approx(0.1 + 0.45 * (1 + std::cos(pi / 4))).epsilon(1e-12));
  CHECK(s(75) == Approx(0.1 + 0.45 * (1 - std::cos(pi / 4))).epsilon(1e-12));
  CHECK(s(100) == Approx(0.1).epsilon(1e-12));
  CHECK(s(101) == s(100));
  CHECK(s(1000000) == s(100));
  CHECK(s(-5) == 1.0);
  // monotone from start to end
  for (std::int64_t t = 1; t <= 100; ++t) {
    CHECK(s(t) < s(t - 1));
  }

  const CosineSchedule to_zero{.start = 3e-4, .end = 0, .steps = 7};
  CHECK(to_zero(0) == Approx(3e-4).epsilon(1e-12));
  CHECK(to_zero(7) == Approx(0).margin(1e-18));
  CHECK(to_zero(8) == Approx(0).margin(1e-18));
}

// --- early stopping ----------------------------------------------------------------------------

/// Feeds metrics[i] with the store's values set to i + 1, and returns what update() said.
std::vector<bool> feed(EarlyStopping& stopper, ParamStore& store,
                       const std::vector<double>& metrics) {
  std::vector<bool> stops;
  for (size_t i = 0; i < metrics.size(); ++i) {
    store.values().setConstant(static_cast<Scalar>(i + 1));
    stops.push_back(stopper.update(metrics[i], store));
  }
  return stops;
}

TEST_CASE("early stopping on a loss counts evaluations since the best", "[nn][optim]") {
  Problem problem(15);
  EarlyStopping stopper({.patience = 3});
  CHECK_FALSE(stopper.should_stop());
  const std::vector<bool> stops =
      feed(stopper, problem.store, {1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.76, 0.8});
  CHECK(stops == std::vector<bool>{false, false, false, false, false, false, false, true});
  CHECK(stopper.should_stop());
  CHECK(stopper.best() == 0.7);
  CHECK(stopper.best_evaluation() == 4);
  CHECK(stopper.evaluations() == 8);

  SECTION("an equal metric is not an improvement") {
    EarlyStopping strict({.patience = 2});
    CHECK(feed(strict, problem.store, {0.5, 0.5, 0.5}) == std::vector<bool>{false, false, true});
    CHECK(strict.best_evaluation() == 0);
  }
  SECTION("patience 1 stops at the first evaluation without improvement") {
    EarlyStopping impatient({.patience = 1});
    CHECK(feed(impatient, problem.store, {3.0, 2.0, 2.5}) == std::vector<bool>{false, false, true});
  }
  SECTION("any finite first value is an improvement") {
    EarlyStopping first({.patience = 1});
    CHECK_FALSE(first.update(1e300, problem.store));
    CHECK(first.best() == 1e300);
    CHECK(first.best_evaluation() == 0);
  }
}

TEST_CASE("early stopping on an accuracy maximises", "[nn][optim]") {
  Problem problem(16);
  EarlyStopping stopper({.patience = 2, .maximize = true});
  const std::vector<bool> stops = feed(stopper, problem.store, {0.1, 0.5, 0.4, 0.6, 0.6, 0.55});
  CHECK(stops == std::vector<bool>{false, false, false, false, false, true});
  CHECK(stopper.best() == 0.6);
  CHECK(stopper.best_evaluation() == 3);
  CHECK(stopper.evaluations() == 6);
}

TEST_CASE("early stopping ignores changes smaller than min_delta", "[nn][optim]") {
  Problem problem(17);
  SECTION("minimising") {
    EarlyStopping stopper({.patience = 3, .min_delta = 0.1});
    // 0.95 and 0.91 are not 0.1 below 1.0; 0.89 is; 0.85 is not 0.1 below 0.89
    const std::vector<bool> stops = feed(stopper, problem.store, {1.0, 0.95, 0.91, 0.89, 0.85});
    CHECK(stops == std::vector<bool>{false, false, false, false, false});
    CHECK(stopper.best() == 0.89);
    CHECK(stopper.best_evaluation() == 3);
    // 0.8 is not 0.1 below 0.89 either: the second and third evaluations without improvement
    CHECK_FALSE(stopper.update(0.8, problem.store));
    CHECK(stopper.update(0.8, problem.store));
    CHECK(stopper.best() == 0.89);
  }
  SECTION("maximising") {
    EarlyStopping stopper({.patience = 2, .min_delta = 0.1, .maximize = true});
    const std::vector<bool> stops = feed(stopper, problem.store, {0.5, 0.55, 0.61, 0.7, 0.71});
    CHECK(stops == std::vector<bool>{false, false, false, false, true});
    CHECK(stopper.best() == 0.61);
    CHECK(stopper.best_evaluation() == 2);
  }
}

TEST_CASE("early stopping restores the values of the best evaluation exactly", "[nn][optim]") {
  Problem problem(18);
  ParamStore& store = problem.store;
  EarlyStopping stopper({.patience = 10});
  CHECK_THROWS_AS(stopper.restore_best(store), Error);  // nothing recorded yet

  Rng rng(19);
  std::vector<Vector> snapshots;
  const std::vector<double> metrics = {0.9, 0.4, 0.6, 0.5, 0.45};
  for (const double metric : metrics) {
    for (Index i = 0; i < store.size(); ++i) {
      store.values()[i] = static_cast<Scalar>(rng.normal());
    }
    snapshots.push_back(store.values());
    stopper.update(metric, store);
  }
  REQUIRE(stopper.best_evaluation() == 1);
  store.values().setConstant(Scalar(42));
  stopper.restore_best(store);
  CHECK(store.values() == snapshots[1]);

  SECTION("into a store of a different size it throws") {
    Problem other(20, 2, 2, 2);
    CHECK_THROWS_AS(stopper.restore_best(other.store), Error);
  }
}

TEST_CASE("early stopping rejects non-finite metrics and bad settings", "[nn][optim]") {
  Problem problem(21);
  EarlyStopping stopper({.patience = 2});
  stopper.update(1.0, problem.store);
  CHECK_THROWS_AS(stopper.update(kNaN, problem.store), Error);
  CHECK_THROWS_WITH(stopper.update(kNaN, problem.store), Contains("nan"));
  CHECK_THROWS_AS(stopper.update(kInf, problem.store), Error);
  CHECK_THROWS_AS(stopper.update(-kInf, problem.store), Error);
  CHECK(stopper.evaluations() == 1);
  CHECK(stopper.best() == 1.0);

  CHECK_THROWS_AS(EarlyStopping({.patience = 0}), Error);
  CHECK_THROWS_AS(EarlyStopping({.patience = 3, .min_delta = -0.1}), Error);
}

}  // namespace
}  // namespace rl::nn
