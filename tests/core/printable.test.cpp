#include <catch2/catch.hpp>

#include <string>

#include "sluice/core/printable.hpp"

using sluice::core::printable;

TEST_CASE("control bytes from outside are shown as escapes, not obeyed by the terminal") {
  CHECK(printable("node \x1b[2Jx") == "node \\x1b[2Jx");
  CHECK(printable(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(printable("tab\tline\nnext\x7f") == "tab\tline\nnext\\x7f");
  CHECK(printable("one\nline", 100, false) == "one\\x0aline");
  CHECK(printable("caf\xC3\xA9") == "caf\xC3\xA9");
}

TEST_CASE("a huge value is cut in the middle, saying how much was left out") {
  std::string huge = "start" + std::string(10 * 1024 * 1024, 'x') + "end";
  auto shown = printable(huge, 100);
  CHECK(shown.size() < 200);
  CHECK(shown.rfind("startxxx", 0) == 0);
  CHECK(shown.find("...[10485668 bytes left out]...") != std::string::npos);
  CHECK(shown.substr(shown.size() - 3) == "end");
  CHECK(printable(std::string(100, 'y'), 100) == std::string(100, 'y'));
}
