// sink.email against a real SMTP server (aiosmtpd, smtp_server.hpp):
// plain, STARTTLS and implicit TLS with a login, refusals, an outage, the
// rate limit and header injection.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "../harness.hpp"
#include "smtp_server.hpp"

using namespace sluice;
using namespace sluice::test;
using core::value_type;
using nlohmann::json;

namespace {

const core::schema_ptr incidents = core::make_schema({{"status", value_type::string},
                                                      {"device", value_type::string},
                                                      {"owner", value_type::string},
                                                      {"at", value_type::timestamp},
                                                      {"message", value_type::string}});

core::batch_ptr incident_rows(const std::string& json_rows) {
  return make_batch(incidents, json_rows);
}

/// `n` incidents of device d0..d<n-1>, owned by "ops".
core::batch_ptr numbered(int n) {
  std::string rows = "[";
  for (int i = 0; i < n; ++i)
    rows += std::string(i ? "," : "") + R"(["firing", "d)" + std::to_string(i)
            + R"(", "ops", "2026-12-08T00:20:00Z", "hot"])";
  return incident_rows(rows + "]");
}

struct sink_under_test {
  std::shared_ptr<core::connector_status> status = std::make_shared<core::connector_status>();
  core::operator_ptr op;
  recording_emitter out;

  sink_under_test(const std::string& server, json extra = json::object()) {
    json p = {{"server", server},
              {"tls", "none"},
              {"from", "Sluice <alerts@example.com>"},
              {"to", "{owner}@example.com"},
              {"subject", "[{status}] {device}"},
              {"reconnect_backoff", "20ms"},
              {"reconnect_backoff_max", "100ms"},
              {"timeout", "10s"}};
    for (auto& [name, value] : extra.items()) p[name] = value;
    core::operator_context ctx;
    ctx.node_id = "mail";
    ctx.inputs = {incidents};
    ctx.connector = status;
    op = make_operator("sink.email", p, ctx);
  }
  void send(const core::batch_ptr& b) { op->on_batch_from(0, 0, b, out); }
};

std::string subjects(const std::vector<received_mail>& mails) {
  std::string s;
  for (const auto& m : mails) s += m.header("Subject") + ";";
  return s;
}

} // namespace

TEST_CASE("sink.email sends one message per record with its headers and the templated "
          "recipients, subject and body") {
  smtp_server server;
  sink_under_test sink(server.address(),
                       {{"to", "{owner}@example.com, Night Shift <night@example.com>"},
                        {"body", "{device}: {message}\nsince {at:%Y-%m-%d %H:%M}\n.\n..dots"}});
  sink.op->open();
  sink.send(incident_rows(R"([["firing", "d1", "ana", "2026-12-08T00:20:00Z", "too hot"],
                              ["resolved", "d2", "bo", "2026-12-08T00:25:00Z", "ok"]])"));
  sink.op->on_end_of_stream(sink.out);
  sink.op->close();
  const auto got = server.wait_for(2);
  REQUIRE(got.size() == 2);
  CHECK(sink.out.errors.empty());
  CHECK(got[0].mail_from == "alerts@example.com");
  CHECK(got[0].rcpt_tos == std::vector<std::string>{"ana@example.com", "night@example.com"});
  CHECK(got[1].rcpt_tos == std::vector<std::string>{"bo@example.com", "night@example.com"});
  CHECK(got[0].header("Subject") == "[firing] d1");
  CHECK(got[1].header("Subject") == "[resolved] d2");
  CHECK(got[0].header("From") == "\"Sluice\" <alerts@example.com>");
  CHECK(got[0].header("To") == "ana@example.com, \"Night Shift\" <night@example.com>");
  CHECK(got[0].header("MIME-Version") == "1.0");
  CHECK(got[0].header("Content-Type") == "text/plain; charset=utf-8");
  CHECK_THAT(got[0].header("Date"), Catch::EndsWith("+0000"));
  CHECK_THAT(got[0].header("Message-ID"),
             Catch::StartsWith("<") && Catch::EndsWith("@example.com>"));
  CHECK(got[0].header("Message-ID") != got[1].header("Message-ID"));
  // The server undoes the dot-stuffing: the lines arrive as they were.
  CHECK(got[0].body() == "d1: too hot\r\nsince 2026-12-08 00:20\r\n.\r\n..dots\r\n");
  CHECK(sink.status->read().up == 1);
}

