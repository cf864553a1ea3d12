#include <catch2/catch.hpp>

#include "observe/observe_helpers.hpp"
#include "sluice/observe/top_table.hpp"

using namespace sluice;
using test::ms;

namespace {

observe::metrics_frame frame(observe::checkpoint_figures checkpoints = {},
                             std::int64_t wall_ms = 0) {
  observe::metrics_sampler sampler(test::checked(test::chain_json));
  return sampler.sample({test::snap("gen", 0, 0, 50000, 50, 900, 1000),
                         test::snap("slow", 0, 50000, 49000, 990, 0, 1000),
                         test::snap("out", 0, 49000, 0, 5, 0, 1000)},
                        1000 * ms, wall_ms, std::move(checkpoints));
}

std::string joined(const std::vector<std::string>& lines) {
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  return all;
}

const std::string* line_with(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& l : lines)
    if (l.find(text) != std::string::npos) return &l;
  return nullptr;
}

} // namespace

TEST_CASE("the top table fits a plain 80 by 24 terminal") {
  observe::top_header h{"http://127.0.0.1:9464", "running", "", "q quit"};
  auto lines = observe::render_top(frame(), h, 80, 24, false);
  CHECK(lines.size() == 24);
  for (const auto& l : lines) {
    INFO(l);
    CHECK(l.size() < 80); // the last column stays free
    for (char c : l) CHECK(static_cast<unsigned char>(c) < 128);
  }
  CHECK_THAT(lines[0], Catch::Contains("chain") && Catch::Contains("running"));
  CHECK_THAT(lines.back(), Catch::Contains("q quit"));
}

TEST_CASE("the top table marks the bottleneck row and shows the bars") {
  observe::top_header h;
  h.status = "running";
  auto lines = observe::render_top(frame(), h, 80, 24, false);
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  INFO(all);
  CHECK_THAT(all, Catch::Contains("bottleneck: slow"));
  CHECK_THAT(all, Catch::Contains("*slow"));
  CHECK_THAT(all, Catch::Contains("|######| 99%")); // slow is busy
  CHECK_THAT(all, Catch::Contains("50.0k"));        // records per second
}

TEST_CASE("a tiny terminal still gets a table without overflowing") {
  auto lines = observe::render_top(frame(), {}, 30, 5, true);
  CHECK(lines.size() <= 5);
}

TEST_CASE("the top table shows the last checkpoint and each node's state in 80 columns") {
  observe::top_header h{"http://127.0.0.1:9464", "running", "", "q quit"};
  auto lines =
    observe::render_top(frame(test::checkpoints(1700000000000), 1700000003400), h, 80, 24, false);
  INFO(joined(lines));
  CHECK(lines.size() == 24);
  for (const auto& l : lines) CHECK(l.size() < 80);
  // the age is as of the frame: 3.4 s
  auto* line = line_with(lines, "checkpoint 17");
  REQUIRE(line);
  CHECK(*line == "checkpoint 17  3s ago  took 12ms  1.2MB  restarts 2  completed 16  abandoned 1");
  auto* head = line_with(lines, "NODE");
  REQUIRE(head);
  auto* slow = line_with(lines, "*slow");
  REQUIRE(slow);
  CHECK_THAT(*slow, Catch::EndsWith(" 4.1kB"));
  auto* gen = line_with(lines, " gen");
  REQUIRE(gen);
  CHECK_THAT(*gen, Catch::EndsWith(" 64B"));
  // the last column, right-aligned under its title
  CHECK(head->find("ERRORS") < head->find("STATE"));
  CHECK(head->find("STATE") + 5 == slow->size());
  CHECK(head->find("STATE") + 5 == gen->size());
}

TEST_CASE("the top table says when no checkpoint has completed yet") {
  observe::checkpoint_figures c;
  c.enabled = true;
  auto lines = observe::render_top(frame(c), {}, 80, 24, false);
  INFO(joined(lines));
  CHECK(line_with(lines, "checkpoint: none completed yet  restarts 0"));
  auto* slow = line_with(lines, "*slow");
  REQUIRE(slow);
  CHECK_THAT(*slow, Catch::EndsWith(" -"));
}

TEST_CASE("without checkpoints the top table has no checkpoint line and no STATE column") {
  auto lines = observe::render_top(frame(), {}, 80, 24, false);
  INFO(joined(lines));
  CHECK_FALSE(line_with(lines, "checkpoint"));
  CHECK_FALSE(line_with(lines, "STATE"));
  auto* head = line_with(lines, "NODE");
  REQUIRE(head);
  auto* slow = line_with(lines, "*slow");
  REQUIRE(slow);
  CHECK(head->find("ERRORS") + 6 == slow->size());
  observe::checkpoint_figures restarted;
  restarted.restarts = 1;
  CHECK(line_with(observe::render_top(frame(restarted), {}, 80, 24, false),
                  "checkpoints off  restarts 1"));
}

TEST_CASE("byte counts are compact and at most 6 characters") {
  CHECK(observe::compact_bytes(0) == "0B");
  CHECK(observe::compact_bytes(999) == "999B");
  CHECK(observe::compact_bytes(4096) == "4.1kB");
  CHECK(observe::compact_bytes(340000) == "340kB");
  CHECK(observe::compact_bytes(1200000) == "1.2MB");
  CHECK(observe::compact_bytes(56e6) == "56MB");
  CHECK(observe::compact_bytes(3.4e9) == "3.4GB");
  for (double v = 1; v < 1e12; v *= 1.37) {
    INFO(v);
    CHECK(observe::compact_bytes(v).size() <= 6);
  }
}
