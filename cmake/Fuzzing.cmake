# SLUICE_FUZZ=ON (`make fuzz`) builds the libFuzzer targets of fuzz/ and the
# libraries they test, nothing else. Every object is compiled with libFuzzer's
# coverage hooks and ASan + UBSan; only the targets link libFuzzer's main
# (fuzz/CMakeLists.txt), so the libraries stay plain static archives.
option(SLUICE_FUZZ "Build the libFuzzer targets in fuzz/ (clang only)" OFF)

if(SLUICE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SLUICE_FUZZ needs clang (libFuzzer): configure with "
                        "-DCMAKE_CXX_COMPILER=clang++")
  endif()
  if(SANITIZE)
    message(FATAL_ERROR "SLUICE_FUZZ brings its own sanitizers (address,undefined); "
                        "leave SANITIZE empty")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  # Bounds checks in the standard library (vector::operator[], string_view,
  # ...): ASan misses an index past size() but within capacity().
  add_compile_definitions(_GLIBCXX_ASSERTIONS)
  set(SLUICE_FUZZ_LINK_OPTIONS -fsanitize=fuzzer,address,undefined)
endif()
