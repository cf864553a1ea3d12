// `sink.email`: sends one e-mail per record over SMTP (libcurl), for
// alerts: `transform.alert` makes a record per incident, this sink a
// message of it. `to`, `subject` and `body` are record templates
// (connect::record_template); `to` may list several addresses, separated
// by commas. The message is built by email/message.hpp: a record whose
// address or subject holds a line break (a header it would inject) or is
// not an address goes to `errors`, naming why; nothing is sent for it.
//
// Delivery blocks (blocking_io: the node has its own thread), one message
// at a time, before on_batch returns:
// - at most `max_per_minute` messages a minute, after a burst of `burst`
//   (email/rate_limiter.hpp). Over the limit the sink waits: the records
//   behind wait in its input and credit holds the sources back
//   (backpressure). Nothing is dropped, and the order stays.
// - the server unreachable, or answering 4xx: the message is tried again
//   after reconnect_backoff, doubled up to reconnect_backoff_max, until
//   `retries` attempts were made (0: without limit); then it goes to
//   `errors` with the last reason. The connector status goes down while
//   the server cannot be reached, and up after the next message it takes.
// - refused for good (5xx, e.g. a recipient the server does not know): the
//   record goes to `errors` with the server's reply; the run goes on.
// - a login refused (535), TLS not offered or its certificate not
//   trusted: no message can go, so the run fails with that reason. open()
//   logs in once without sending (at most 5 s), so this shows when the run
//   starts, not at the first alert; a server down then is only reported.
// Each message is handed to the server before the next record is looked
// at, so nothing is held: a checkpoint finds no message pending, and the
// sink keeps no state. E-mail is at-least-once: records replayed after a
// resume (those after the checkpoint) are sent again, and so is a message
// whose acceptance reply was lost.

#include <cctype>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sluice/core/params.hpp"
#include "sluice/core/record_format.hpp"
#include "sluice/ops/connect/backoff.hpp"
#include "sluice/ops/connect/record_template.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/email/message.hpp"
#include "sluice/ops/email/rate_limiter.hpp"
#include "sluice/ops/email/smtp_client.hpp"

namespace sluice::ops::email {

namespace {

/// The login check at open waits at most this long for the server.
constexpr std::int64_t check_timeout_ns = 5000000000;

struct sink_config {
  smtp_settings smtp; ///< without the password: read at open
  mailbox from;
  connect::record_template to, subject;
  std::optional<connect::record_template> body;
  std::int64_t per_minute = 60, burst = 10, attempts = 10;
  std::int64_t backoff_ns = 0, backoff_max_ns = 0;
  std::shared_ptr<const core::params> params; ///< for `password`, read at open
  core::schema_ptr input;
};

/// `host:port`, `[v6]:port`; the port is required.
void parse_server(const std::string& text, smtp_settings& s) {
  const auto colon = text.rfind(':');
  std::string host = colon == std::string::npos ? "" : text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string port = colon == std::string::npos ? "" : text.substr(colon + 1);
  if (host.empty() || port.empty() || port.size() > 5
      || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) < 1
      || std::stoi(port) > 65535 || host.find_first_of(" /@\r\n") != std::string::npos)
    throw core::param_error("server",
                            "'" + text + "' is not host:port (e.g. smtp.example.com:587)");
  s.host = host;
  s.port = std::stoi(port);
}

/// A record's default body: one `field: value` a line.
void default_body(const core::batch& b, std::size_t row, std::string& out) {
  const auto& s = *b.schema_of();
  for (std::size_t i = 0; i < s.size(); ++i) {
    out += s.at(i).name;
    out += ": ";
    core::append_text_value(b.col(i), row, out);
    out += '\n';
  }
}

/// The rate limit paces real sending, so it reads the real clock (an
/// injected test clock may stand still).
std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

std::string id_part(const std::string& s) {
  std::string out;
  for (char c : s)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return out;
}

class email_sink final : public core::sink_operator {
public:
  email_sink(std::shared_ptr<const sink_config> cfg, const core::operator_context& ctx)
    : cfg_(std::move(cfg)), clock_(ctx.clock), status_(ctx.connector),
      id_prefix_(id_part(ctx.node_id) + "." + std::to_string(ctx.instance)),
      limiter_(cfg_->per_minute, cfg_->burst), backoff_(cfg_->backoff_ns, cfg_->backoff_max_ns) {}

