#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <sys/stat.h>

#include "operators/harness.hpp"
#include "sluice/ops/source/schema_inference.hpp"

using namespace sluice;
using sluice::test::make_operator;
using sluice::test::output_schemas_of;
using sluice::test::param_error_of;
using sluice::test::temp_dir;

namespace {

std::filesystem::path test_root() { return std::filesystem::path(SLUICE_BINARY_DIR) / "test-tmp"; }

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string schema_of(const std::string& path) {
  return output_schemas_of("source.file", {{"path", path}}).at(0)->to_string();
}

} // namespace

TEST_CASE("a key repeated within a JSON record is inferred from its first value, as it is read") {
  temp_dir dir(test_root());
  auto path = dir.file("dup.jsonl");
  std::ofstream(path) << R"({"a": 1, "a": "text", "b": true})"
                      << "\n"
                      << R"({"a": 2, "b": false, "b": "x"})"
                      << "\n";
  CHECK(schema_of(path) == "a:int, b:bool");
}

TEST_CASE("inference refuses a record longer than its limit instead of reading it all") {
  // A file without line ends (or /dev/zero) used to be read whole into memory.
  temp_dir dir(test_root());
  auto path = dir.file("one_long_line.jsonl");
  {
    std::ofstream out(path, std::ios::binary);
    std::string chunk(1 << 20, 'x');
    for (std::size_t i = 0; i <= (ops::source::max_sample_record_bytes >> 20); ++i) out << chunk;
  }
  auto err = param_error_of("source.file", {{"path", path}});
  REQUIRE(err);
  CHECK(err->param() == "path");
  CHECK_THAT(std::string(err->what()),
             Catch::Contains("record 1 is longer than 16 MiB; give a 'schema'"));
}

TEST_CASE("a directory or a FIFO as the path of a file source is named as what it is") {
  // Both used to say "no file matches", and a FIFO given a schema blocked.
  temp_dir dir(test_root());
  auto sub = dir.file("a_directory");
  std::filesystem::create_directories(sub);
  auto err = param_error_of("source.file", {{"path", sub}});
  REQUIRE(err);
  CHECK_THAT(std::string(err->what()), Catch::Contains("is a directory, not a file"));
  auto fifo = dir.file("a_fifo");
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  err = param_error_of("source.file", {{"path", fifo}});
  REQUIRE(err);
  CHECK_THAT(std::string(err->what()), Catch::Contains("is not a regular file"));
  auto op = make_operator("source.file", {{"path", fifo}, {"schema", {{"a", "int"}}}});
  CHECK_THROWS_WITH(op->open(), Catch::Contains("is not a regular file"));
}

TEST_CASE("binding an unchanged file again reuses its inferred schema without reading it") {
  temp_dir dir;
  auto path = dir.file("same.jsonl");
  write_text(path, "{\"a\":12}\n");
  REQUIRE(schema_of(path) == "a:int");
  struct stat before {};
  REQUIRE(::stat(path.c_str(), &before) == 0);
  // Same size, same modification time, other content: only a cache sees
  // the old schema.
  write_text(path, "{\"a\":\"x\"}");
  timespec times[2] = {before.st_atim, before.st_mtim};
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
  CHECK(schema_of(path) == "a:int");
  // A new modification time is a new version: read again.
  times[1].tv_sec += 5;
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
  CHECK(schema_of(path) == "a:string");
}
