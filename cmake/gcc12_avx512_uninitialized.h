// Force-included (-include) into every translation unit when building with GCC < 13.
// GCC 12 reports false "uninitialized" warnings inside its own AVX-512 intrinsics header when
// Eigen uses _mm512_undefined_* (GCC bug 105593, fixed in GCC 13). Middle-end warnings follow the
// pragma state where the warned-about code was parsed, so silencing them around the first
// inclusion of <immintrin.h> keeps the warnings on for all of our own code.
#pragma once
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
