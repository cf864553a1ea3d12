#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "../harness.hpp"
#include "sluice/core/state.hpp"
#include "test_server.hpp"

using namespace sluice;
using namespace sluice::test;
using core::value_type;
using nlohmann::json;

namespace {

const core::schema_ptr readings = core::make_schema(
  {{"device", value_type::string}, {"temp", value_type::float64}, {"n", value_type::int64}});

core::batch_ptr rows(int from, int to) {
  core::batch_builder b(readings);
  for (int i = from; i < to; ++i) {
    b.column_at(0).append_string("d" + std::to_string(i % 3));
    b.column_at(1).append_double(20.5);
    b.column_at(2).append_int(i);
  }
  return b.finish();
}

struct sink_under_test {
  std::shared_ptr<core::connector_status> status = std::make_shared<core::connector_status>();
  core::operator_ptr op;
  recording_emitter out;

  sink_under_test(const std::string& url, json extra = json::object(), bool checkpoints = false) {
    json p = {{"url", url}, {"reconnect_backoff", "10ms"}, {"reconnect_backoff_max", "50ms"}};
    for (auto& [name, value] : extra.items()) p[name] = value;
    core::operator_context ctx;
    ctx.node_id = "to_http";
    ctx.inputs = {readings};
    ctx.checkpoints = checkpoints;
    ctx.connector = status;
    op = make_operator("sink.http", p, ctx);
  }
  void send(const core::batch_ptr& b) { op->on_batch_from(0, 0, b, out); }
};

std::vector<std::string> bodies(const test_server& s) {
  std::vector<std::string> out;
  for (const auto& r : s.requests()) out.push_back(r.body);
  return out;
}

} // namespace

TEST_CASE("sink.http posts the records as JSON arrays of at most `batch` records") {
  test_server server;
  sink_under_test sink(server.url(), {{"batch", 2}});
  sink.op->open();
  sink.send(rows(0, 3));
  sink.send(rows(3, 5));
  sink.op->on_end_of_stream(sink.out);
  sink.op->close();
  const auto got = server.requests();
  REQUIRE(got.size() == 3); // 2 + 1, then 2: nothing is held across input batches
  CHECK(got[0].method == "POST");
  CHECK(got[0].path == "/in");
  CHECK(got[0].header("Content-Type") == "application/json");
  CHECK(got[0].header("Idempotency-Key").empty());
  CHECK(got[0].body == R"([{"device":"d0","temp":20.5,"n":0},{"device":"d1","temp":20.5,"n":1}])");
  CHECK(got[1].body == R"([{"device":"d2","temp":20.5,"n":2}])");
  CHECK(got[2].body == R"([{"device":"d0","temp":20.5,"n":3},{"device":"d1","temp":20.5,"n":4}])");
  CHECK(sink.out.errors.empty());
  CHECK(sink.status->read().up == 1);
}

TEST_CASE("sink.http renders a body template per record, one record a line, with PUT") {
  test_server server;
  sink_under_test sink(server.url("/devices?x=1"),
                       {{"method", "PUT"}, {"body", "{{\"id\": \"{device}\", \"t\": {temp}}}"}});
  sink.op->open();
  sink.send(rows(0, 2));
  const auto got = server.requests();
  REQUIRE(got.size() == 1);
  CHECK(got[0].method == "PUT");
  CHECK(got[0].path == "/devices");
  CHECK(got[0].header("Content-Type") == "application/x-ndjson");
  CHECK(got[0].body == "{\"id\": \"d0\", \"t\": 20.5}\n{\"id\": \"d1\", \"t\": 20.5}");
}

TEST_CASE("sink.http sends its headers, reading secret values from the environment, and the "
          "bearer token") {
  ::setenv("SLUICE_TEST_HTTP_KEY", "k-123", 1);
  ::setenv("SLUICE_TEST_HTTP_TOKEN", "t-456", 1);
  test_server server;
  sink_under_test sink(
    server.url(),
    {{"headers", {{"X-Api-Key", {{"env", "SLUICE_TEST_HTTP_KEY"}}}, {"X-Source", "sluice"}}},
     {"token", {{"env", "SLUICE_TEST_HTTP_TOKEN"}}}});
  sink.op->open();
  sink.send(rows(0, 1));
  const auto got = server.requests();
  REQUIRE(got.size() == 1);
  CHECK(got[0].header("X-Api-Key") == "k-123");
  CHECK(got[0].header("X-Source") == "sluice");
  CHECK(got[0].header("Authorization") == "Bearer t-456");
  SECTION("an unset variable fails open, naming the header") {
    sink_under_test bad(server.url(),
                        {{"headers", {{"X-Api-Key", {{"env", "SLUICE_NO_SUCH_VAR"}}}}}});
    try {
      bad.op->open();
      FAIL("open succeeded");
    } catch (const core::param_error& e) {
      CHECK(e.param() == "headers");
      CHECK_THAT(e.what(), Catch::Contains("X-Api-Key"));
    }
  }
}

