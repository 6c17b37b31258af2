// Drawing a frame allocates nothing of ours after warm-up: the viewer and the recorder call these
// every frame. Cairo itself mallocs scratch inside each call (a scan converter per antialiased
// fill, a glyph run per text) and frees it before returning, so that is checked as heap in use
// not growing, while rlsuite's own allocations (operator new) and image() must be exactly none.
#include <catch2/catch.hpp>

#ifdef RL_COUNT_ALLOCATIONS

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "envs/registry.hpp"
#include "sim/render/canvas.hpp"
#include "tests/render/classic_scenes.hpp"
#include "tests/support/alloc_counter.hpp"
#include <malloc.h>

namespace {
// C++ allocations only (std::vector, std::string, ...), which Cairo never makes. They still go
// through malloc, so the AllocationCounter sees them too.
std::atomic<long> cpp_allocations{0};
}  // namespace

// The replacements below pair operator new with malloc and operator delete with free on
// purpose; GCC cannot see that both sides are replaced.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t size) {
  cpp_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return operator new(size);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace rl::sim {
namespace {

TEST_CASE("Canvas draws frames without allocating after warm-up", "[render][alloc]") {
  for (const char* id : test::kClassicEnvs) {
    INFO(id);
    // Scenes and overlays are made before counting: filling them is the env's and viewer's job.
    constexpr int kFrames = 30;
    auto env = envs::make(id);
    env->reset(0);
    std::vector<DrawList> scenes(kFrames);
    std::vector<Overlay> overlays(kFrames);
    for (int t = 0; t < kFrames; ++t) {
      test::step_with_fixed_action(*env);
      env->draw(0, scenes[t]);
      scenes[t].add(Text{scenes[t].world_max, "a caption", 0.1, {0, 0, 0, 255}});
      overlays[t].lines = {std::string(id) + "  seed 0", "episode 1  step " + std::to_string(t),
                           "return " + std::to_string(t) + ".0"};
      overlays[t].bars = {{"action probabilities", {"left", "right"}, {0.3f, 0.7f}, 0, 1, t % 2},
                          {"action", {"force"}, {-0.05f * t}, -1, 1, -1}};
      overlays[t].status = "paused - space resumes, right arrow steps, +/- changes the speed";
    }
    // The warm-up draws every frame once, so Cairo's glyph and font caches hold all they will.
    Canvas canvas(600, 400);
    for (int t = 0; t < kFrames; ++t) {
      canvas.draw_scene(scenes[t]);
      canvas.draw_overlay(overlays[t]);
      canvas.image();
    }
    const size_t heap_in_use = mallinfo2().uordblks;
    const long cpp_before = cpp_allocations.load();
    long image_allocations = 0;
    for (int t = 0; t < kFrames; ++t) {
      canvas.draw_scene(scenes[t]);
      canvas.draw_overlay(overlays[t]);
      const test::AllocationCounter counter;
      canvas.image();
      image_allocations += counter.count();
    }
    CHECK(cpp_allocations.load() - cpp_before == 0);
    CHECK(image_allocations == 0);
    CHECK(mallinfo2().uordblks == heap_in_use);
  }
}

}  // namespace
}  // namespace rl::sim

#endif  // RL_COUNT_ALLOCATIONS
