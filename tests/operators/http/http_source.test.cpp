#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <httplib.h>

#include "../harness.hpp"
#include "sluice/core/state.hpp"

using namespace sluice;
using namespace sluice::test;
using nlohmann::json;

namespace {

/// A source.http instance, opened, listening on a free port of 127.0.0.1,
/// and a client for it.
struct running_source {
  temp_dir dir;
  core::operator_ptr op;
  std::shared_ptr<core::connector_status> status = std::make_shared<core::connector_status>();
  int port = 0;

  explicit running_source(json params) {
    params["port_file"] = dir.file("port");
    if (!params.contains("schema") && params.value("format", "json") != "raw")
      params["schema"] = {{"n", "int"}, {"name", "string"}};
    core::operator_context ctx;
    ctx.node_id = "in";
    ctx.connector = status;
    op = make_operator("source.http", params, ctx);
    op->open();
    port = std::stoi(read_text(dir.file("port")));
  }
  ~running_source() { op->close(); }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(std::chrono::seconds(10));
    return c;
  }

  httplib::Result post(const std::string& body, const std::string& type = "application/json",
                       const std::string& path = "/") const {
    return client().Post(path.c_str(), body, type.c_str());
  }

  /// Polls until the queue is empty.
  void drain(recording_emitter& out) {
    while (op->poll(out, 100000).what == core::poll_result::state::more) {}
  }
};

} // namespace

TEST_CASE("source.http takes a JSON array and JSON lines POSTed to its path, in order") {
  running_source src(json{{"path", "/in"}});
  auto a = src.post(R"([{"n": 1, "name": "a"}, {"n": 2, "name": "b"}])", "application/json", "/in");
  REQUIRE(a);
  CHECK(a->status == 200);
  CHECK(json::parse(a->body)["accepted"] == 2);
  auto b = src.post("{\"n\": 3, \"name\": \"c\"}\n\n{\"n\": 4, \"name\": \"d\"}\n",
                    "application/x-ndjson", "/in");
  REQUIRE(b);
  CHECK(b->status == 200);
  recording_emitter out;
  src.drain(out);
  CHECK(out.json_rows()
        == std::vector<std::string>{R"({"n":1,"name":"a"})", R"({"n":2,"name":"b"})",
                                    R"({"n":3,"name":"c"})", R"({"n":4,"name":"d"})"});
  CHECK(out.errors.empty());
  CHECK(src.status->read().up == 1);
  SECTION("another path is not found") {
    auto c = src.post(R"([{"n": 5, "name": "e"}])", "application/json", "/other");
    REQUIRE(c);
    CHECK(c->status == 404);
  }
}

TEST_CASE("source.http reads CSV lines in the schema's order, and raw lines as 'value'") {
  SECTION("csv") {
    running_source src(json{{"format", "csv"}});
    auto r = src.post("1,a\r\n2,\"b, c\"\n", "text/csv");
    REQUIRE(r);
    CHECK(r->status == 200);
    recording_emitter out;
    src.drain(out);
    CHECK(out.json_rows()
          == std::vector<std::string>{R"({"n":1,"name":"a"})", R"({"n":2,"name":"b, c"})"});
  }
  SECTION("raw") {
    running_source src(json{{"format", "raw"}});
    auto r = src.post("first line\nsecond {not json}\n", "text/plain");
    REQUIRE(r);
    CHECK(r->status == 200);
    recording_emitter out;
    src.drain(out);
    CHECK(
      out.json_rows()
      == std::vector<std::string>{R"({"value":"first line"})", R"({"value":"second {not json}"})"});
  }
}

TEST_CASE("source.http refuses a body that does not parse with 400 naming the line or element, "
          "and takes nothing of it") {
  running_source src(json::object());
  auto lines =
    src.post("{\"n\": 1, \"name\": \"a\"}\n{\"n\": 2, \"name\": }\n", "application/x-ndjson");
  REQUIRE(lines);
  CHECK(lines->status == 400);
  CHECK_THAT(lines->body, Catch::Contains("line 2: not valid JSON"));
  auto array = src.post(R"([{"n": 1, "name": "a"}, {"n": 2, "name": "b"}, {"n": 3 "name": "c"}])");
  REQUIRE(array);
  CHECK(array->status == 400);
  CHECK_THAT(array->body, Catch::Contains("element 3: not valid JSON"));
  auto unclosed = src.post(R"([{"n": 1, "name": "a"})");
  REQUIRE(unclosed);
  CHECK(unclosed->status == 400);
  CHECK_THAT(unclosed->body, Catch::Contains("element 1: the array is not closed"));
  auto form = src.post("n=1", "application/x-www-form-urlencoded");
  REQUIRE(form);
  CHECK(form->status == 415);
  recording_emitter out;
  src.drain(out);
  CHECK(out.rows() == 0);
  CHECK(out.errors.empty());
}

