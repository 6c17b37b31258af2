# Flags every target links PRIVATE through rl::options.
#
# Floating point: never -ffast-math (it breaks the bit-exact environment physics and NaN checks);
# -ffp-contract=off everywhere, because GCC fuses a*b+c into FMA by default on FMA targets and
# that changes results relative to Gymnasium's (numpy's) unfused arithmetic. Eigen's own kernels
# still use explicit FMA intrinsics, so network speed does not depend on contraction.
add_library(rl_options INTERFACE)
add_library(rl::options ALIAS rl_options)

target_compile_options(rl_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wimplicit-fallthrough -ffp-contract=off)
# Eigen puts a matrix product's packing buffers on the stack up to this many bytes and mallocs
# them above it, on every product. 1 MiB (at most 2 MiB of stack for both buffers, against the
# 8 MiB default) keeps every product our networks make off the heap, so training steps allocate
# nothing after warm-up. Global, so every translation unit instantiates Eigen the same way.
target_compile_definitions(rl_options INTERFACE EIGEN_STACK_ALLOCATION_LIMIT=1048576)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(rl_options INTERFACE
    "SHELL:-include ${CMAKE_CURRENT_LIST_DIR}/gcc12_avx512_uninitialized.h")
endif()
if(RL_WARNINGS_AS_ERRORS)
  target_compile_options(rl_options INTERFACE -Werror)
endif()
if(RL_NATIVE)
  target_compile_options(rl_options INTERFACE -march=native)
endif()
if(RL_SANITIZE)
  target_compile_options(rl_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(rl_options INTERFACE -fsanitize=address,undefined)
  target_compile_definitions(rl_options INTERFACE RL_SANITIZED=1)
endif()
