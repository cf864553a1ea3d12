# Warnings for our own targets: sluice_warnings(<target>). The tree builds
# without warnings; -DSLUICE_WERROR=ON (CI: `make test WERROR=1`) makes any
# new one an error.
option(SLUICE_WERROR "Treat compiler warnings as errors" OFF)

function(sluice_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(SANITIZE)
    # The sanitizers' instrumentation makes GCC 12 report maybe-uninitialized
    # inside the standard library's own headers (std::regex, std::function);
    # the uninstrumented build keeps the warning.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
  if(SLUICE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
