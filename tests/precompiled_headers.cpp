// Compiles the precompiled header that every test area reuses (see
// tests/CMakeLists.txt); main.test.cpp cannot, as it must define
// CATCH_CONFIG_MAIN before catch.hpp is included.