  void open() override {
    if (client_) return;
    smtp_settings s = cfg_->smtp;
    s.password = cfg_->params->secret("password");
    client_ = std::make_unique<smtp_client>(std::move(s));
    // An alert may come days from now: learn at once whether the login,
    // TLS and certificate are right. A server that is down is an outage,
    // not a failure: the first message waits for it.
    const send_outcome r = client_->check_login(check_timeout_ns);
    if (r.what == send_outcome::kind::fatal) {
      status_->error(r.reason);
      throw std::runtime_error("sink.email: " + r.reason);
    }
    if (r.what == send_outcome::kind::sent) status_->connected();
    else if (r.link_down) status_->disconnected(r.reason);
    else status_->error(r.reason);
  }

  void close() override { client_.reset(); }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter& out) override {
    if (!client_) open();
    for (std::size_t row = 0; row < b->rows(); ++row) send_row(*b, row, out);
  }

  void on_end_of_stream(core::emitter&) override {}

private:
  void send_row(const core::batch& b, std::size_t row, core::emitter& out) {
    message_parts m;
    std::vector<std::string> recipients;
    std::string text;
    try {
      m.from = cfg_->from;
      m.to = parse_mailbox_list(cfg_->to.render(b, row), "to");
      m.subject = cfg_->subject.render(b, row);
      if (cfg_->body) cfg_->body->render(b, row, m.body);
      else default_body(b, row, m.body);
      const std::int64_t unix_ns = clock_->now_ns() + clock_->wall_offset_ns();
      m.date_unix_ns = unix_ns;
      m.message_id = std::to_string(unix_ns) + "." + std::to_string(++sent_) + "." + id_prefix_
                     + "@" + cfg_->from.address.substr(cfg_->from.address.find('@') + 1);
      text = build_message(m);
    } catch (const header_error& e) {
      out.error(b, row, e.what());
      return;
    }
    for (const auto& r : m.to) recipients.push_back(r.address);
    deliver(text, recipients, b, row, out);
  }

  void deliver(const std::string& text, const std::vector<std::string>& recipients,
               const core::batch& b, std::size_t row, core::emitter& out) {
    for (std::int64_t attempt = 1;; ++attempt) {
      for (;;) {
        const std::int64_t wait = limiter_.wait_ns(steady_ns());
        if (wait == 0) break;
        std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
      }
      const send_outcome r = client_->send(cfg_->from.address, recipients, text);
      using k = send_outcome::kind;
      switch (r.what) {
        case k::sent:
          limiter_.take(steady_ns());
          backoff_.reset();
          status_->connected();
          return;
        case k::fatal:
          status_->error(r.reason);
          throw std::runtime_error("sink.email: " + r.reason);
        case k::refused:
          limiter_.take(steady_ns()); // the server saw it: it counts
          status_->connected();
          status_->error(r.reason);
          out.error(b, row, "refused: " + r.reason);
          return;
        case k::transient:
          if (r.link_down) status_->disconnected(r.reason);
          else status_->error(r.reason);
          if (cfg_->attempts > 0 && attempt >= cfg_->attempts) {
            out.error(b, row,
                      r.reason + " (gave up after " + std::to_string(attempt) + " attempts)");
            return;
          }
          std::this_thread::sleep_for(std::chrono::nanoseconds(backoff_.next_ns()));
          break;
      }
    }
  }

  const std::shared_ptr<const sink_config> cfg_;
  std::shared_ptr<core::clock> clock_;
  std::shared_ptr<core::connector_status> status_;
  const std::string id_prefix_;
  std::unique_ptr<smtp_client> client_;
  rate_limiter limiter_;
  connect::backoff backoff_;
  std::uint64_t sent_ = 0;
};

} // namespace

