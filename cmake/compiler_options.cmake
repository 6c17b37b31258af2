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
