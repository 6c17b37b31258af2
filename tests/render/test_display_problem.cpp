// Without an X display (this executable runs with DISPLAY unset), asking for a window is an
// rl::Error that says how to run anyway, not the abort() SFML would give.
#include <cstdlib>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "sim/render/window.hpp"

namespace rl::sim {
namespace {

using Catch::Matchers::Contains;

/// Sets (or with nullptr unsets) DISPLAY for one test and restores it afterwards.
class ScopedDisplay {
 public:
  explicit ScopedDisplay(const char* value) {
    if (const char* old = std::getenv("DISPLAY")) {
      saved_ = old;
    }
    set(value);
  }
  ~ScopedDisplay() { set(saved_ ? saved_->c_str() : nullptr); }
  ScopedDisplay(const ScopedDisplay&) = delete;
  ScopedDisplay& operator=(const ScopedDisplay&) = delete;

 private:
  static void set(const char* value) {
    if (value != nullptr) {
      ::setenv("DISPLAY", value, 1);
    } else {
      ::unsetenv("DISPLAY");
    }
  }
  std::optional<std::string> saved_;
};

TEST_CASE("Window::display_problem says DISPLAY is not set and how to run anyway",
          "[render][window]") {
  for (const char* value : {static_cast<const char*>(nullptr), ""}) {
    const ScopedDisplay display(value);
    const std::optional<std::string> problem = Window::display_problem();
    REQUIRE(problem);
    CHECK_THAT(*problem, Contains("DISPLAY is not set") && Contains("xvfb-run -a rl") &&
                             Contains("rl record"));
    CHECK_THROWS_MATCHES(Window("rlsuite", 600, 400), Error, Catch::Matchers::Message(*problem));
  }
}

TEST_CASE("Window::display_problem names a DISPLAY no X server answers on", "[render][window]") {
  const ScopedDisplay display(":64999");
  const std::optional<std::string> problem = Window::display_problem();
  REQUIRE(problem);
  CHECK_THAT(*problem, Contains("DISPLAY=:64999") && Contains("xvfb-run -a rl"));
  CHECK_THROWS_WITH(Window("rlsuite", 600, 400), Contains("DISPLAY=:64999"));
}

}  // namespace
}  // namespace rl::sim
