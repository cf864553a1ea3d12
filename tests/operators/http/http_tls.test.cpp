#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "../harness.hpp"

using namespace sluice;
using namespace sluice::test;
using core::value_type;
using nlohmann::json;

namespace {

/// A self-signed certificate for 127.0.0.1, made with the openssl command.
struct certificate {
  temp_dir dir;
  std::string cert = dir.file("cert.pem"), key = dir.file("key.pem");
  certificate() {
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
                            " -addext subjectAltName=IP:127.0.0.1 -keyout "
                            + key + " -out " + cert + " 2>" + dir.file("openssl.log");
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
};

const core::schema_ptr numbers = core::make_schema({{"n", value_type::int64}});

core::operator_ptr sink_to(const std::string& url, json extra,
                           std::shared_ptr<core::connector_status> status) {
  json p = {{"url", url}, {"reconnect_backoff", "10ms"}, {"reconnect_backoff_max", "20ms"}};
  for (auto& [name, value] : extra.items()) p[name] = value;
  core::operator_context ctx;
  ctx.node_id = "out";
  ctx.inputs = {numbers};
  ctx.connector = std::move(status);
  return make_operator("sink.http", p, ctx);
}

} // namespace

TEST_CASE("sink.http sends over HTTPS to source.http serving a certificate made with openssl") {
  certificate tls;
  temp_dir dir;
  auto source = make_operator("source.http", {{"schema", {{"n", "int"}}},
                                              {"tls_cert", tls.cert},
                                              {"tls_key", tls.key},
                                              {"port_file", dir.file("port")}});
  source->open();
  std::string port = read_text(dir.file("port"));
  port.pop_back(); // the newline
  const std::string base = "https://127.0.0.1:" + port + "/";

  auto batch = make_batch(numbers, "[[1], [2], [3]]");
  SECTION("trusting the certificate, every record arrives") {
    auto status = std::make_shared<core::connector_status>();
    auto sink = sink_to(base, {{"tls_ca", tls.cert}}, status);
    sink->open();
    recording_emitter sent;
    sink->on_batch_from(0, 0, batch, sent);
    CHECK(sent.errors.empty());
    recording_emitter got;
    while (source->poll(got, 1000).what == core::poll_result::state::more) {}
    CHECK(got.json_rows() == std::vector<std::string>{R"({"n":1})", R"({"n":2})", R"({"n":3})"});
  }
  SECTION("without trusting it, the records go to errors at once: retrying cannot help") {
    auto status = std::make_shared<core::connector_status>();
    auto sink = sink_to(base, {{"retries", 0}}, status);
    sink->open();
    recording_emitter sent;
    sink->on_batch_from(0, 0, batch, sent);
    REQUIRE(sent.errors.size() == 3);
    CHECK_THAT(sent.errors[0].reason, Catch::Contains("certificate is not trusted"));
    CHECK(status->read().up == 0);
    recording_emitter got;
    source->poll(got, 1000);
    CHECK(got.rows() == 0);
  }
  source->close();
}

TEST_CASE("source.http refuses to open with a key that is not its certificate's") {
  certificate tls;
  auto source = make_operator(
    "source.http", {{"schema", {{"n", "int"}}}, {"tls_cert", tls.cert}, {"tls_key", tls.cert}});
  try {
    source->open();
    FAIL("opened");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("tls_cert"));
  }
}
