#include "sim/render/font_caches.hpp"

#include <cstdlib>

#include <cairo.h>
#include <fontconfig/fontconfig.h>

namespace rl::sim {

void free_font_caches_at_exit() {
  // A function-local static: thread-safe, and registered once however many canvases are made.
  static const int registered = std::atexit([] {
    cairo_debug_reset_static_data();
    FcFini();
  });
  (void)registered;
}

}  // namespace rl::sim