TEST_CASE("sink.email without a body template writes one field a line, and encodes a "
          "non-ASCII subject") {
  smtp_server server;
  sink_under_test sink(server.address(), {{"subject", "Alerte: {message}"}});
  sink.op->open();
  sink.send(
    incident_rows(R"([["firing", "d1", "ana", "2026-12-08T00:20:00Z", "température élevée"]])"));
  const auto got = server.wait_for(1);
  REQUIRE(got.size() == 1);
  CHECK_THAT(got[0].header("Subject"), Catch::StartsWith("=?UTF-8?B?"));
  CHECK(got[0].body()
        == "status: firing\r\ndevice: d1\r\nowner: ana\r\nat: 2026-12-08T00:20:00.000Z\r\n"
           "message: température élevée\r\n");
}

TEST_CASE("sink.email refuses a record whose subject or recipient would inject a header, and "
          "sends the others") {
  smtp_server server;
  sink_under_test sink(server.address(), {{"subject", "{message}"}});
  sink.op->open();
  sink.send(incident_rows(R"([
    ["firing", "d1", "ana", "2026-12-08T00:20:00Z", "hi\r\nBcc: spy@evil.example"],
    ["firing", "d2", "ana\nBcc: spy@evil.example\nX", "2026-12-08T00:20:00Z", "hi"],
    ["firing", "d3", "ana", "2026-12-08T00:20:00Z", "fine"],
    ["firing", "d4", "", "2026-12-08T00:20:00Z", "no owner"]])"));
  REQUIRE(sink.out.errors.size() == 3);
  CHECK(sink.out.errors[0].row == 0);
  CHECK_THAT(sink.out.errors[0].reason, Catch::Contains("subject holds a line break"));
  CHECK(sink.out.errors[1].row == 1);
  CHECK_THAT(sink.out.errors[1].reason, Catch::Contains("to holds a line break"));
  CHECK(sink.out.errors[2].row == 3);
  CHECK_THAT(sink.out.errors[2].reason, Catch::Contains("is not an address"));
  const auto got = server.wait_for(1);
  REQUIRE(got.size() == 1);
  CHECK(got[0].header("Subject") == "fine");
  CHECK(got[0].header_count("Bcc") == 0);
  CHECK(got[0].rcpt_tos == std::vector<std::string>{"ana@example.com"});
}

TEST_CASE("sink.email sends a message the server refuses for good to errors with its reply, "
          "and one it keeps deferring after the last retry") {
  smtp_server server;
  sink_under_test sink(server.address(), {{"retries", 3}});
  sink.op->open();
  sink.send(incident_rows(R"([["firing", "d1", "bad-user", "2026-12-08T00:20:00Z", "x"],
                              ["firing", "d2", "busy-user", "2026-12-08T00:20:00Z", "x"],
                              ["firing", "d3", "ana", "2026-12-08T00:20:00Z", "x"]])"));
  REQUIRE(sink.out.errors.size() == 2);
  CHECK(sink.out.errors[0].row == 0);
  CHECK_THAT(sink.out.errors[0].reason, Catch::Contains("refused") && Catch::Contains("550")
                                          && Catch::Contains("no such user"));
  CHECK(sink.out.errors[1].row == 1);
  CHECK_THAT(sink.out.errors[1].reason,
             Catch::Contains("451") && Catch::Contains("gave up after 3 attempts"));
  const auto got = server.wait_for(1);
  REQUIRE(got.size() == 1);
  CHECK(got[0].header("Subject") == "[firing] d3");
  CHECK_THAT(sink.status->read().last_error, Catch::Contains("451"));
}

