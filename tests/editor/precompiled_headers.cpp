// Compiles the precompiled header that the editor's test areas reuse (see
// tests/CMakeLists.txt); main.test.cpp cannot, as it must define
// CATCH_CONFIG_RUNNER before catch.hpp is included.
