// Cairo and fontconfig keep font caches for the life of the process. LeakSanitizer (the asan
// preset runs with detect_leaks=1) reports them unless they are freed at exit.
#pragma once

namespace rl::sim {

/// Registers, once per process, an exit handler that frees Cairo's and fontconfig's static
/// caches. Call before the first Cairo use; every Cairo object must be gone by exit.
void free_font_caches_at_exit();

}  // namespace rl::sim
