# Warnings for our own targets: sluice_warnings(<target>). The tree builds
# without warnings; -DSLUICE_WERROR=ON (CI: `make test WERROR=1`) makes any
# new one an error.
option(SLUICE_WERROR "Treat compiler warnings as errors" OFF)

function(sluice_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(SLUICE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