TEST_CASE("sink.email logs in over STARTTLS with the password from the environment") {
  ::setenv("SLUICE_TEST_SMTP_PASSWORD", "s3cret", 1);
  smtp_server server({"starttls", "sluice", "s3cret"});
  sink_under_test sink(server.address(), {{"tls", "starttls"},
                                          {"tls_ca", server.ca_file()},
                                          {"user", "sluice"},
                                          {"password", {{"env", "SLUICE_TEST_SMTP_PASSWORD"}}}});
  sink.op->open();
  sink.send(numbered(2));
  CHECK(sink.out.errors.empty());
  CHECK(subjects(server.wait_for(2)) == "[firing] d0;[firing] d1;");
  SECTION("without the CA the server's certificate is not trusted: the run fails at open") {
    sink_under_test untrusted(server.address(),
                              {{"tls", "starttls"}, {"user", "sluice"}, {"password", "s3cret"}});
    CHECK_THROWS_WITH(untrusted.op->open(), Catch::Contains("tls_ca"));
  }
}

TEST_CASE("sink.email logs in over implicit TLS (SMTPS)") {
  smtp_server server({"implicit", "sluice", "s3cret"});
  sink_under_test sink(server.address(), {{"tls", "implicit"},
                                          {"tls_ca", server.ca_file()},
                                          {"user", "sluice"},
                                          {"password", "s3cret"}});
  sink.op->open();
  sink.send(numbered(3));
  CHECK(sink.out.errors.empty());
  CHECK(subjects(server.wait_for(3)) == "[firing] d0;[firing] d1;[firing] d2;");
}

TEST_CASE("sink.email fails the run at open when the server refuses the login, naming the "
          "user and not the password") {
  smtp_server server({"starttls", "sluice", "s3cret"});
  sink_under_test sink(server.address(), {{"tls", "starttls"},
                                          {"tls_ca", server.ca_file()},
                                          {"user", "sluice"},
                                          {"password", "wrong-pw"}});
  try {
    sink.op->open();
    FAIL("the login was accepted");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(),
               Catch::Contains("refused the login of user 'sluice'") && Catch::Contains("535"));
    CHECK_THAT(e.what(), !Catch::Contains("wrong-pw"));
  }
  CHECK(server.messages().empty());
}

TEST_CASE("sink.email started while the server is down fails the run at the first message "
          "once the server refuses its login") {
  smtp_server server({"starttls", "sluice", "s3cret"});
  server.stop();
  sink_under_test sink(server.address(), {{"tls", "starttls"},
                                          {"tls_ca", server.ca_file()},
                                          {"user", "sluice"},
                                          {"password", "wrong-pw"},
                                          {"retries", 0}});
  sink.op->open(); // an outage, not a failure
  CHECK(sink.status->read().up == 0);
  server.start();
  CHECK_THROWS_WITH(sink.send(numbered(1)), Catch::Contains("refused the login"));
  CHECK(server.messages().empty());
}

TEST_CASE("sink.email fails the run at open when STARTTLS is asked for and the server does not "
          "offer it, or wants a login over plain text") {
  SECTION("no STARTTLS") {
    smtp_server server;
    sink_under_test sink(server.address(), {{"tls", "starttls"}});
    CHECK_THROWS_WITH(sink.op->open(), Catch::Contains("does not offer STARTTLS"));
  }
  SECTION("a login without TLS") {
    smtp_server server({"starttls", "sluice", "s3cret"});
    sink_under_test sink(server.address(), {{"user", "sluice"}, {"password", "s3cret"}});
    CHECK_THROWS_WITH(sink.op->open(), Catch::Contains("offers no login"));
  }
}

