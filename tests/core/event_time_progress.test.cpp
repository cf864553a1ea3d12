#include <catch2/catch.hpp>

#include "sluice/core/event_time_progress.hpp"

using namespace sluice::core;

TEST_CASE("progress is the maximum event time seen minus the allowed disorder") {
  event_time_progress p({1}, 1, 5);
  CHECK(p.progress() == min_timestamp);
  CHECK(p.observe(0, 0, 100));
  CHECK(p.progress() == 95);
  CHECK_FALSE(p.observe(0, 0, 90)); // out of order: no change
  CHECK(p.progress() == 95);
}

TEST_CASE("with several channels progress waits for the slowest, and every channel must speak") {
  event_time_progress p({2}, 1, 0);
  p.observe(0, 0, 100);
  CHECK(p.progress() == min_timestamp); // channel 1 has said nothing
  p.observe(0, 1, 40);
  CHECK(p.progress() == 40);
  p.observe(0, 1, 200);
  CHECK(p.progress() == 100);
}

TEST_CASE("an ended or idle channel stops holding progress back; an idle one resumes on data") {
  event_time_progress p({1, 1}, 2, 0);
  p.observe(0, 0, 500);
  p.observe(1, 0, 10);
  CHECK(p.progress() == 10);
  CHECK(p.idle(1, 0));
  CHECK(p.progress() == 500);
  p.observe(1, 0, 20); // active again, but progress never goes back
  CHECK(p.progress() == 500);
  p.observe(1, 0, 900);
  p.observe(0, 0, 600);
  CHECK(p.progress() == 600);
  p.ended(0, 0);
  CHECK(p.progress() == 900);
  p.ended(1, 0);
  CHECK(p.all_ended());
  CHECK(p.progress() == max_timestamp);
}

TEST_CASE(
  "when every open channel is idle, progress follows the records seen, ended channels included") {
  event_time_progress p({2}, 1, 0);
  p.observe(0, 0, 1000);
  p.observe(0, 1, 5);
  p.ended(0, 0); // channel 0 finished early; channel 1 holds progress at 5
  CHECK(p.progress() == 5);
  CHECK(p.idle(0, 1));
  CHECK(p.progress() == 1000);
}