core::descriptor email_sink_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "sink.email";
  d.category = "sink";
  d.blocking_io = true;
  d.summary = "Sends an e-mail per record over SMTP (templated to, subject and body), rate "
              "limited, retrying with backoff; refused messages go to errors";
  d.inputs = {{"in", "records to mail, any schema (e.g. transform.alert's incidents)"}};
  d.properties = {
    prop("server", param_type::string, "the SMTP server, host:port (e.g. smtp.example.com:587)")
      .required(),
    prop("tls", param_type::choice,
         "starttls: plain connection upgraded with STARTTLS, required (port 587); implicit: TLS "
         "from the start (SMTPS, port 465); none: no encryption (a local relay only)")
      .def("starttls")
      .choices({"starttls", "implicit", "none"}),
    prop("user", param_type::string, "login name (AUTH PLAIN or LOGIN); absent: no login"),
    prop("password", param_type::secret,
         "the login's password: a string, {\"env\": NAME} or {\"file\": PATH}"),
    prop("from", param_type::string,
         "the sender: alerts@example.com or \"Sluice Alerts <alerts@example.com>\"")
      .required(),
    prop("to", param_type::string,
         "recipients, a template ({field}): one address or several separated by commas, e.g. "
         "\"{owner}@example.com, oncall@example.com\"")
      .required(),
    prop("subject", param_type::string,
         "the subject, a template ({field}, {ts:%Y-%m-%d %H:%M}); a line break in it refuses "
         "the record")
      .required(),
    prop("body", param_type::string,
         "the text, a template ({field}, {ts:%Y-%m-%d %H:%M}, {{ and }} for braces); absent: "
         "one \"field: value\" a line"),
    prop("max_per_minute", param_type::integer,
         "messages a minute at most, after a burst of `burst` (0: no limit); over it the sink "
         "waits and holds its input back, it drops nothing")
      .def(60)
      .min(0),
    prop("burst", param_type::integer,
         "messages that may go at once before max_per_minute paces "
         "them")
      .def(10)
      .min(1)
      .max(100000),
    prop("retries", param_type::integer,
         "attempts per message while the server is unreachable or answers 4xx, before the record "
         "goes to errors (0: retry without limit)")
      .def(10)
      .min(0),
    prop("timeout", param_type::duration, "connect and dialogue timeout of one attempt")
      .def("30s")
      .min(0.001),
    prop("tls_ca", param_type::path,
         "starttls, implicit: PEM file of the certificate authorities to trust (default: the "
         "system's)"),
    prop("tls_verify", param_type::boolean, "starttls, implicit: verify the server's certificate")
      .def(true),
  };
  for (const auto& b : connect::backoff_properties()) d.properties.push_back(b);
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    auto cfg = std::make_shared<sink_config>();
    cfg->input = input_schema(ctx, 0, "in");
    parse_server(p.string("server"), cfg->smtp);
    const std::string tls = p.string("tls");
    cfg->smtp.tls = tls == "none"       ? tls_mode::none
                    : tls == "implicit" ? tls_mode::implicit
                                        : tls_mode::starttls;
    if (p.has("user")) cfg->smtp.user = p.string("user");
    if (cfg->smtp.user.find_first_of("\r\n") != std::string::npos)
      throw core::param_error("user", "holds a line break");
    if (p.has("password") && cfg->smtp.user.empty())
      throw core::param_error("password", "is set but `user` is not");
    try {
      cfg->from = parse_mailbox(p.string("from"), "from");
    } catch (const header_error& e) {
      throw core::param_error("from", e.what());
    }
    cfg->to = connect::record_template("to", p.string("to"), *cfg->input);
    if (cfg->to.constant()) {
      try {
        parse_mailbox_list(p.string("to"), "to");
      } catch (const header_error& e) {
        throw core::param_error("to", e.what());
      }
    }
    cfg->subject = connect::record_template("subject", p.string("subject"), *cfg->input);
    if (p.has("body")) cfg->body.emplace("body", p.string("body"), *cfg->input);
    cfg->per_minute = p.integer("max_per_minute");
    cfg->burst = p.integer("burst");
    cfg->attempts = p.integer("retries");
    cfg->smtp.timeout_ns = p.duration("timeout") * 1000;
    cfg->backoff_ns = p.duration("reconnect_backoff") * 1000;
    cfg->backoff_max_ns = p.duration("reconnect_backoff_max") * 1000;
    cfg->smtp.tls_ca = p.has("tls_ca") ? p.string("tls_ca") : "";
    cfg->smtp.tls_verify = p.boolean("tls_verify");
    if (cfg->smtp.tls == tls_mode::none && !cfg->smtp.tls_ca.empty())
      throw core::param_error("tls_ca", "is for tls starttls or implicit only");
    cfg->params = std::make_shared<const core::params>(p);
    std::shared_ptr<const sink_config> shared = cfg;
    return bound({}, [shared](const core::operator_context& c) {
      return std::make_unique<email_sink>(shared, c);
    });
  };
  return d;
}

} // namespace sluice::ops::email