TEST_CASE("source.http sends records that do not fit the schema to errors, naming the request "
          "and the line") {
  running_source src(json::object());
  REQUIRE(src.post(R"([{"n": 0, "name": "first request"}])")->status == 200);
  auto r = src.post("{\"n\": 1, \"name\": \"a\"}\n{\"n\": \"two\", \"name\": \"b\"}\n{\"n\": 3, "
                    "\"name\": \"c\"}",
                    "application/x-ndjson");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(json::parse(r->body)["accepted"] == 2);
  CHECK(json::parse(r->body)["rejected"] == 1);
  recording_emitter out;
  src.drain(out);
  CHECK(out.rows() == 3);
  REQUIRE(out.errors.size() == 1);
  CHECK_THAT(out.errors[0].reason, Catch::StartsWith("request 2 line 2: "));
  CHECK_THAT(out.errors[0].record, Catch::Contains("\"request\":2"));
  CHECK_THAT(out.errors[0].record, Catch::Contains("\"line\":2"));
  CHECK_THAT(out.errors[0].record, Catch::Contains("two"));
}

TEST_CASE("source.http answers 429 with Retry-After while max_pending records wait, and takes "
          "the request again once the pipeline drained") {
  running_source src(json{{"max_pending", 5}, {"retry_after", "2s"}});
  auto four = R"([{"n": 1, "name": "a"}, {"n": 2, "name": "b"}, {"n": 3, "name": "c"},
                  {"n": 4, "name": "d"}])";
  auto two = R"([{"n": 5, "name": "e"}, {"n": 6, "name": "f"}])";
  REQUIRE(src.post(four)->status == 200);
  auto full = src.post(two);
  REQUIRE(full);
  CHECK(full->status == 429);
  CHECK(full->get_header_value("Retry-After") == "2");
  auto health = src.client().Get("/");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(json::parse(health->body)["pending"] == 4);
  CHECK(json::parse(health->body)["max_pending"] == 5);
  recording_emitter out;
  src.drain(out);
  CHECK(out.rows() == 4);
  REQUIRE(src.post(two)->status == 200);
  src.drain(out);
  CHECK(out.rows() == 6);
  SECTION("a request larger than max_pending can never fit: 413") {
    auto six = src.post(
      R"([{"n":1,"name":""},{"n":2,"name":""},{"n":3,"name":""},{"n":4,"name":""},{"n":5,"name":""},{"n":6,"name":""}])");
    REQUIRE(six);
    CHECK(six->status == 413);
  }
}

TEST_CASE("source.http emits no more than a poll's budget: a large request goes out in slices") {
  running_source src(json::object());
  std::string body = "[";
  for (int i = 0; i < 10; ++i)
    body += (i ? "," : "") + std::string("{\"n\": ") + std::to_string(i) + ", \"name\": \"x\"}";
  REQUIRE(src.post(body + "]")->status == 200);
  REQUIRE(src.post(R"([{"n": 10, "name": "y"}])")->status == 200);
  recording_emitter out;
  CHECK(src.op->poll(out, 4).what == core::poll_result::state::more);
  CHECK(out.rows() == 4);
  CHECK(src.op->poll(out, 4).what == core::poll_result::state::more);
  CHECK(out.rows() == 8);
  src.op->poll(out, 4); // the last 2 of the first request, then the second
  CHECK(out.rows() == 11);
  CHECK(json::parse(out.json_rows()[10])["n"] == 10);
  CHECK(src.op->poll(out, 4).what == core::poll_result::state::wait);
}

TEST_CASE("source.http with a token answers 401 to a request without the bearer token") {
  ::setenv("SLUICE_TEST_HTTP_TOKEN", "s3cret", 1);
  running_source src(json{{"token", {{"env", "SLUICE_TEST_HTTP_TOKEN"}}}});
  auto none = src.post(R"([{"n": 1, "name": "a"}])");
  REQUIRE(none);
  CHECK(none->status == 401);
  CHECK(none->get_header_value("WWW-Authenticate") == "Bearer");
  auto c = src.client();
  c.set_bearer_token_auth("wrong");
  CHECK(c.Post("/", R"([{"n": 1, "name": "a"}])", "application/json")->status == 401);
  CHECK(c.Get("/")->status == 401);
  c.set_bearer_token_auth("s3cret");
  CHECK(c.Post("/", R"([{"n": 1, "name": "a"}])", "application/json")->status == 200);
  CHECK(c.Get("/")->status == 200);
  recording_emitter out;
  src.drain(out);
  CHECK(out.rows() == 1);
}

