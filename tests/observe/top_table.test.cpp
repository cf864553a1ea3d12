#include <catch2/catch.hpp>

#include "observe/observe_helpers.hpp"
#include "sluice/observe/top_table.hpp"

using namespace sluice;
using test::ms;

namespace {

observe::metrics_frame frame() {
  observe::metrics_sampler sampler(test::checked(test::chain_json));
  return sampler.sample({test::snap("gen", 0, 0, 50000, 50, 900, 1000),
                         test::snap("slow", 0, 50000, 49000, 990, 0, 1000),
                         test::snap("out", 0, 49000, 0, 5, 0, 1000)},
                        1000 * ms, 0);
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
