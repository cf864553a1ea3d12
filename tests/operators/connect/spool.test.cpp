#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sluice/ops/connect/spool.hpp"

using sluice::ops::connect::spool;
using sluice::ops::connect::spool_entry;
using sluice::ops::connect::spool_error;

namespace {

std::filesystem::path fresh_spool_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("sluice-spool-test-" + name);
  std::filesystem::remove_all(dir);
  return dir;
}

std::vector<spool_entry> replay_all(spool& s, std::uint64_t after) {
  std::vector<spool_entry> out;
  while (auto e = s.replay(after)) out.push_back(std::move(*e));
  return out;
}

std::size_t segment_count(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir))
    if (f.path().extension() == ".spool") ++n;
  return n;
}

std::filesystem::path newest_segment(const std::filesystem::path& dir) {
  std::filesystem::path newest;
  for (const auto& f : std::filesystem::directory_iterator(dir))
    if (f.path() > newest) newest = f.path();
  return newest;
}

} // namespace

TEST_CASE("A spool opened again replays every entry after a position, fields intact") {
  const auto dir = fresh_spool_dir("replay");
  {
    spool s(dir);
    CHECK(s.append({"sensors/a", "{\"v\":1}"}) == 1);
    CHECK(s.append({"sensors/b", std::string("\0binary\n", 8)}) == 2);
    s.roll();
    CHECK(s.append({"", ""}) == 3);
  }
  spool again(dir);
  CHECK(again.last_seq() == 3);
  const auto entries = replay_all(again, 1);
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].seq == 2);
  CHECK(entries[0].fields == std::vector<std::string>{"sensors/b", std::string("\0binary\n", 8)});
  CHECK(entries[1].seq == 3);
  CHECK(entries[1].fields == std::vector<std::string>{"", ""});
  CHECK(again.append({"next"}) == 4);
}

TEST_CASE("Releasing a position deletes whole segments it covers, never the newest") {
  const auto dir = fresh_spool_dir("release");
  spool s(dir);
  s.append({"1"});
  s.append({"2"});
  s.roll();
  s.append({"3"});
  s.roll();
  s.append({"4"});
  CHECK(segment_count(dir) == 3);
  s.release(2); // the first segment (1, 2) is covered
  CHECK(segment_count(dir) == 2);
  s.release(3);
  CHECK(segment_count(dir) == 1);
  s.release(100);
  CHECK(segment_count(dir) == 1);
  spool again(dir);
  CHECK(again.last_seq() == 4);
  const auto left = replay_all(again, 0);
  REQUIRE(left.size() == 1);
  CHECK(left[0].fields[0] == "4");
}

TEST_CASE("A spool whose entries were all released goes on numbering from a restored position") {
  const auto dir = fresh_spool_dir("numbering");
  {
    spool s(dir);
    s.start_after(500);
    CHECK(s.append({"x"}) == 501);
  }
  spool again(dir);
  CHECK(again.last_seq() == 501);
}

TEST_CASE("A torn last entry (the process died inside the write) is cut off at opening") {
  const auto dir = fresh_spool_dir("torn");
  {
    spool s(dir);
    s.append({"kept"});
    s.append({"torn away"});
  }
  const auto file = newest_segment(dir);
  std::filesystem::resize_file(file, std::filesystem::file_size(file) - 3);
  {
    spool again(dir);
    CHECK(again.last_seq() == 1);
    const auto entries = replay_all(again, 0);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].fields[0] == "kept");
    CHECK(again.append({"after"}) == 2);
  }
  // The cut is permanent: the segment is whole again for the next opening.
  spool third(dir);
  CHECK(third.last_seq() == 2);
  CHECK(replay_all(third, 0).size() == 2);
}

TEST_CASE("A damaged entry before the end of the spool is an error naming the file and offset") {
  const auto dir = fresh_spool_dir("damaged");
  {
    spool s(dir);
    s.append({"first"});
    s.append({"second"});
    s.roll();
    s.append({"third"});
  }
  std::filesystem::path oldest;
  for (const auto& f : std::filesystem::directory_iterator(dir))
    if (oldest.empty() || f.path() < oldest) oldest = f.path();
  {
    std::fstream f(oldest, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(22); // inside the first entry's body
    f.put('X');
  }
  try {
    spool again(dir);
    FAIL("a damaged spool opened");
  } catch (const spool_error& e) {
    const std::string what = e.what();
    CHECK(what.find(oldest.filename().string()) != std::string::npos);
    CHECK(what.find("at byte 0") != std::string::npos);
  }
}

TEST_CASE("Files in the spool folder that are not segments are left alone") {
  const auto dir = fresh_spool_dir("others");
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "notes.txt") << "not a segment";
  spool s(dir);
  CHECK(s.last_seq() == 0);
  CHECK(s.append({"a"}) == 1);
  CHECK(std::filesystem::exists(dir / "notes.txt"));
}