TEST_CASE("sink.http retries 5xx and 429 (honouring Retry-After) until the peer takes the "
          "request") {
  std::atomic<int> calls{0};
  test_server server([&](const httplib::Request&, httplib::Response& res) {
    const int n = ++calls;
    if (n == 1) res.status = 503;
    else if (n == 2) {
      res.status = 429;
      res.set_header("Retry-After", "1");
    }
  });
  sink_under_test sink(server.url());
  sink.op->open();
  sink.send(rows(0, 3));
  const auto got = bodies(server);
  REQUIRE(got.size() == 3);
  CHECK(got[0] == got[2]);
  CHECK(sink.out.errors.empty());
  const auto status = sink.status->read();
  CHECK(status.up == 1);
  CHECK_THAT(status.last_error, Catch::Contains("answered 429"));
}

TEST_CASE("sink.http does not retry a 4xx other than 408 and 429: the records go to errors with "
          "the status") {
  test_server server([](const httplib::Request&, httplib::Response& res) {
    res.status = 400;
    res.set_content("field temp is not allowed", "text/plain");
  });
  sink_under_test sink(server.url());
  sink.op->open();
  sink.send(rows(0, 2));
  CHECK(server.requests().size() == 1);
  REQUIRE(sink.out.errors.size() == 2);
  CHECK_THAT(sink.out.errors[0].reason, Catch::Contains("answered 400"));
  CHECK_THAT(sink.out.errors[0].reason, Catch::Contains("field temp is not allowed"));
  CHECK(sink.out.errors[1].record == R"({"device":"d1","temp":20.5,"n":1})");
}

TEST_CASE("sink.http sends a request that still fails after `retries` attempts to errors") {
  test_server server([](const httplib::Request&, httplib::Response& res) { res.status = 500; });
  sink_under_test sink(server.url(), {{"retries", 3}});
  sink.op->open();
  sink.send(rows(0, 2));
  CHECK(server.requests().size() == 3);
  REQUIRE(sink.out.errors.size() == 2);
  CHECK_THAT(sink.out.errors[0].reason, Catch::Contains("gave up after 3 attempts"));
  SECTION("and a peer that is not there at all, too, with the link reported down") {
    const std::string url = server.url();
    server.stop();
    sink_under_test gone(url, {{"retries", 2}});
    gone.op->open();
    gone.send(rows(0, 1));
    REQUIRE(gone.out.errors.size() == 1);
    const auto status = gone.status->read();
    CHECK(status.up == 0);
    CHECK_THAT(status.last_error, Catch::Contains(url));
  }
}

TEST_CASE("sink.http waits in on_batch while the peer is down and delivers when it is back") {
  test_server server;
  const std::string url = server.url();
  server.stop();
  sink_under_test sink(url, {{"retries", 0}});
  sink.op->open();
  std::thread later([&] {
    // The sink is retrying by now, or will be: either way it must wait.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    server.start();
  });
  sink.send(rows(0, 4)); // returns once delivered
  later.join();
  CHECK(bodies(server).size() == 1);
  CHECK(sink.out.errors.empty());
  const auto status = sink.status->read();
  CHECK(status.up == 1);
  CHECK(status.reconnects == 1);
  CHECK_THAT(status.last_error, Catch::Contains(url));
}

