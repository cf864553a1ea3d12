#include <catch2/catch.hpp>

#include "sluice/core/connector_status.hpp"

using sluice::core::connector_status;

TEST_CASE("A connector's status is unknown until it reports, and counts the times it came back") {
  connector_status s;
  CHECK(s.read().up == -1);
  s.connected();
  CHECK(s.read().up == 1);
  CHECK(s.read().reconnects == 0);
  s.disconnected("connection refused");
  auto down = s.read();
  CHECK(down.up == 0);
  CHECK(down.last_error == "connection refused");
  CHECK(down.last_error_unix_ns > 0);
  s.connected();
  s.connected();
  CHECK(s.read().reconnects == 1);
  s.error("a write was refused");
  CHECK(s.read().up == 1);
  CHECK(s.read().last_error == "a write was refused");
}
