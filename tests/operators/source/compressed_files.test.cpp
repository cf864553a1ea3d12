#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "../state_round_trip.hpp"
#include "operators/harness.hpp"

using namespace sluice;
using sluice::test::make_operator;
using sluice::test::recording_emitter;
using sluice::test::temp_dir;

namespace {

/// 3000 JSON lines, gzip- and zstd-compressed by the command-line tools
/// (not by Sluice's own writer), plus the plain file.
void write_inputs(temp_dir& dir) {
  {
    std::ofstream f(dir.file("plain.jsonl"));
    for (int i = 0; i < 3000; ++i) f << R"({"n":)" << i << R"(,"s":"text )" << i << "\"}\n";
  }
  auto plain = dir.file("plain.jsonl");
  REQUIRE(std::system(("gzip -c '" + plain + "' > '" + dir.file("in.jsonl.gz") + "'").c_str())
          == 0);
  REQUIRE(std::system(("zstd -q -c '" + plain + "' > '" + dir.file("in.jsonl.zst") + "'").c_str())
          == 0);
  // two gzip members, one after the other: one stream to gunzip
  REQUIRE(std::system(("head -n 1000 '" + plain + "' | gzip -c > '" + dir.file("two.gz") + "' && "
                       + "tail -n +1001 '" + plain + "' | gzip -c >> '" + dir.file("two.gz") + "'")
                        .c_str())
          == 0);
}

std::vector<std::string> read_all(const std::string& path) {
  auto op = make_operator("source.file", {{"path", path}, {"schema", {"n:int", "s:string"}}});
  recording_emitter out;
  op->open();
  for (int i = 0; i < 100000; ++i)
    if (op->poll(out, 1000).what == core::poll_result::state::finished) break;
  op->close();
  return out.json_rows();
}

} // namespace

TEST_CASE("source.file reads gzip and zstd files as the records they hold") {
  temp_dir dir;
  write_inputs(dir);
  auto plain = read_all(dir.file("plain.jsonl"));
  REQUIRE(plain.size() == 3000);
  CHECK(read_all(dir.file("in.jsonl.gz")) == plain);
  CHECK(read_all(dir.file("in.jsonl.zst")) == plain);
  CHECK(read_all(dir.file("two.gz")) == plain);
}

TEST_CASE("source.file restored in the middle of a compressed file reads on where it stopped") {
  temp_dir dir;
  write_inputs(dir);
  for (const char* name : {"in.jsonl.gz", "in.jsonl.zst"}) {
    INFO(name);
    nlohmann::json params = {{"path", dir.file(name)}, {"schema", {"n:int", "s:string"}}};
    auto [whole, resumed] =
      sluice::test::interrupted_and_whole_source("source.file", params, {}, 2, 1000);
    REQUIRE(whole.total_rows() == 3000);
    CHECK(resumed == whole);
  }
}

TEST_CASE("a truncated compressed file fails the source with its name, not silently") {
  temp_dir dir;
  write_inputs(dir);
  auto cut = dir.file("cut.jsonl.gz");
  REQUIRE(std::system(("head -c 2000 '" + dir.file("in.jsonl.gz") + "' > '" + cut + "'").c_str())
          == 0);
  CHECK_THROWS_WITH(read_all(cut), Catch::Contains("cut.jsonl.gz") && Catch::Contains("truncated"));
}