TEST_CASE("sink.email waits through an outage: the status goes down, then up, and every "
          "message arrives in order") {
  smtp_server server;
  server.stop();
  sink_under_test sink(server.address(), {{"retries", 0}});
  sink.op->open();
  std::atomic<bool> done{false};
  std::thread feeder([&] {
    sink.send(numbered(5));
    done = true;
  });
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (sink.status->read().up != 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const auto down = sink.status->read();
  CHECK(down.up == 0);
  CHECK_THAT(down.last_error, Catch::Contains(server.address()));
  CHECK_FALSE(done.load()); // the sink waits in on_batch: its input is held back
  server.start();
  feeder.join();
  CHECK(sink.out.errors.empty());
  CHECK(subjects(server.wait_for(5))
        == "[firing] d0;[firing] d1;[firing] d2;[firing] d3;[firing] d4;");
  const auto up = sink.status->read();
  CHECK(up.up == 1);
  CHECK(up.reconnects == 1);
}

TEST_CASE("sink.email whose server goes away mid-run reconnects and loses nothing") {
  smtp_server server;
  sink_under_test sink(server.address(), {{"retries", 0}});
  sink.op->open();
  sink.send(numbered(2)); // the connection is open and kept
  REQUIRE(server.wait_for(2).size() == 2);
  server.stop();
  std::thread feeder([&] { sink.send(numbered(3)); });
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (sink.status->read().up != 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(sink.status->read().up == 0);
  server.start();
  feeder.join();
  CHECK(sink.out.errors.empty());
  CHECK(subjects(server.wait_for(5))
        == "[firing] d0;[firing] d1;[firing] d0;[firing] d1;[firing] d2;");
  CHECK(sink.status->read().up == 1);
  CHECK(sink.status->read().reconnects == 1);
}

TEST_CASE("sink.email with checkpoints sends as records come and keeps no state") {
  smtp_server server;
  core::operator_context ctx;
  ctx.node_id = "mail";
  ctx.inputs = {incidents};
  ctx.checkpoints = true;
  auto op = make_operator("sink.email",
                          {{"server", server.address()},
                           {"tls", "none"},
                           {"from", "alerts@example.com"},
                           {"to", "ops@example.com"},
                           {"subject", "{device}"}},
                          ctx);
  recording_emitter out;
  op->open();
  op->on_batch_from(0, 0, numbered(2), out);
  // Handed to the server before the checkpoint: nothing is pending there.
  CHECK(server.messages().size() == 2);
  op->prepare_checkpoint(1);
  CHECK(op->state_version() == 0);
  op->checkpoint_complete(1);
  op->on_end_of_stream(out);
  op->close();
  CHECK(server.messages().size() == 2);
  CHECK(out.errors.empty());
}

TEST_CASE("sink.email over its rate limit waits instead of dropping, and keeps the order") {
  smtp_server server;
  sink_under_test sink(server.address(), {{"max_per_minute", 1200}, {"burst", 2}});
  sink.op->open();
  sink.send(numbered(8));
  sink.send(numbered(4));
  CHECK(sink.out.errors.empty());
  const auto got = server.wait_for(12);
  CHECK(subjects(got)
        == "[firing] d0;[firing] d1;[firing] d2;[firing] d3;[firing] d4;[firing] d5;"
           "[firing] d6;[firing] d7;[firing] d0;[firing] d1;[firing] d2;[firing] d3;");
}

TEST_CASE("sink.email checks its params at bind") {
  auto error_of = [](json p) {
    json base = {{"server", "127.0.0.1:25"},
                 {"from", "a@example.com"},
                 {"to", "{owner}@example.com"},
                 {"subject", "{status}"}};
    for (auto& [k, v] : p.items()) base[k] = v;
    return param_error_of("sink.email", base, incidents);
  };
  CHECK_FALSE(error_of(json::object()));
  CHECK(error_of({{"server", "smtp.example.com"}})->param() == "server");
  CHECK(error_of({{"server", "smtp.example.com:99999"}})->param() == "server");
  CHECK(error_of({{"from", "not an address"}})->param() == "from");
  CHECK(error_of({{"to", "nobody"}})->param() == "to");
  CHECK(error_of({{"to", "{nosuchfield}@example.com"}})->param() == "to");
  CHECK(error_of({{"subject", "{nosuchfield}"}})->param() == "subject");
  CHECK(error_of({{"body", "{oops"}})->param() == "body");
  CHECK(error_of({{"password", "pw"}})->param() == "password");
  CHECK(error_of({{"tls", "none"}, {"tls_ca", "/etc/ssl/ca.pem"}})->param() == "tls_ca");
  CHECK(error_of({{"tls", "ssl"}})->param() == "tls");
}