TEST_CASE("source.http adds the request metadata asked for") {
  running_source src(json{{"metadata", {"request", "line", "received", "remote"}}});
  REQUIRE(
    src.post("{\"n\": 1, \"name\": \"a\"}\n\n{\"n\": 2, \"name\": \"b\"}", "application/x-ndjson")
      ->status
    == 200);
  recording_emitter out;
  src.drain(out);
  REQUIRE(out.rows() == 2);
  auto second = json::parse(out.json_rows()[1]);
  CHECK(second["request"] == 1);
  CHECK(second["line"] == 3);
  CHECK(second["remote"] == "127.0.0.1");
  CHECK(second["received"].is_string()); // an ISO-8601 timestamp
  const auto& schema = out.batches[0][0]->fields();
  REQUIRE(schema.size() == 6);
  CHECK(schema.at(2).name == "request");
  CHECK(schema.at(4).type == core::value_type::timestamp);
  CHECK(schema.at(5).type == core::value_type::string);
}

TEST_CASE("source.http without checkpoints keeps nothing on disk, and checkpoint calls change "
          "nothing") {
  running_source src(json::object());
  src.op->prepare_checkpoint(1);
  src.op->checkpoint_complete(1);
  REQUIRE(src.post(R"([{"n": 1, "name": "a"}])")->status == 200);
  recording_emitter out;
  src.drain(out);
  CHECK(out.rows() == 1);
  CHECK(!std::filesystem::exists(src.dir.file("spool")));
}

TEST_CASE("source.http with checkpoints replays, after a crash, what it answered 200 and had not "
          "emitted at the checkpoint, resuming inside a request") {
  temp_dir dir;
  const json params = {{"schema", {{"n", "int"}, {"name", "string"}}},
                       {"metadata", {"request"}},
                       {"port_file", dir.file("port")}};
  core::operator_context ctx;
  ctx.node_id = "in";
  ctx.checkpoints = true;
  ctx.spool_dir = dir.file("spool");
  std::string state;
  {
    auto op = make_operator("source.http", params, ctx);
    op->open();
    httplib::Client client("127.0.0.1", std::stoi(read_text(dir.file("port"))));
    for (const char* body :
         {R"([{"n": 1, "name": "a"}, {"n": 2, "name": "b"}])",
          R"([{"n": 3, "name": "c"}, {"n": "x", "name": "bad"}])", R"([{"n": 5, "name": "e"}])"}) {
      auto res = client.Post("/", body, "application/json");
      REQUIRE(res);
      REQUIRE(res->status == 200);
    }
    recording_emitter out;
    op->poll(out, 1); // n = 1: the first request is in progress
    REQUIRE(out.rows() == 1);
    op->prepare_checkpoint(1);
    state = core::snapshot_state(*op, "source.http");
    while (op->poll(out, 100).what == core::poll_result::state::more) {}
    CHECK(out.rows() == 4);
    // The process dies here: no checkpoint after 1 completes.
  }
  auto op = make_operator("source.http", params, ctx);
  core::restore_state(*op, "source.http", state);
  op->open();
  recording_emitter out;
  while (op->poll(out, 100).what == core::poll_result::state::more) {}
  CHECK(out.json_rows()
        == std::vector<std::string>{R"({"n":2,"name":"b","request":1})",
                                    R"({"n":3,"name":"c","request":2})",
                                    R"({"n":5,"name":"e","request":3})"});
  REQUIRE(out.errors.size() == 1); // the bad record of request 2, reported again
  CHECK_THAT(out.errors[0].reason, Catch::Contains("request 2 element 2"));
  // New requests are numbered after the spooled ones.
  httplib::Client client("127.0.0.1", std::stoi(read_text(dir.file("port"))));
  auto res = client.Post("/", R"([{"n": 6, "name": "f"}])", "application/json");
  REQUIRE(res);
  CHECK(nlohmann::json::parse(res->body)["request"] == 4);
}

TEST_CASE("source.http refuses bad params at bind, naming the param") {
  const json schema = {{"n", "int"}};
  auto param_of = [&](json p, std::size_t parallelism = 1) -> std::string {
    if (!p.contains("schema")) p["schema"] = schema;
    try {
      core::bind_context ctx;
      ctx.parallelism = parallelism;
      bind_operator("source.http", p, ctx);
    } catch (const core::param_error& e) {
      return e.param();
    }
    return "";
  };
  CHECK(param_of(json::object()).empty());
  CHECK(param_of({{"listen", "localhost"}}) == "listen");
  CHECK(param_of({{"listen", "127.0.0.1:99999"}}) == "listen");
  CHECK(param_of({{"path", "in"}}) == "path");
  CHECK(param_of({{"path", "/in?x=1"}}) == "path");
  CHECK(param_of({{"path", "/v1.0/(in)"}}).empty()); // matched as it is, not as a regex
  CHECK(param_of({{"format", "xml"}}) == "format");
  CHECK(param_of({{"format", "raw"}}) == "schema"); // raw has its own one-field schema
  CHECK(param_of({{"metadata", {"headers"}}}) == "metadata");
  CHECK(param_of({{"max_pending", 0}}) == "max_pending");
  CHECK(param_of({{"tls_cert", "/nonexistent.pem"}}) == "tls_key");
  CHECK(param_of(json::object(), 2) == "parallelism");
}
