#include <catch2/catch.hpp>

#include <string>

#include "sluice/ops/email/message.hpp"
#include "sluice/ops/email/rate_limiter.hpp"

using namespace sluice::ops::email;

namespace {

message_parts parts(const std::string& subject, const std::string& body) {
  message_parts m;
  m.from = parse_mailbox("Sluice Alerts <alerts@example.com>", "from");
  m.to = parse_mailbox_list("ops@example.com, Ana <ana@example.com>", "to");
  m.subject = subject;
  m.body = body;
  m.message_id = "1.2.alerts@example.com";
  m.date_unix_ns = 1796689242000000000; // 2026-12-08T00:20:42Z
  return m;
}

} // namespace

TEST_CASE("a message has its headers, CRLF line ends and a text/plain utf-8 body") {
  const std::string text = build_message(parts("disk full", "line 1\nline 2\r\n.dot"));
  CHECK(text
        == "Date: Tue, 08 Dec 2026 00:20:42 +0000\r\n"
           "Message-ID: <1.2.alerts@example.com>\r\n"
           "From: \"Sluice Alerts\" <alerts@example.com>\r\n"
           "To: ops@example.com,\r\n \"Ana\" <ana@example.com>\r\n"
           "Subject: disk full\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n"
           "Content-Transfer-Encoding: 7bit\r\n"
           "\r\n"
           "line 1\r\nline 2\r\n.dot\r\n");
}

TEST_CASE("a non-ASCII subject is written as RFC 2047 encoded words that never cut a character") {
  const std::string subject = "Température élevée dans la salle des serveurs numéro 3 — °C";
  const std::string text = build_message(parts(subject, "été"));
  const auto at = text.find("Subject: ") + 9;
  const std::string header = text.substr(at, text.find("\r\nMIME") - at);
  CHECK(header.rfind("=?UTF-8?B?", 0) == 0);
  CHECK(header.find("\r\n =?UTF-8?B?") != std::string::npos); // folded: more than one word
  for (std::size_t from = 0; from < header.size();) {
    const auto end = std::min(header.find("\r\n", from), header.size());
    CHECK(end - from <= 76);
    from = end + 2;
  }
  CHECK(text.find("Content-Transfer-Encoding: 8bit") != std::string::npos);
}

TEST_CASE("a line break in a subject or an address is refused, so no header can be injected") {
  CHECK_THROWS_WITH(build_message(parts("hi\r\nBcc: spy@evil.example", "x")),
                    Catch::Contains("subject holds a line break"));
  CHECK_THROWS_WITH(build_message(parts("hi\nBcc: spy@evil.example", "x")),
                    Catch::Contains("subject holds a line break"));
  CHECK_THROWS_WITH(parse_mailbox_list("ops@example.com\r\nBcc: spy@evil.example", "to"),
                    Catch::Contains("to holds a line break"));
  CHECK_THROWS_AS(encode_header_text(std::string("a\0b", 3), "subject"), header_error);
}

TEST_CASE("addresses are checked: local@domain, with an optional display name") {
  CHECK(parse_mailbox(" ops@example.com ", "to").address == "ops@example.com");
  const auto m = parse_mailbox("\"Ops, Team\" <ops@example.com>", "from");
  CHECK(m.display == "Ops, Team");
  CHECK(m.address == "ops@example.com");
  CHECK(parse_mailbox_list("a@x.org,, b@y.org ,", "to").size() == 2);
  CHECK_THROWS_WITH(parse_mailbox_list(" , ", "to"), Catch::Contains("names no address"));
  CHECK_THROWS_WITH(parse_mailbox("@example.com", "to"), Catch::Contains("is not an address"));
  CHECK_THROWS_WITH(parse_mailbox("ops", "to"), Catch::Contains("is not an address"));
  CHECK_THROWS_WITH(parse_mailbox("a b@example.com", "to"), Catch::Contains("may not hold"));
  CHECK_THROWS_WITH(parse_mailbox("Ops <ops@example.com", "to"), Catch::Contains("not an address"));
}

TEST_CASE("a body with a line longer than SMTP allows is sent quoted-printable") {
  const std::string body = std::string(2000, 'a') + "=b \nend";
  const std::string text = build_message(parts("long", body));
  CHECK(text.find("Content-Transfer-Encoding: quoted-printable") != std::string::npos);
  const std::string sent = text.substr(text.find("\r\n\r\n") + 4);
  for (std::size_t from = 0; from < sent.size();) {
    const auto end = std::min(sent.find("\r\n", from), sent.size());
    CHECK(end - from <= 76);
    from = end + 2;
  }
  CHECK(sent.find("=3Db=20\r\nend") != std::string::npos); // '=' and the trailing space encoded
}

TEST_CASE("the rate limiter lets a burst go, then paces messages at the rate") {
  rate_limiter r(60, 3); // one a second after three at once
  std::int64_t now = 5'000'000'000;
  for (int i = 0; i < 3; ++i) {
    CHECK(r.wait_ns(now) == 0);
    r.take(now);
  }
  CHECK(r.wait_ns(now) == 1'000'000'000);
  now += 400'000'000;
  CHECK(r.wait_ns(now) == 600'000'000);
  now += 600'000'000;
  CHECK(r.wait_ns(now) == 0);
  r.take(now);
  CHECK(r.wait_ns(now) == 1'000'000'000);
  now += 100'000'000'000; // a long pause earns at most the burst again
  for (int i = 0; i < 3; ++i) {
    CHECK(r.wait_ns(now) == 0);
    r.take(now);
  }
  CHECK(r.wait_ns(now) > 0);
}

TEST_CASE("the rate limiter with no rate never waits") {
  rate_limiter r(0, 1);
  for (int i = 0; i < 100; ++i) {
    CHECK(r.wait_ns(0) == 0);
    r.take(0);
  }
}
