// The TLS test: a CA and a server certificate made with openssl, mosquitto
// with a TLS listener, and both connectors over mqtts:// with ca_file.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <thread>

#include "../harness.hpp"
#include "broker.hpp"

using namespace sluice;
using namespace sluice::test;
using core::value_type;
using nlohmann::json;

namespace {

mosquitto_broker::options with_tls() {
  mosquitto_broker::options o;
  o.tls = true;
  return o;
}

} // namespace

TEST_CASE("source.mqtt and sink.mqtt talk to a TLS broker over mqtts:// with ca_file") {
  mosquitto_broker broker(with_tls());
  REQUIRE(broker.url().rfind("mqtts://", 0) == 0);
  auto schema = core::make_schema({{"device", value_type::string}, {"temp", value_type::float64}});

  core::operator_context src_ctx;
  src_ctx.node_id = "in";
  auto src = make_operator("source.mqtt",
                           json{{"url", broker.url()},
                                {"topic", "secure/#"},
                                {"ca_file", broker.ca_file()},
                                {"schema", {{"device", "string"}, {"temp", "double"}}}},
                           src_ctx);
  src->open();
  recording_emitter got;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (src_ctx.connector->read().up != 1 && std::chrono::steady_clock::now() < until) {
    src->poll(got, 100);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  INFO(src_ctx.connector->read().last_error);
  REQUIRE(src_ctx.connector->read().up == 1);

  core::operator_context sink_ctx;
  sink_ctx.node_id = "out";
  sink_ctx.inputs = {schema};
  auto sink = make_operator(
    "sink.mqtt",
    json{{"url", broker.url()}, {"topic", "secure/{device}"}, {"ca_file", broker.ca_file()}},
    sink_ctx);
  sink->open();
  recording_emitter none;
  sink->on_batch_from(0, 0, make_batch(schema, R"([["a", 1.5], ["b", 2.5]])"), none);
  sink->on_end_of_stream(none);
  CHECK(sink_ctx.connector->read().up == 1);
  sink->close();

  while (got.rows() < 2 && std::chrono::steady_clock::now() < until)
    if (src->poll(got, 100).what != core::poll_result::state::more)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(got.json_rows()
        == std::vector<std::string>{R"({"device":"a","temp":1.5,"topic":"secure/a"})",
                                    R"({"device":"b","temp":2.5,"topic":"secure/b"})"});
  src->close();
}

TEST_CASE("source.mqtt refuses a TLS broker whose certificate its ca_file did not sign") {
  mosquitto_broker broker(with_tls());
  temp_dir other;
  make_certificates(other.path()); // another CA
  core::operator_context ctx;
  ctx.node_id = "in";
  auto src = make_operator("source.mqtt",
                           json{{"url", broker.url()},
                                {"topic", "secure/#"},
                                {"ca_file", other.file("ca.crt")},
                                {"format", "raw"}},
                           ctx);
  src->open();
  recording_emitter out;
  std::string failure;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (failure.empty() && std::chrono::steady_clock::now() < until) {
    try {
      src->poll(out, 100);
    } catch (const std::exception& e) {
      failure = e.what();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  INFO(failure);
  CHECK(failure.find("mqtts://127.0.0.1:" + std::to_string(broker.port())) != std::string::npos);
  CHECK(ctx.connector->read().up != 1);
  src->close();
}

TEST_CASE("source.mqtt over mqtts:// without ca_file checks the broker against the system's CAs") {
  mosquitto_broker broker(with_tls()); // its CA is not one of the system's
  core::operator_context ctx;
  ctx.node_id = "in";
  auto src = make_operator(
    "source.mqtt", json{{"url", broker.url()}, {"topic", "secure/#"}, {"format", "raw"}}, ctx);
  src->open(); // TLS is set up: the system's CAs are there
  recording_emitter out;
  std::string failure;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (failure.empty() && std::chrono::steady_clock::now() < until) {
    try {
      src->poll(out, 100);
    } catch (const std::exception& e) {
      failure = e.what();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  INFO(failure);
  CHECK(failure.find("certificate verify failed") != std::string::npos);
  src->close();
}
