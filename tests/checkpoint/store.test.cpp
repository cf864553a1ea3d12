#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "sluice/checkpoint/store.hpp"

using namespace sluice::checkpoint;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
  auto dir = fs::path(SLUICE_BINARY_DIR) / "test-output" / "checkpoint_store" / name;
  fs::remove_all(dir);
  return dir;
}

checkpoint_info info_of(std::uint64_t id) {
  checkpoint_info info;
  info.id = id;
  info.taken_ms = 1'765'000'000'000 + static_cast<std::int64_t>(id) * 1000;
  info.duration_ms = 12;
  info.nodes = {{"src", "source.generator", 2, {10, 11}}, {"w", "window.tumbling", 1, {500}}};
  info.pipeline = {{"schemaVersion", 1}};
  return info;
}

void write_checkpoint(const store& s, std::uint64_t id) {
  s.write_part(id, "src", 0, "a");
  s.write_part(id, "src", 1, "b");
  s.write_part(id, "w", 0, "state of w");
  s.complete(info_of(id));
}

} // namespace

TEST_CASE("a checkpoint is listed only once its metadata is written") {
  store s(fresh_dir("complete"));
  s.write_part(1, "src", 0, "a");
  CHECK(s.list().empty());
  CHECK_FALSE(s.latest());
  CHECK_THROWS_WITH(s.load(1), Catch::Contains("checkpoint 1") && Catch::Contains("incomplete"));
  write_checkpoint(s, 1);
  REQUIRE(s.list().size() == 1);
  auto info = s.load(1);
  CHECK(info.id == 1);
  CHECK(info.bytes() == 521);
  CHECK(info.find_node("w")->instance_bytes == std::vector<std::uint64_t>{500});
  CHECK(s.read_part(1, "w", 0) == "state of w");
  CHECK_THROWS_WITH(s.read_part(1, "w", 1), Catch::Contains("missing"));
}

TEST_CASE("only the last three complete checkpoints are kept, and older incomplete ones go") {
  store s(fresh_dir("retain"));
  for (std::uint64_t id = 1; id <= 5; ++id) write_checkpoint(s, id);
  s.write_part(6, "src", 0, "unfinished"); // newer than every complete one: kept
  std::vector<std::uint64_t> ids;
  for (const auto& c : s.list()) ids.push_back(c.id);
  CHECK(ids == std::vector<std::uint64_t>{3, 4, 5});
  CHECK(fs::exists(s.checkpoint_dir(6)));
  CHECK(s.next_id() == 7);
  write_checkpoint(s, 7);
  CHECK_FALSE(fs::exists(s.checkpoint_dir(6)));
  CHECK(s.latest()->id == 7);
}

TEST_CASE("a finished run is recorded and forgotten again") {
  store s(fresh_dir("finished"));
  write_checkpoint(s, 4);
  CHECK_FALSE(s.finished());
  s.mark_finished(1'765'000'123'000, 4);
  REQUIRE(s.finished());
  CHECK(s.finished()->second == 4);
  CHECK(s.next_id() == 5);
  s.clear_finished();
  CHECK_FALSE(s.finished());
}

TEST_CASE("clearing the spools (a fresh start) removes what sources spooled and nothing else") {
  store s(fresh_dir("spools"));
  write_checkpoint(s, 1);
  std::filesystem::create_directories(s.dir() / "spool" / "in.0");
  std::ofstream(s.dir() / "spool" / "in.0" / "00000000000000000001.spool") << "x";
  s.clear_spools();
  CHECK_FALSE(std::filesystem::exists(s.dir() / "spool"));
  CHECK(s.list().size() == 1);
  s.clear_spools(); // nothing to clear is no error
}

TEST_CASE("damaged metadata is an error that names the file") {
  store s(fresh_dir("damaged"));
  write_checkpoint(s, 1);
  std::ofstream(s.checkpoint_dir(1) / "_metadata.json") << "{\"format\": 1, \"id\": ";
  CHECK_THROWS_WITH(s.list(), Catch::Contains("_metadata.json") && Catch::Contains("damaged"));
  std::ofstream(s.checkpoint_dir(1) / "_metadata.json") << "{\"format\": 2}";
  CHECK_THROWS_WITH(s.load(1), Catch::Contains("format 2"));
}

TEST_CASE("a checkpoint directory that is a file is refused by name") {
  auto dir = fresh_dir("file");
  fs::create_directories(dir.parent_path());
  std::ofstream(dir) << "not a directory";
  CHECK_THROWS_WITH(store(dir), Catch::Contains(dir.string()));
}

TEST_CASE("times are shown in UTC") {
  CHECK(format_wall_time(0) == "1970-01-01 00:00:00 UTC");
  CHECK(format_wall_time(1'796'652'677'000) == "2026-12-07 14:11:17 UTC");
}
