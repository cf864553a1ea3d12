#pragma once

// Helpers for tests that run whole pipelines through the exec facade.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sluice/core/pipeline/validator.hpp"
#include "sluice/exec/pipeline_run.hpp"
#include "sluice/ops/builtin.hpp"

namespace sluice::test {

/// Parses and checks a pipeline; fails the test with every error if invalid.
inline core::pipeline::checked_pipeline checked(const std::string& json_text) {
  auto c = core::pipeline::check(core::pipeline::pipeline_document::parse(json_text),
                                 ops::builtin_registry());
  std::string errors;
  for (const auto& e : c.errors) errors += e.to_string() + "\n";
  INFO(errors);
  REQUIRE(c.ok());
  return c;
}

/// A fresh, empty directory under the build tree for one test's files.
inline std::filesystem::path fresh_dir(const std::string& name) {
  auto dir = std::filesystem::path(SLUICE_BINARY_DIR) / "test-output" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::vector<std::string> read_lines(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// Sums one node's snapshot over its instances.
struct node_counts {
  std::uint64_t in = 0, out = 0, sent = 0, filtered = 0, errors = 0;
};

inline node_counts counts_of(const std::vector<core::instance_snapshot>& snap,
                             const std::string& node) {
  node_counts c;
  for (const auto& s : snap) {
    if (s.node != node) continue;
    c.in += s.records_in;
    c.out += s.records_out;
    c.sent += s.records_sent;
    c.filtered += s.filtered;
    c.errors += s.errors;
  }
  return c;
}

/// Runs to the end (at most a minute) and returns the final counters.
inline std::vector<core::instance_snapshot>
run_to_end(const std::string& json_text, exec::run_status expected = exec::run_status::finished,
           std::string* failure = nullptr) {
  exec::pipeline_run run(checked(json_text));
  REQUIRE(run.wait_for(std::chrono::seconds(60)));
  INFO(run.failure());
  CHECK(run.status() == expected);
  if (failure) *failure = run.failure();
  return run.snapshot();
}

} // namespace sluice::test
