// rl play's keys: what each held key does in each kind of env.
#include <set>

#include <catch2/catch.hpp>

#include "envs/registry.hpp"
#include "experiments/keyboard_chooser.hpp"

namespace rl::experiments {
namespace {

using sim::Key;

struct Keyboard {
  std::set<Key> held;
  std::function<bool(Key)> query() {
    return [this](Key key) { return held.count(key) != 0; };
  }
};

int discrete_action(KeyboardChooser& chooser, const envs::VecEnv& env) {
  agents::Actions out;
  std::vector<sim::Bars> view;
  chooser.choose(env.last(), out, view);
  REQUIRE(out.discrete.size() == 1);
  REQUIRE(view.size() == 1);
  CHECK(view[0].highlighted == out.discrete[0]);
  return out.discrete[0];
}

TEST_CASE("rl play: arrows push CartPole, and with no key held the last push repeats",
          "[experiments][play]") {
  auto env = envs::make("CartPole-v1", {.autoreset = envs::AutoReset::kDisabled});
  env->reset(0);
  Keyboard keys;
  KeyboardChooser chooser(keys.query(), env->spec());
  CHECK(chooser.help().find("push left / push right") != std::string::npos);
  keys.held = {Key::right};
  CHECK(discrete_action(chooser, *env) == 1);
  keys.held = {};
  CHECK(discrete_action(chooser, *env) == 1);  // CartPole has no no-op
  keys.held = {Key::left};
  CHECK(discrete_action(chooser, *env) == 0);
  keys.held = {Key::digit1};
  CHECK(discrete_action(chooser, *env) == 1);
  keys.held = {Key::digit7};  // not an action of CartPole: keeps the last one
  CHECK(discrete_action(chooser, *env) == 1);
}

TEST_CASE("rl play: MountainCar and Acrobot fall back to their no-op action",
          "[experiments][play]") {
  for (const char* id : {"MountainCar-v0", "Acrobot-v1"}) {
    INFO(id);
    auto env = envs::make(id, {.autoreset = envs::AutoReset::kDisabled});
    env->reset(0);
    Keyboard keys;
    KeyboardChooser chooser(keys.query(), env->spec());
    CHECK(discrete_action(chooser, *env) == 1);
    keys.held = {Key::left};
    CHECK(discrete_action(chooser, *env) == 0);
    keys.held = {Key::right};
    CHECK(discrete_action(chooser, *env) == 2);
    keys.held = {};
    CHECK(discrete_action(chooser, *env) == 1);
  }
}

TEST_CASE("rl play: arrows set a continuous action to its bounds, no key to zero",
          "[experiments][play]") {
  auto env = envs::make("Pendulum-v1", {.autoreset = envs::AutoReset::kDisabled});
  env->reset(0);
  Keyboard keys;
  KeyboardChooser chooser(keys.query(), env->spec());
  agents::Actions out;
  std::vector<sim::Bars> view;
  chooser.choose(env->last(), out, view);
  REQUIRE(out.continuous.size() == 1);
  CHECK(out.continuous[0] == 0.0f);
  keys.held = {Key::right};
  chooser.choose(env->last(), out, view);
  CHECK(out.continuous[0] == 2.0f);
  keys.held = {Key::left};
  chooser.choose(env->last(), out, view);
  CHECK(out.continuous[0] == -2.0f);
  REQUIRE(view.size() == 1);
  CHECK(view[0].low == -2.0f);
  CHECK(view[0].high == 2.0f);
  CHECK(is_action_key(Key::left));
  CHECK(is_action_key(Key::digit3));
  CHECK_FALSE(is_action_key(Key::space));
}

}  // namespace
}  // namespace rl::experiments
