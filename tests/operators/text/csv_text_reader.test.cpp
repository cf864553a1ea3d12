#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sluice/ops/text/csv_text_reader.hpp"

using sluice::ops::text::csv_text_reader;

namespace {

std::vector<std::string> texts_of(const csv_text_reader& r) {
  std::vector<std::string> out;
  for (const auto& f : r.fields()) out.emplace_back(f.text);
  return out;
}

} // namespace

TEST_CASE("A CSV text reads as records of fields with their line numbers") {
  csv_text_reader r("id,name\n1,ada\n\n2,\"grace, hopper\"\n");
  REQUIRE(r.next());
  CHECK(texts_of(r) == std::vector<std::string>{"id", "name"});
  CHECK(r.line() == 1);
  REQUIRE(r.next());
  CHECK(texts_of(r) == std::vector<std::string>{"1", "ada"});
  REQUIRE(r.next()); // the empty line is skipped
  CHECK(texts_of(r) == std::vector<std::string>{"2", "grace, hopper"});
  CHECK(r.line() == 4);
  CHECK(r.fields()[1].quoted);
  CHECK_FALSE(r.next());
}

TEST_CASE(
  "A CSV text skips a byte order mark and reads CRLF line ends and a last line without one") {
  csv_text_reader r("\xEF\xBB\xBF"
                    "a,b\r\n1,2");
  REQUIRE(r.next());
  CHECK(texts_of(r) == std::vector<std::string>{"a", "b"});
  REQUIRE(r.next());
  CHECK(texts_of(r) == std::vector<std::string>{"1", "2"});
  CHECK_FALSE(r.next());
}

TEST_CASE("A quoted field spanning lines keeps its line ends and counts them") {
  csv_text_reader r("a\n\"x\ny\"\nz\n");
  REQUIRE(r.next());
  REQUIRE(r.next());
  CHECK(texts_of(r) == std::vector<std::string>{"x\ny"});
  REQUIRE(r.next());
  CHECK(texts_of(r) == std::vector<std::string>{"z"});
  CHECK(r.line() == 4);
}

TEST_CASE("An empty quoted field differs from an empty unquoted one") {
  csv_text_reader r("\"\",\n");
  REQUIRE(r.next());
  REQUIRE(r.fields().size() == 2);
  CHECK(r.fields()[0].quoted);
  CHECK_FALSE(r.fields()[1].quoted);
}

TEST_CASE("A quote left open names the line where its record starts") {
  csv_text_reader r("a\nb\n\"open,\n");
  REQUIRE(r.next());
  REQUIRE(r.next());
  try {
    r.next();
    FAIL("expected an error");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).rfind("line 3: ", 0) == 0);
    CHECK(std::string(e.what()).find("unterminated quoted field") != std::string::npos);
  }
}
