#include <catch2/catch.hpp>

#include "operators/window/window_test_util.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {

nlohmann::json tumbling(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json p = {
    {"size", "10s"}, {"timestamp", "ts"}, {"key", {"key"}}, {"aggregates", {{{"fn", "count"}}}}};
  p.update(extra);
  return p;
}

core::operator_context two_channels() {
  core::operator_context ctx;
  ctx.input_channels = {2};
  return ctx;
}

} // namespace

TEST_CASE("with two channels progress is the minimum over them") {
  auto op = make_window("window.tumbling", tumbling(), two_channels());
  recording_emitter out(2);
  feed(*op, out, {{1, "a"}, {20, "a"}}, 1000, 0);
  CHECK(out.rows() == 0); // channel 1 has sent nothing: it holds progress back
  CHECK(as_window(op).progress() == core::min_timestamp);
  feed(*op, out, {{5, "b"}}, 1000, 1);
  CHECK(out.rows() == 0);
  feed(*op, out, {{12, "b"}}, 1000, 1);
  CHECK(rows_text(out) == rows{"a 0 10 1", "b 0 10 1"});
  CHECK(as_window(op).progress() == micros(12));
  // A record behind channel 0's newest is on time while channel 1 lags.
  feed(*op, out, {{15, "a"}}, 1000, 1);
  finish(*op, out, 2);
  CHECK(rows_text(out) == rows{"a 0 10 1", "b 0 10 1", "b 10 20 1", "a 10 20 1", "a 20 30 1"});
  CHECK(out.rows(1) == 0);
}

TEST_CASE("an idle channel stops holding progress back until it sends again") {
  auto op = make_window("window.tumbling", tumbling({{"idle_timeout", "30s"}}), two_channels());
  CHECK(op->idle_timeout_us() == 30000000);
  recording_emitter out(2);
  feed(*op, out, {{1, "a"}, {12, "a"}}, 1000, 0);
  CHECK(out.rows() == 0);
  op->on_input_idle(0, 1, out);
  CHECK(rows_text(out) == rows{"a 0 10 1"});
  CHECK(out.watermarks.back() == micros(12));
  // Channel 1 wakes up behind: progress never goes back, so 3 s is late.
  feed(*op, out, {{3, "b"}, {25, "b"}}, 1000, 1);
  CHECK(rows_text(out, 1) == rows{"3 b 1"});
  feed(*op, out, {{30, "a"}}, 1000, 0);
  CHECK(rows_text(out) == rows{"a 0 10 1", "a 10 20 1"});
}

TEST_CASE("an ended channel no longer holds progress back") {
  auto op = make_window("window.tumbling", tumbling(), two_channels());
  recording_emitter out(2);
  feed(*op, out, {{1, "a"}, {12, "a"}}, 1000, 0);
  op->on_input_ended(0, 1, out);
  CHECK(rows_text(out) == rows{"a 0 10 1"});
  op->on_input_ended(0, 0, out); // all ended: every window completes
  CHECK(rows_text(out) == rows{"a 0 10 1", "a 10 20 1"});
  op->on_end_of_stream(out);
  CHECK(out.rows() == 2);
}

TEST_CASE("sessions also take progress as the minimum over channels") {
  auto op = make_window("window.session",
                        {{"gap", "5s"}, {"timestamp", "ts"}, {"aggregates", {{{"fn", "count"}}}}},
                        two_channels());
  recording_emitter out(2);
  feed(*op, out, {{1, "a"}, {20, "a"}}, 1000, 0);
  feed(*op, out, {{3, "a"}}, 1000, 1);
  CHECK(out.rows() == 0);
  op->on_input_idle(0, 1, out);
  CHECK(rows_text(out) == rows{"1 8 2"});
}