TEST_CASE("sink.http with checkpoints sends records once their checkpoint completes, with "
          "idempotency keys, and sends them again after a restore") {
  test_server server;
  sink_under_test sink(server.url(), {{"batch", 2}}, true);
  sink.op->open();
  sink.send(rows(0, 3));
  CHECK(server.requests().empty());
  sink.op->prepare_checkpoint(1);
  sink.send(rows(3, 4));
  sink.op->prepare_checkpoint(2);
  const std::string state = core::snapshot_state(*sink.op, "sink.http");
  CHECK(server.requests().empty());
  sink.op->checkpoint_complete(1);
  auto got = server.requests();
  REQUIRE(got.size() == 2);
  CHECK(got[0].header("Idempotency-Key") == "to_http-0-1-1");
  CHECK(got[1].header("Idempotency-Key") == "to_http-0-1-2");
  CHECK(got[1].body == R"([{"device":"d2","temp":20.5,"n":2}])");
  sink.op->checkpoint_complete(2);
  got = server.requests();
  REQUIRE(got.size() == 3);
  CHECK(got[2].header("Idempotency-Key") == "to_http-0-2-1");
  sink.send(rows(4, 5));
  sink.op->on_end_of_stream(sink.out);
  got = server.requests();
  REQUIRE(got.size() == 4);
  CHECK_THAT(got[3].header("Idempotency-Key"), Catch::Matches("to_http-0-final-[0-9]+-1"));
  CHECK(got[3].body == R"([{"device":"d1","temp":20.5,"n":4}])");
  sink.op->close();

  // A run resumed from checkpoint 2 (taken before 1 and 2 completed)
  // sends both again, request for request, with the same keys.
  server.clear();
  sink_under_test resumed(server.url(), {{"batch", 2}}, true);
  core::restore_state(*resumed.op, "sink.http", state);
  resumed.op->open();
  got = server.requests();
  REQUIRE(got.size() == 3);
  CHECK(got[0].header("Idempotency-Key") == "to_http-0-1-1");
  CHECK(got[1].header("Idempotency-Key") == "to_http-0-1-2");
  CHECK(got[2].header("Idempotency-Key") == "to_http-0-2-1");
  CHECK(got[2].body == R"([{"device":"d0","temp":20.5,"n":3}])");
}

TEST_CASE("sink.http refuses bad params at bind, naming the param") {
  auto param_of = [](json extra) -> std::string {
    json p = {{"url", "http://127.0.0.1:8080/in"}};
    for (auto& [name, value] : extra.items()) p[name] = value;
    auto e = param_error_of("sink.http", p, readings);
    return e ? e->param() : "";
  };
  CHECK(param_of(json::object()).empty());
  CHECK(param_of({{"url", "ftp://host/x"}}) == "url");
  CHECK(param_of({{"url", "http://:80/x"}}) == "url");
  CHECK(param_of({{"url", "http://host:0/x"}}) == "url");
  CHECK(param_of({{"method", "DELETE"}}) == "method");
  CHECK(param_of({{"headers", json::array()}}) == "headers");
  CHECK(param_of({{"headers", {{"X-A", 5}}}}) == "headers");
  CHECK(param_of({{"headers", {{"Bad Name", "v"}}}}) == "headers");
  CHECK(param_of({{"batch", 0}}) == "batch");
  CHECK(param_of({{"body", "{nope}"}}) == "body");
  CHECK(param_of({{"body", "{device"}}) == "body");
  CHECK(param_of({{"retries", -1}}) == "retries");
  CHECK(param_of({{"timeout", "soon"}}) == "timeout");
  CHECK(param_of({{"tls_ca", "/ca.pem"}}) == "tls_ca");
  CHECK(param_of({{"token", {{"nope", "X"}}}}) == "token");
}

TEST_CASE("sink.http fails the run when the peer refuses its credentials, showing a URL's "
          "password as ****") {
  for (int refusal : {401, 403}) {
    test_server server([refusal](const httplib::Request& req, httplib::Response& res) {
      res.status = req.get_header_value("Authorization").rfind("Basic ", 0) == 0 ? refusal : 500;
    });
    sink_under_test sink("http://user:hunter2@127.0.0.1:" + std::to_string(server.port()) + "/in");
    sink.op->open();
    try {
      sink.send(rows(0, 1));
      FAIL("a refused login did not fail the run");
    } catch (const std::runtime_error& e) {
      const std::string what = e.what();
      CHECK_THAT(what, Catch::Contains("answered " + std::to_string(refusal)));
      CHECK_THAT(what, Catch::Contains("user:****@127.0.0.1"));
      CHECK_THAT(what, !Catch::Contains("hunter2"));
    }
    CHECK(sink.out.errors.empty()); // not dead letters
  }
}
