#include <catch2/catch.hpp>

#include "sluice/ops/sink/file_sink.hpp"

using sluice::ops::sink::instance_path;

TEST_CASE("a file sink instance alone writes its path as given") {
  CHECK(instance_path("out/events.jsonl", 0, 1) == "out/events.jsonl");
}

TEST_CASE("file sink instances of a parallel node insert their number before the extension") {
  CHECK(instance_path("out/events.jsonl", 0, 4) == "out/events-0.jsonl");
  CHECK(instance_path("out/events.jsonl", 3, 4) == "out/events-3.jsonl");
  CHECK(instance_path("events.csv", 1, 2) == "events-1.csv");
  CHECK(instance_path("/tmp/x/events", 2, 3) == "/tmp/x/events-2");
  CHECK(instance_path("out/archive.tar.gz", 1, 2) == "out/archive.tar-1.gz");
}
